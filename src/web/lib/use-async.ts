import { useCallback, useEffect, useRef, useState } from 'react'

/**
 * Loads one value for a component and refetches when `deps` change. Errors were already shown
 * by the http client, so here they only leave `data` undefined.
 */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]) {
  const [data, setData] = useState<T | undefined>(undefined)
  const [loading, setLoading] = useState(true)
  const [tick, setTick] = useState(0)
  const loadRef = useRef(load)
  loadRef.current = load

  useEffect(() => {
    const ac = new AbortController()
    setLoading(true)
    loadRef.current(ac.signal)
      .then((d) => { if (!ac.signal.aborted) setData(d) })
      .catch(() => { if (!ac.signal.aborted) setData(undefined) })
      .finally(() => { if (!ac.signal.aborted) setLoading(false) })
    return () => ac.abort()
  }, [...deps, tick])

  const reload = useCallback(() => setTick((t) => t + 1), [])
  return { data, loading, reload, setData }
}
