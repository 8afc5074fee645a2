import { sql, type Expression, type SqlBool } from 'kysely'
import { supplyClassLevel } from '../../../domain/resources/supply-classes.js'
import { RESOURCE_KIND_KEYS, type ResourceKind } from '../../../domain/resources/kinds.js'
import type { Db } from '../../db/database.js'
import { inScope, scopeOf, type Scope } from '../../db/scope.js'
import { freshnessDays, isStale } from '../resources/freshness.js'
import type { ResourceFigures, ResourceRollup, SupplyRollup, SupplyRollupQuery } from './schema.js'
import { assembleChildren, childPrefixLength, childKey, regionKey, rollupRegion } from './tree.js'

export type SupplyFilters = Omit<SupplyRollupQuery, 'regionCode'>

const BY_NAME_LIMIT = 50

/** Digits of a class code that its descendants share: 2000000 → "2", 2010000 → "201". */
function classPrefix(code: string): string {
  return code.slice(0, [1, 3, 5, 7][supplyClassLevel(code) - 1])
}

type TopClassCount = { classCode: string; className: string; lines: number }

/**
 * 汇总 of supply and equipment lines under a region: per direct child (each its whole subtree,
 * plus 本级 for rows at the region itself), per top class, and quantities per unit — units are
 * never added together. One grouped query over the subtree keyed by `left(region_code, n)`,
 * left-joined onto the child regions so that children without rows are listed too.
 */
export async function rollupSupplies(db: Db, scope: Scope, regionCode: string | undefined, filters: SupplyFilters = {}): Promise<SupplyRollup> {
  const region = await rollupRegion(db, scope, regionCode)
  const within = scopeOf(region.code)
  const n = childPrefixLength(region.level)
  const topClass = sql<string>`left(${sql.ref('s.classCode')}, 1)`

  const subtree = db.selectFrom('supply as s').where(inScope('s.regionCode', scope)).where(inScope('s.regionCode', within))
  // Filters narrow the figures but not `reported`: a child with only other classes has reported.
  const conditions: Expression<SqlBool>[] = []
  const { classCode, isEquipment, condition } = filters
  if (classCode !== undefined) conditions.push(sql<SqlBool>`${sql.ref('s.classCode')} like ${classPrefix(classCode) + '%'}`)
  if (isEquipment !== undefined) conditions.push(sql<SqlBool>`${sql.ref('s.isEquipment')} = ${isEquipment}`)
  if (condition !== undefined) conditions.push(sql<SqlBool>`${sql.ref('s.condition')} = ${condition}`)
  const filtered = conditions.length > 0 ? sql<SqlBool>`(${sql.join(conditions, sql` and `)})` : null

  const grouped = db
    .with('g', () => subtree
      .select((eb) => {
        const count = () => eb.fn.countAll<number>()
        const sum = () => eb.fn.sum<number>('s.quantity')
        return [
          childKey('s.regionCode', n).as('k'), topClass.as('c'), 's.unit',
          count().as('allLines'),
          (filtered ? count().filterWhere(filtered) : count()).as('lines'),
          (filtered ? count().filterWhere(sql<SqlBool>`${filtered} and ${sql.ref('s.isEquipment')}`) : count().filterWhere('s.isEquipment', '=', true)).as('equipmentLines'),
          (filtered ? sum().filterWhere(filtered) : sum()).as('quantity'),
        ]
      })
      .groupBy([childKey('s.regionCode', n), topClass, 's.unit']))
    .selectFrom('region as r')
    .leftJoin('g', (join) => join.on((eb) => eb('g.k', '=', regionKey(n))))
    .select(['r.code', 'r.name', 'r.level', 'g.c', 'g.unit', 'g.allLines', 'g.lines', 'g.equipmentLines', 'g.quantity'])
    .where((eb) => eb.or([eb('r.parentCode', '=', region.code), eb('r.code', '=', region.code)]))
    .where(inScope('r.code', scope))
    .execute()

  let names = subtree
    .select((eb) => ['s.name', 's.unit', eb.fn.sum<number>('s.quantity').as('quantity'), eb.fn.countAll<number>().as('lines')])
    .groupBy(['s.name', 's.unit'])
    .orderBy('lines', 'desc').orderBy('quantity', 'desc').orderBy('s.name').orderBy('s.unit')
    .limit(BY_NAME_LIMIT)
  if (filtered) names = names.where(filtered)

  const classes = db.selectFrom('supplyClass').select(['code', 'name']).where('level', '=', 1).orderBy('code').execute()

  const [rows, byName, topClasses] = await Promise.all([grouped, names.execute(), classes])

  // Every child shows every top class, so the web can draw the same columns for all.
  const classNames = new Map(topClasses.map((c) => [c.code, c.name]))
  const classList = (): TopClassCount[] => topClasses.map((c) => ({ classCode: c.code, className: c.name, lines: 0 }))
  const addClass = (list: TopClassCount[], digit: string, lines: number) => {
    const code = `${digit}000000`
    let entry = list.find((e) => e.classCode === code)
    if (!entry) list.push(entry = { classCode: code, className: classNames.get(code) ?? code, lines: 0 })
    entry.lines += lines
  }

  const total = { lines: 0, equipmentLines: 0, byTopClass: classList() }
  const units = new Map<string, { unit: string; quantity: number; lines: number }>()
  const children = assembleChildren(region.code, rows,
    () => ({ lines: 0, equipmentLines: 0, byTopClass: classList(), reported: false }),
    (child, row) => {
      if (row.c === null || row.unit === null) return
      const lines = row.lines ?? 0
      child.reported ||= (row.allLines ?? 0) > 0
      if (lines === 0) return
      child.lines += lines
      child.equipmentLines += row.equipmentLines ?? 0
      addClass(child.byTopClass, row.c, lines)
      total.lines += lines
      total.equipmentLines += row.equipmentLines ?? 0
      addClass(total.byTopClass, row.c, lines)
      const u = units.get(row.unit) ?? { unit: row.unit, quantity: 0, lines: 0 }
      u.quantity += row.quantity ?? 0
      u.lines += lines
      units.set(row.unit, u)
    },
    (child) => child.reported)

  const quantityByUnit = [...units.values()]
    .sort((a, b) => b.lines - a.lines || a.unit.localeCompare(b.unit))
    .map(({ unit, quantity }) => ({ unit, quantity }))
  return {
    region,
    total: { lines: total.lines, quantityByUnit, equipmentLines: total.equipmentLines, byTopClass: total.byTopClass },
    children,
    byName: byName.map((r) => ({ name: r.name, unit: r.unit, quantity: r.quantity ?? 0, lines: r.lines })),
  }
}

function emptyFigures(): ResourceFigures {
  return {
    counts: Object.fromEntries(RESOURCE_KIND_KEYS.map((k) => [k, 0])),
    records: 0, teamHeadcount: 0, shelterCapacity: 0, riskPoints: { general: 0, major: 0 }, stale: 0,
  }
}

type ResourceGroup = {
  kind: string | null; records: number | null; headcount: number | null; capacity: number | null
  riskGeneral: number | null; riskMajor: number | null; stale: number | null
}

function addFigures(into: ResourceFigures, row: ResourceGroup): void {
  if (row.kind === null) return
  const records = row.records ?? 0
  if ((RESOURCE_KIND_KEYS as string[]).includes(row.kind)) into.counts[row.kind as ResourceKind] += records
  into.records += records
  into.teamHeadcount += row.headcount ?? 0
  into.shelterCapacity += row.capacity ?? 0
  into.riskPoints.general += row.riskGeneral ?? 0
  into.riskPoints.major += row.riskMajor ?? 0
  into.stale += row.stale ?? 0
}

/**
 * 汇总 of the resource table (records in use) under a region, per direct child and in total:
 * counts by kind, team headcount, shelter capacity, open risk points by level, stale records.
 */
export async function rollupResources(db: Db, scope: Scope, regionCode: string | undefined): Promise<ResourceRollup> {
  const region = await rollupRegion(db, scope, regionCode)
  const within = scopeOf(region.code)
  const n = childPrefixLength(region.level)
  const days = await freshnessDays(db)
  const openRisk = (level: string) => sql<SqlBool>`${sql.ref('rp.level')} = ${level} and ${sql.ref('rp.state')} <> 'eliminated'`

  const rows = await db
    .with('g', (qb) => qb.selectFrom('resource as x')
      .leftJoin('team as t', 't.resourceId', 'x.id')
      .leftJoin('shelter as sh', 'sh.resourceId', 'x.id')
      .leftJoin('riskPoint as rp', 'rp.resourceId', 'x.id')
      .where(inScope('x.regionCode', scope)).where(inScope('x.regionCode', within)).where('x.status', '=', 'active')
      .select((eb) => [
        childKey('x.regionCode', n).as('k'), 'x.kind',
        eb.fn.countAll<number>().as('records'),
        eb.fn.sum<number>('t.headcount').as('headcount'),
        eb.fn.sum<number>('sh.capacity').as('capacity'),
        eb.fn.countAll<number>().filterWhere(openRisk('general')).as('riskGeneral'),
        eb.fn.countAll<number>().filterWhere(openRisk('major')).as('riskMajor'),
        eb.fn.countAll<number>().filterWhere(isStale('x.confirmedAt', days)).as('stale'),
      ])
      .groupBy([childKey('x.regionCode', n), 'x.kind']))
    .selectFrom('region as r')
    .leftJoin('g', (join) => join.on((eb) => eb('g.k', '=', regionKey(n))))
    .select(['r.code', 'r.name', 'r.level', 'g.kind', 'g.records', 'g.headcount', 'g.capacity', 'g.riskGeneral', 'g.riskMajor', 'g.stale'])
    .where((eb) => eb.or([eb('r.parentCode', '=', region.code), eb('r.code', '=', region.code)]))
    .where(inScope('r.code', scope))
    .execute()

  const total = emptyFigures()
  const children = assembleChildren(region.code, rows, () => ({ ...emptyFigures(), reported: false }), (child, row) => {
    addFigures(child, row)
    addFigures(total, row)
    child.reported = child.records > 0
  }, (child) => child.reported)
  return { region, total, children }
}
