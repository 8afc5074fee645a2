import { sql, type RawBuilder, type SqlBool } from 'kysely'
import type { Db } from '../../db/database.js'
import { inScope, type Scope } from '../../db/scope.js'
import { childKey } from './tree.js'

/**
 * Reading the roll-up tallies of migration 0020, which triggers keep as records change. A tally
 * row's `key` is the first `level` digits of a region code.
 */

/** Digits of the children of a province, city and county: the levels supply, date and fresh tallies keep. */
export const CHILD_LEVELS: readonly number[] = [4, 6, 9]

/**
 * Whether a roll-up grouping by `n` digits reads the tallies. A township (children: villages,
 * 12 digits) or a village holds a few hundred lines, which are grouped directly.
 */
export const tallied = (n: number) => CHILD_LEVELS.includes(n)

/** Tally rows of `level` under `within`, itself inside `scope`. */
export function tallyRowsUnder(column: string, within: Scope, scope: Scope): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${inScope(column, within)} and ${inScope(column, scope)})`
}

/**
 * A record is stale when it was never confirmed or confirmed before `now() - days`
 * (resources/freshness.ts). The tallies count confirmations per UTC day; the days before the
 * cut-off's day are stale, later ones are not, and the cut-off's own day is decided row by row.
 */
export function staleCutoff(days: number) {
  const at = sql<Date>`(now() - make_interval(days => ${days}))`
  const day = sql<string>`((${at} at time zone 'UTC')::date)`
  return { at, day, dayStart: sql<Date>`((${day})::timestamp at time zone 'UTC')` }
}

/** fresh_tally's kind for supply lines, beside the resource kinds. */
export const SUPPLY_TALLY_KIND = 'supply'

export type FreshFigure = { k: string; kind: string; records: number; stale: number }

/**
 * Records and stale records per child key (`n` digits, one of CHILD_LEVELS) and kind under
 * `within`: resources in use by their kind, supply lines as 'supply' (unless only `resources` are
 * asked for). One statement, so the
 * tallied days and the rows of the cut-off's day are read at the same `now()`.
 */
export async function freshFromTallies(
  db: Db, scope: Scope, within: Scope, n: number, days: number, what: 'all' | 'resources' = 'all',
): Promise<FreshFigure[]> {
  const cut = staleCutoff(days)
  // The cut-off's own day, stale part: rows confirmed from the day's start up to the cut-off.
  const boundary = (table: 'resource' | 'supply') => {
    const kind = table === 'supply' ? sql`${SUPPLY_TALLY_KIND}::text` : sql.ref('x.kind')
    return sql`
      select ${childKey('x.region_code', n)} as k, ${kind} as kind, 0::bigint as records, count(*) as stale
      from ${sql.table(table)} x
      where ${tallyRowsUnder('x.region_code', within, scope)}
        ${table === 'resource' ? sql`and x.status = 'active'` : sql``}
        and x.confirmed_at >= ${cut.dayStart} and x.confirmed_at < ${cut.at}
      group by 1, 2`
  }
  // A few thousand tally rows: planned as a parallel query, starting the workers costs more than
  // the reading, and under many requests at once they only compete for the same cores.
  const { rows } = await db.transaction().execute(async (trx) => {
    await sql`set local max_parallel_workers_per_gather = 0`.execute(trx)
    return sql<{ k: string; kind: string; records: number; stale: number }>`
    select k, kind, sum(records)::bigint as records, sum(stale)::bigint as stale from (
      select t.key as k, t.kind,
        sum(t.records) as records, coalesce(sum(t.records) filter (where t.confirmed_on < ${cut.day}), 0) as stale
      from fresh_tally t
      where t.level = ${n} and ${tallyRowsUnder('t.key', within, scope)}
        ${what === 'resources' ? sql`and t.kind <> ${SUPPLY_TALLY_KIND}` : sql``}
      group by 1, 2
      union all ${boundary('resource')}
      ${what === 'all' ? sql`union all ${boundary('supply')}` : sql``}
    ) f
    group by k, kind`.execute(trx)
  })
  return rows
}

/** Recomputes every tally from the records (migration 0020's `rollup_rebuild`): after a restore, or as a repair. */
export async function rebuildRollupTallies(db: Db): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`select rollup_rebuild()`.execute(trx)
  })
}
