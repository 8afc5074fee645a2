import { sql, type RawBuilder } from 'kysely'
import { levelOf, REGION_LEVELS, type RegionLevel } from '../../../domain/regions/code.js'
import type { Db } from '../../db/database.js'
import { codeInScope, inScope, type Scope } from '../../db/scope.js'
import { notFound, outOfScope } from '../../errors.js'
import type { RegionHead } from './schema.js'

/** Name of the pseudo-child holding rows registered at the asked region itself (e.g. a county warehouse). */
export const OWN_LEVEL = '本级'

/**
 * The region a roll-up is asked about: the user's own by default; outside the jurisdiction → 403,
 * unknown → 404.
 */
export async function rollupRegion(db: Db, scope: Scope, regionCode: string | undefined): Promise<RegionHead & { level: RegionLevel }> {
  const code = regionCode ?? scope.regionCode
  if (!codeInScope(code, scope)) throw outOfScope(code)
  const row = await db.selectFrom('region').select(['code', 'name', 'fullName', 'level'])
    .where('code', '=', code).where(inScope('code', scope)).executeTakeFirst()
  if (!row) throw notFound('区划', code)
  return { ...row, level: levelOf(row.code) }
}

/**
 * Digits that name a child of a region of `level`: a city's children are counties (6), a
 * county's townships (9). A village has no children, so its own 12 digits stand for itself.
 */
export function childPrefixLength(level: RegionLevel): number {
  return { province: 4, city: 6, county: 9, township: 12, village: 12 }[level]
}

/**
 * `left(column, n)`: the child a row rolls up to. The length goes in as a literal so that the
 * same expression in SELECT and GROUP BY is recognised as one (two parameters would not be).
 */
export function childKey(column: string, length: number): RawBuilder<string> {
  return sql<string>`left(${sql.ref(column)}, ${sql.lit(length)})`
}

/** The key a region row itself has, to left-join the grouped figures onto the region table. */
export function regionKey(length: number): RawBuilder<string> {
  return childKey('r.code', length)
}

/** Level below `level`, or the same for a village. */
export function childLevel(level: RegionLevel): RegionLevel {
  return REGION_LEVELS[Math.min(REGION_LEVELS.indexOf(level) + 1, REGION_LEVELS.length - 1)]
}

type RegionRow = { code: string; name: string; level: string }

/**
 * Rows of "child region left join grouped figures" (several per child when grouped finer) to one
 * entry per child in code order. The asked region's own row becomes 本级, listed first and only
 * when it holds something; real children are listed even when empty.
 */
export function assembleChildren<R extends RegionRow, C>(
  regionCode: string,
  rows: R[],
  empty: () => C,
  add: (into: C, row: R) => void,
  hasData: (child: C) => boolean,
): Array<{ code: string; name: string; level: string } & C> {
  const byCode = new Map<string, { code: string; name: string; level: string } & C>()
  for (const row of rows) {
    let child = byCode.get(row.code)
    if (!child) {
      child = { code: row.code, name: row.code === regionCode ? OWN_LEVEL : row.name, level: row.level, ...empty() }
      byCode.set(row.code, child)
    }
    add(child, row)
  }
  return [...byCode.values()]
    .filter((c) => c.code !== regionCode || hasData(c))
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
}
