import { useCallback, useEffect, useRef, useState } from 'react'
import type { Paged } from './http.js'

export type PageQuery = { page: number; pageSize: number }

export type PagedList<T> = {
  items: T[]
  total: number
  loading: boolean
  page: number
  pageSize: number
  /** Go to a page (and page size) of the same filters. */
  goTo: (page: number, pageSize?: number) => void
  /** Fetch the current page again, after a write. */
  reload: () => void
}

/**
 * One server-paginated list. A change of `filters` (compared by value) returns to page 1; a
 * slower, older answer never overwrites a newer one, because each fetch aborts the last.
 */
export function usePagedList<T, F extends object>(
  fetchPage: (q: F & PageQuery, signal: AbortSignal) => Promise<Paged<T>>,
  filters: F,
  initialPageSize = 20,
): PagedList<T> {
  const key = JSON.stringify(filters)
  const [state, setState] = useState({ key, page: 1, pageSize: initialPageSize, tick: 0 })
  const [data, setData] = useState<Paged<T>>({ items: [], total: 0 })
  const [loading, setLoading] = useState(false)
  const fetchRef = useRef(fetchPage)
  fetchRef.current = fetchPage

  // New filters start over at page 1; done during render so no request for the stale page goes out.
  if (state.key !== key) setState({ ...state, key, page: 1 })

  useEffect(() => {
    if (state.key !== key) return
    const ac = new AbortController()
    setLoading(true)
    fetchRef.current({ ...(JSON.parse(state.key) as F), page: state.page, pageSize: state.pageSize }, ac.signal)
      .then((d) => {
        if (ac.signal.aborted) return
        // A delete can empty the last page: step back rather than show an empty table.
        if (d.items.length === 0 && d.total > 0 && state.page > 1) {
          setState((s) => ({ ...s, page: Math.max(1, Math.ceil(d.total / s.pageSize)) }))
          return
        }
        setData(d)
      })
      .catch(() => {
        if (!ac.signal.aborted) setData({ items: [], total: 0 })
      })
      .finally(() => {
        if (!ac.signal.aborted) setLoading(false)
      })
    return () => ac.abort()
  }, [state, key])

  const goTo = useCallback((page: number, pageSize?: number) => {
    setState((s) => ({ ...s, page: pageSize && pageSize !== s.pageSize ? 1 : page, pageSize: pageSize ?? s.pageSize }))
  }, [])
  const reload = useCallback(() => setState((s) => ({ ...s, tick: s.tick + 1 })), [])

  return { items: data.items, total: data.total, loading, page: state.page, pageSize: state.pageSize, goTo, reload }
}
