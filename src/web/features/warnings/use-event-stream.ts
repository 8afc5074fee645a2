import { useEffect, useRef, useState } from 'react'

const RETRY_MS = 5000

export type StreamState = 'connecting' | 'open' | 'retrying'

/**
 * Listens to a server-sent event stream while the component is shown. EventSource reconnects
 * by itself after a drop; `state` lets the page say whether it is live. Every event (unnamed or
 * one of `names`) calls `onEvent`; callers refetch rather than trust a payload they may have
 * missed the predecessor of.
 */
export function useEventStream(url: string | null, onEvent: (data: unknown) => void, names: readonly string[] = []): StreamState {
  const [state, setState] = useState<StreamState>('connecting')
  const handler = useRef(onEvent)
  handler.current = onEvent
  const nameKey = names.join(',')

  useEffect(() => {
    if (!url || typeof EventSource === 'undefined') return
    const extra = nameKey ? nameKey.split(',') : []
    const deliver = (e: MessageEvent) => handler.current(parse(e.data))
    let source: EventSource | null = null
    let retry: ReturnType<typeof setTimeout> | undefined
    const connect = () => {
      const s = new EventSource(url, { withCredentials: true })
      source = s
      s.onopen = () => {
        setState('open')
        // Whatever happened while the line was down is fetched once.
        handler.current(null)
      }
      s.onerror = () => {
        if (s.readyState !== EventSource.CLOSED) {
          setState('connecting')
          return
        }
        // Refused outright (a restart mid-handshake, a 5xx): the browser gives up, we do not.
        setState('retrying')
        s.close()
        retry = setTimeout(connect, RETRY_MS)
      }
      s.onmessage = deliver
      for (const n of extra) s.addEventListener(n, deliver as EventListener)
    }
    setState('connecting')
    connect()
    return () => {
      clearTimeout(retry)
      source?.close()
    }
  }, [url, nameKey])

  return state
}

function parse(data: unknown): unknown {
  if (typeof data !== 'string') return data
  try {
    return JSON.parse(data)
  } catch {
    return data
  }
}
