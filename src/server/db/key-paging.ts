import { sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely'
import { AppError } from '../errors.js'

/**
 * Key paging (keyset pagination) for long lists. A page ends with a cursor naming the last row's
 * place in the list's order; the next page is the rows after that place, found by walking the
 * order's index from there. Unlike OFFSET, page 500 costs what page 1 costs, and a row inserted
 * or deleted meanwhile shifts nothing: every row present throughout is listed exactly once.
 *
 * Lists do not count their whole set on every page either: the count stops at COUNT_CAP + 1
 * rows unless the caller asks for the exact figure (`count=exact`).
 */

/** Counts beyond this are given as “超过 1000”. */
export const COUNT_CAP = 1000

/**
 * One column of a list's order. `type` casts a cursor's text back for the comparison; `nulls`
 * says where a nullable column's nulls sort (`desc` reverses the values, not the nulls).
 */
export type KeyColumn = {
  ref: string
  type: 'text' | 'numeric' | 'date' | 'timestamptz' | 'bigint'
  desc?: boolean
  nulls?: 'first' | 'last'
}

/** A list's order: a name the cursor carries (so a cursor of another order is refused) and its columns, ending with a unique one. */
export type KeyOrder = { name: string; columns: KeyColumn[] }

export type CountMode = 'exact' | undefined

/** What a key-paged list answers besides its rows. */
export type PageInfo = {
  /** Cursor of the next page; null on the last page. */
  next: string | null
  /** Rows in the whole list: exact, or COUNT_CAP when there are more (then totalExact is false). */
  total: number
  totalExact: boolean
  /** The count as users read it: “523” or “超过 1000”. */
  totalLabel: string
}

export const badCursor = (value: string) =>
  new AppError('INVALID_FIELD', 400, `“接续位置”的值“${value.slice(0, 40)}”无效，请从第一页重新查询`, [{ field: 'after', value }])

/**
 * The row's place in the order, selected beside it as `pageKey` so that its cursor can be made
 * exactly: the order's columns as text (timestamps keep their microseconds).
 */
export function keyOf(order: KeyOrder) {
  return sql<Array<string | null>>`array[${sql.join(order.columns.map((c) => sql`${sql.ref(c.ref)}::text`))}]`.as('pageKey')
}

export function encodeCursor(order: KeyOrder, key: Array<string | null>): string {
  return Buffer.from(JSON.stringify([order.name, ...key])).toString('base64url')
}

/** The values of a cursor made by encodeCursor for the same order; AppError 400 for anything else. */
export function decodeCursor(order: KeyOrder, cursor: string): Array<string | null> {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw badCursor(cursor)
  }
  if (!Array.isArray(parsed) || parsed.length !== order.columns.length + 1 || parsed[0] !== order.name) throw badCursor(cursor)
  const values = parsed.slice(1)
  if (!values.every((v) => v === null || (typeof v === 'string' && v.length <= 400))) throw badCursor(cursor)
  // A value the column's type cannot hold would reach PostgreSQL as a failing cast.
  order.columns.forEach((c, i) => {
    const v = values[i] as string | null
    if (v === null) {
      if (!c.nulls) throw badCursor(cursor)
      return
    }
    const ok = c.type === 'text' ? true
      : c.type === 'bigint' ? /^-?\d{1,19}$/.test(v)
      : c.type === 'numeric' ? /^-?\d{1,40}(\.\d{1,40})?$/.test(v)
      : c.type === 'date' ? /^\d{4}-\d{2}-\d{2}$/.test(v)
      : /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/.test(v)
    if (!ok) throw badCursor(cursor)
  })
  return values as Array<string | null>
}

/** Rows strictly after the place `values` in the order. */
export function afterKey(order: KeyOrder, values: Array<string | null>): RawBuilder<SqlBool> {
  const cast = (c: KeyColumn, v: string) => sql`${v}::${sql.raw(c.type)}`
  const col = (c: KeyColumn) => sql.ref(c.ref)
  const same = (c: KeyColumn, v: string | null) => (v === null ? sql<SqlBool>`${col(c)} is null` : sql<SqlBool>`${col(c)} = ${cast(c, v)}`)
  const beyond = (c: KeyColumn, v: string | null): RawBuilder<SqlBool> => {
    if (v === null) return c.nulls === 'first' ? sql<SqlBool>`${col(c)} is not null` : sql<SqlBool>`false`
    const cmp = c.desc ? sql<SqlBool>`${col(c)} < ${cast(c, v)}` : sql<SqlBool>`${col(c)} > ${cast(c, v)}`
    return c.nulls === 'last' ? sql<SqlBool>`(${cmp} or ${col(c)} is null)` : cmp
  }
  const terms = order.columns.map((c, i) => {
    const equal = order.columns.slice(0, i).map((p, j) => same(p, values[j]))
    return sql<SqlBool>`(${sql.join([...equal, beyond(c, values[i])], sql` and `)})`
  })
  return sql<SqlBool>`(${sql.join(terms, sql` or `)})`
}

/** ORDER BY terms of the order. */
export function orderTerms(order: KeyOrder): RawBuilder<unknown> {
  return sql.join(order.columns.map((c) =>
    sql`${sql.ref(c.ref)} ${sql.raw(c.desc ? 'desc' : 'asc')}${sql.raw(c.nulls ? ` nulls ${c.nulls}` : '')}`))
}

/**
 * How many rows `rows` (a SELECT of the list's filters) holds: exactly when asked, else reading
 * at most COUNT_CAP + 1 of them.
 */
export async function countRows<DB>(db: Kysely<DB>, rows: Expression<unknown>, mode: CountMode): Promise<Omit<PageInfo, 'next'>> {
  const exact = mode === 'exact'
  const { rows: [{ n }] } = await sql<{ n: number }>`
    select count(*)::int as n from (${rows} ${exact ? sql`` : sql`limit ${COUNT_CAP + 1}`}) c`.execute(db)
  return countInfo(n, exact)
}

/** The count as users read it. */
export function countInfo(n: number, exact: boolean): Omit<PageInfo, 'next'> {
  return exact || n <= COUNT_CAP
    ? { total: n, totalExact: true, totalLabel: String(n) }
    : { total: COUNT_CAP, totalExact: false, totalLabel: `超过 ${COUNT_CAP}` }
}

/**
 * `limit + 1` rows fetched for a page: the extra row only says that another page follows.
 * Returns the page's rows without their `pageKey` and the next page's cursor.
 */
export function pageOf<R extends { pageKey: Array<string | null> }>(order: KeyOrder, rows: R[], limit: number): { rows: Array<Omit<R, 'pageKey'>>; next: string | null } {
  const more = rows.length > limit
  const page = more ? rows.slice(0, limit) : rows
  return {
    rows: page.map(({ pageKey, ...rest }) => rest),
    next: more ? encodeCursor(order, page[page.length - 1].pageKey) : null,
  }
}
