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

/**
 * Runs `fn` at most once per `ms`, the last call winning: a burst of confirmations becomes one
 * refetch at the start and one at the end, so the counts are never left behind.
 */
export function throttle(fn: () => void, ms: number): { call: () => void; cancel: () => void } {
  let last = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const run = () => {
    timer = undefined
    last = Date.now()
    fn()
  }
  return {
    call: () => {
      if (timer) return
      const wait = last + ms - Date.now()
      if (wait <= 0) run()
      else timer = setTimeout(run, wait)
    },
    cancel: () => {
      clearTimeout(timer)
      timer = undefined
    },
  }
}
