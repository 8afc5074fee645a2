import { useEffect, useRef, useState } from 'react'

/**
 * Server-side search behind a select box: asks `search` for what is typed, after a pause in
 * typing (each keystroke of a name would otherwise be a query), cancelling the request before.
 * Remembers the names of records seen, so a chosen record keeps its name when a later search no
 * longer lists it.
 */
export function useRemoteSearch<T extends { id: number; name: string }>(
  search: (q: string | undefined, signal: AbortSignal) => Promise<T[]>,
  deps: readonly unknown[],
) {
  const [q, setQ] = useState('')
  const [found, setFound] = useState<T[]>([])
  const [loading, setLoading] = useState(false)
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined)

  useEffect(() => {
    const ac = new AbortController()
    clearTimeout(timer.current)
    timer.current = setTimeout(() => {
      setLoading(true)
      search(q.trim() || undefined, ac.signal)
        .then(setFound)
        .catch(() => {})
        .finally(() => { if (!ac.signal.aborted) setLoading(false) })
    }, q ? 250 : 0)
    return () => {
      clearTimeout(timer.current)
      ac.abort()
    }
    // `search` is rebuilt on every render; what it depends on is passed in `deps`.
  }, [q, ...deps])

  const seen = useRef(new Map<number, string>())
  for (const x of found) seen.current.set(x.id, x.name)
  /** The chosen record's name: from the searches so far, else `fallback` (the record being edited). */
  const nameOf = (id: number | null | undefined, fallback?: string | null): string | null =>
    id ? seen.current.get(id) ?? fallback ?? null : null

  return { found, loading, setQ, nameOf }
}
