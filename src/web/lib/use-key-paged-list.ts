import { useCallback, useEffect, useRef, useState } from 'react'
import type { KeyPaged } from './http.js'

/** What a key-paged endpoint takes besides its filters. */
export type KeyPageQuery = { pageSize: number; after?: string; count?: 'exact' }

export type KeyPagedList<T> = {
  items: T[]
  loading: boolean
  /** Exact, or the cap when totalExact is false. */
  total: number
  totalExact: boolean
  /** “523” or “超过 1000”, as the server words it. */
  totalLabel: string
  /** 1 for the first page. */
  page: number
  pageSize: number
  hasPrevious: boolean
  hasNext: boolean
  next: () => void
  previous: () => void
  setPageSize: (pageSize: number) => void
  /** Ask the server for the exact count of the whole list (slower on long lists). */
  countExactly: () => void
  /** Fetch the current page again, after a write. */
  reload: () => void
}

const EMPTY = { items: [], next: null, total: 0, totalExact: true, totalLabel: '0' }

/**
 * One server list paged by key: the next page starts after the last row of this one, so the web
 * keeps the cursor of every page it has passed (going back is going to a known cursor). A change of
 * `filters` (compared by value) starts over at the first page; a slower, older answer never
 * overwrites a newer one, because each fetch aborts the last.
 */
export function useKeyPagedList<T, F extends object>(
  fetchPage: (q: F & KeyPageQuery, signal: AbortSignal) => Promise<KeyPaged<T>>,
  filters: F,
  initialPageSize = 20,
): KeyPagedList<T> {
  const key = JSON.stringify(filters)
  // cursors[i] is where page i + 1 starts; the first page starts at the beginning.
  const [state, setState] = useState({ key, cursors: [undefined] as Array<string | undefined>, index: 0, pageSize: initialPageSize, exact: false, tick: 0 })
  const [data, setData] = useState<KeyPaged<T>>(EMPTY)
  const [loading, setLoading] = useState(false)
  const fetchRef = useRef(fetchPage)
  fetchRef.current = fetchPage

  // New filters start over; done during render so no request for the stale page goes out.
  if (state.key !== key) setState({ ...state, key, cursors: [undefined], index: 0, exact: false })

  useEffect(() => {
    if (state.key !== key) return
    const ac = new AbortController()
    setLoading(true)
    const after = state.cursors[state.index]
    fetchRef.current({ ...(JSON.parse(state.key) as F), pageSize: state.pageSize, after, count: state.exact ? 'exact' : undefined }, ac.signal)
      .then((d) => {
        if (ac.signal.aborted) return
        // A delete can empty the last page: step back rather than show an empty table.
        if (d.items.length === 0 && state.index > 0) {
          setState((s) => ({ ...s, index: s.index - 1, cursors: s.cursors.slice(0, s.index) }))
          return
        }
        setData(d)
        setState((s) => {
          const cursors = s.cursors.slice(0, s.index + 1)
          if (d.next !== null) cursors.push(d.next)
          return cursors.length === s.cursors.length && cursors.every((c, i) => c === s.cursors[i]) ? s : { ...s, cursors }
        })
      })
      .catch(() => {
        if (!ac.signal.aborted) setData(EMPTY)
      })
      .finally(() => {
        if (!ac.signal.aborted) setLoading(false)
      })
    return () => ac.abort()
    // Not on `cursors`: they change when a page arrives, which must not fetch the page again.
  }, [state.key, state.index, state.pageSize, state.exact, state.tick, key])

  const next = useCallback(() => setState((s) => (s.index + 1 < s.cursors.length ? { ...s, index: s.index + 1 } : s)), [])
  const previous = useCallback(() => setState((s) => (s.index > 0 ? { ...s, index: s.index - 1 } : s)), [])
  const setPageSize = useCallback((pageSize: number) => setState((s) => ({ ...s, pageSize, cursors: [undefined], index: 0 })), [])
  const countExactly = useCallback(() => setState((s) => ({ ...s, exact: true })), [])
  const reload = useCallback(() => setState((s) => ({ ...s, tick: s.tick + 1 })), [])

  return {
    items: data.items,
    loading,
    total: data.total,
    totalExact: data.totalExact,
    totalLabel: data.totalLabel,
    page: state.index + 1,
    pageSize: state.pageSize,
    hasPrevious: state.index > 0,
    hasNext: state.index + 1 < state.cursors.length,
    next,
    previous,
    setPageSize,
    countExactly,
    reload,
  }
}
