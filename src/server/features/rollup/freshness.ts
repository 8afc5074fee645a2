import { sql, type RawBuilder, type SqlBool } from 'kysely'
import { RESOURCE_KINDS, RESOURCE_KIND_KEYS } from '../../../domain/resources/kinds.js'
import type { Db } from '../../db/database.js'
import { inScope, scopeOf, type Scope } from '../../db/scope.js'
import { freshnessDays, isStale } from '../resources/freshness.js'
import type { RollupSource } from './queries.js'
import type { FreshnessReply } from './schema.js'
import { freshFromTallies, SUPPLY_TALLY_KIND, tallied } from './tallies.js'
import { assembleChildren, childPrefixLength, childKey, regionKey, rollupRegion } from './tree.js'

/** Supply lines are counted beside the resource kinds under this key. */
export const SUPPLY_KIND = SUPPLY_TALLY_KIND
const KIND_LABELS: Record<string, string> = { ...RESOURCE_KINDS, [SUPPLY_KIND]: '应急物资装备' }

/**
 * Records and stale records per child region of a province, city or county from fresh_tally: one
 * row per child and kind, or one without a kind for a child with no records.
 */
type FreshRow = { code: string; name: string; level: string; kind: string | null; records: number | null; stale: number | null }

async function freshnessFromTallies(db: Db, scope: Scope, within: Scope, regionCode: string, n: number, days: number): Promise<FreshRow[]> {
  const [regions, figures] = await Promise.all([
    db.selectFrom('region as r').select(['r.code', 'r.name', 'r.level'])
      .where((eb) => eb.or([eb('r.parentCode', '=', regionCode), eb('r.code', '=', regionCode)]))
      .where(inScope('r.code', scope))
      .execute(),
    freshFromTallies(db, scope, within, n, days),
  ])
  const byKey = new Map<string, typeof figures>()
  for (const f of figures) byKey.set(f.k, [...(byKey.get(f.k) ?? []), f])
  return regions.flatMap((r): FreshRow[] => {
    const mine = byKey.get(r.code.slice(0, n)) ?? []
    if (mine.length === 0) return [{ ...r, kind: null, records: null, stale: null }]
    return mine.map((f) => ({ ...r, kind: f.kind, records: f.records, stale: f.stale }))
  })
}

/**
 * Records and stale records per kind and per child region, resources (in use) and supply lines
 * together: from the tallies for a province, city or county, else one grouped query over the
 * subtree, left-joined onto the child regions.
 */
export async function rollupFreshness(db: Db, scope: Scope, regionCode: string | undefined, source: RollupSource = {}): Promise<FreshnessReply> {
  const region = await rollupRegion(db, scope, regionCode)
  const within = scopeOf(region.code)
  const days = await freshnessDays(db)
  const n = childPrefixLength(region.level)

  const rows: FreshRow[] = !source.rows && tallied(n) ? await freshnessFromTallies(db, scope, within, region.code, n, days) : await db
    .with('f', (qb) => qb.selectFrom('resource as x')
      .where(inScope('x.regionCode', scope)).where(inScope('x.regionCode', within)).where('x.status', '=', 'active')
      .select((eb) => [
        childKey('x.regionCode', n).as('k'), 'x.kind',
        eb.fn.countAll<number>().as('records'),
        eb.fn.countAll<number>().filterWhere(isStale('x.confirmedAt', days)).as('stale'),
      ])
      .groupBy([childKey('x.regionCode', n), 'x.kind'])
      .unionAll(qb.selectFrom('supply as s')
        .where(inScope('s.regionCode', scope)).where(inScope('s.regionCode', within))
        .select((eb) => [
          childKey('s.regionCode', n).as('k'), sql.lit(SUPPLY_KIND).as('kind'),
          eb.fn.countAll<number>().as('records'),
          eb.fn.countAll<number>().filterWhere(isStale('s.confirmedAt', days)).as('stale'),
        ])
        .groupBy(childKey('s.regionCode', n))))
    .selectFrom('region as r')
    .leftJoin('f', (join) => join.on((eb) => eb('f.k', '=', regionKey(n))))
    .select(['r.code', 'r.name', 'r.level', 'f.kind', 'f.records', 'f.stale'])
    .where((eb) => eb.or([eb('r.parentCode', '=', region.code), eb('r.code', '=', region.code)]))
    .where(inScope('r.code', scope))
    .execute()

  const byKind = new Map([...RESOURCE_KIND_KEYS, SUPPLY_KIND].map((kind) => [kind, { kind, label: KIND_LABELS[kind], records: 0, stale: 0 }]))
  const children = assembleChildren(region.code, rows, () => ({ records: 0, stale: 0 }), (c, row) => {
    if (row.kind === null) return
    c.records += row.records ?? 0
    c.stale += row.stale ?? 0
    const k = byKind.get(row.kind)
    if (k) { k.records += row.records ?? 0; k.stale += row.stale ?? 0 }
  }, (c) => c.records > 0)
  const total = { records: 0, stale: 0 }
  for (const k of byKind.values()) { total.records += k.records; total.stale += k.stale }
  return { freshnessDays: days, total, byKind: [...byKind.values()], children }
}
