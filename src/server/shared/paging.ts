/** The `page` and `pageSize` of a list query (1-based page), as SQL's LIMIT and OFFSET. */
export function paging(query: { page?: number; pageSize?: number }, defaultSize = 20): { limit: number; offset: number } {
  const pageSize = query.pageSize ?? defaultSize
  return { limit: pageSize, offset: ((query.page ?? 1) - 1) * pageSize }
}
