import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely'
import { supplyClassLevel } from '../../../domain/resources/supply-classes.js'
import { RESOURCE_KIND_KEYS, type ResourceKind } from '../../../domain/resources/kinds.js'
import type { Db } from '../../db/database.js'
import { inScope, scopeOf, type Scope } from '../../db/scope.js'
import { freshnessDays, isStale } from '../resources/freshness.js'
import type { ResourceFigures, ResourceRollup, SupplyRollup, SupplyRollupQuery } from './schema.js'
import { freshFromTallies, tallied, tallyRowsUnder } from './tallies.js'
import { assembleChildren, childPrefixLength, childKey, regionKey, rollupRegion } from './tree.js'

export type SupplyFilters = Omit<SupplyRollupQuery, 'regionCode'>

const BY_NAME_LIMIT = 50

/** Digits of a class code that its descendants share: 2000000 → "2", 2010000 → "201". */
function classPrefix(code: string): string {
  return code.slice(0, [1, 3, 5, 7][supplyClassLevel(code) - 1])
}

type TopClassCount = { classCode: string; className: string; lines: number }

/** The filters as one condition on a supply or tally row (alias `a`), or null without filters. */
function supplyFilter(filters: SupplyFilters, a: string): RawBuilder<SqlBool> | null {
  const conditions: Expression<SqlBool>[] = []
  const { classCode, isEquipment, condition } = filters
  if (classCode !== undefined) conditions.push(sql<SqlBool>`${sql.ref(`${a}.classCode`)} like ${classPrefix(classCode) + '%'}`)
  if (isEquipment !== undefined) conditions.push(sql<SqlBool>`${sql.ref(`${a}.isEquipment`)} = ${isEquipment}`)
  if (condition !== undefined) conditions.push(sql<SqlBool>`${sql.ref(`${a}.condition`)} = ${condition}`)
  return conditions.length > 0 ? sql<SqlBool>`(${sql.join(conditions, sql` and `)})` : null
}

type SupplyGroup = { k: string; c: string; unit: string; allLines: number; lines: number | null; equipmentLines: number | null; quantity: number | null }
type NameFigure = { name: string; unit: string; quantity: number | null; lines: number }

/**
 * Per child key (`n` digits), top class and unit: all lines, lines and 装备 lines passing the
 * filters, and their quantity, from the rows themselves.
 */
function supplyGroupsFromRows(db: Db, scope: Scope, within: Scope, n: number, filtered: RawBuilder<SqlBool> | null) {
  const topClass = sql<string>`left(${sql.ref('s.classCode')}, 1)`
  return db.selectFrom('supply as s').where(inScope('s.regionCode', scope)).where(inScope('s.regionCode', within))
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
    .groupBy([childKey('s.regionCode', n), topClass, 's.unit'])
}

/** The same figures from supply_tally (n one of CHILD_LEVELS). */
function supplyGroupsFromTallies(db: Db, scope: Scope, within: Scope, n: number, filtered: RawBuilder<SqlBool> | null) {
  const topClass = sql<string>`left(${sql.ref('t.classCode')}, 1)`
  return db.selectFrom('supplyTally as t').where('t.level', '=', n).where(tallyRowsUnder('t.key', within, scope))
    .select((eb) => {
      const lines = () => eb.fn.sum<number>('t.lines')
      const sum = () => eb.fn.sum<number>('t.quantity')
      return [
        't.key as k', topClass.as('c'), 't.unit',
        lines().as('allLines'),
        (filtered ? lines().filterWhere(filtered) : lines()).as('lines'),
        (filtered ? lines().filterWhere(sql<SqlBool>`${filtered} and ${sql.ref('t.isEquipment')}`) : lines().filterWhere('t.isEquipment', '=', true)).as('equipmentLines'),
        (filtered ? sum().filterWhere(filtered) : sum()).as('quantity'),
      ]
    })
    .groupBy(['t.key', topClass, 't.unit'])
}

/** The BY_NAME_LIMIT commonest names (and units) under `within`, from the rows. */
function namesFromRows(db: Db, scope: Scope, within: Scope, filtered: RawBuilder<SqlBool> | null): Promise<NameFigure[]> {
  let names = db.selectFrom('supply as s').where(inScope('s.regionCode', scope)).where(inScope('s.regionCode', within))
    .select((eb) => ['s.name', 's.unit', eb.fn.sum<number>('s.quantity').as('quantity'), eb.fn.countAll<number>().as('lines')])
    .groupBy(['s.name', 's.unit'])
    .orderBy('lines', 'desc').orderBy('quantity', 'desc').orderBy('s.name').orderBy('s.unit')
    .limit(BY_NAME_LIMIT)
  if (filtered) names = names.where(filtered)
  return names.execute()
}

/** The same from supply_name_tally, which keeps each subtree of a province, city or county under its own digits. */
function namesFromTallies(db: Db, scope: Scope, within: Scope, filtered: RawBuilder<SqlBool> | null): Promise<NameFigure[]> {
  let names = db.selectFrom('supplyNameTally as t')
    .where('t.level', '=', within.prefix.length).where('t.key', '=', within.prefix).where(inScope('t.key', scope))
    .select((eb) => ['t.name', 't.unit', eb.fn.sum<number>('t.quantity').as('quantity'), eb.fn.sum<number>('t.lines').as('lines')])
    .groupBy(['t.name', 't.unit'])
    .orderBy('lines', 'desc').orderBy('quantity', 'desc').orderBy('t.name').orderBy('t.unit')
    .limit(BY_NAME_LIMIT)
  if (filtered) names = names.where(filtered)
  return names.execute()
}

/** How a roll-up reads its figures: from the tallies where they are kept, or (`rows`) always from the records. */
export type RollupSource = { rows?: boolean }

/**
 * 汇总 of supply and equipment lines under a region: per direct child (each its whole subtree,
 * plus 本级 for rows at the region itself), per top class, and quantities per unit — units are
 * never added together. A province, city or county reads the tallies kept per child (migration
 * 0020); a township or village groups its few lines by `left(region_code, n)`. Either is
 * left-joined onto the child regions so that children without rows are listed too.
 */
export async function rollupSupplies(
  db: Db, scope: Scope, regionCode: string | undefined, filters: SupplyFilters = {}, source: RollupSource = {},
): Promise<SupplyRollup> {
  const region = await rollupRegion(db, scope, regionCode)
  const within = scopeOf(region.code)
  const n = childPrefixLength(region.level)
  const fromTallies = !source.rows && tallied(n)
  // Filters narrow the figures but not `reported`: a child with only other classes has reported.
  const filtered = supplyFilter(filters, fromTallies ? 't' : 's')

  const grouped = db
    .with('g', () => (fromTallies ? supplyGroupsFromTallies : supplyGroupsFromRows)(db, scope, within, n, filtered))
    .selectFrom('region as r')
    .leftJoin('g', (join) => join.on((eb) => eb('g.k', '=', regionKey(n))))
    .select(['r.code', 'r.name', 'r.level', 'g.c', 'g.unit', 'g.allLines', 'g.lines', 'g.equipmentLines', 'g.quantity'])
    .where((eb) => eb.or([eb('r.parentCode', '=', region.code), eb('r.code', '=', region.code)]))
    .where(inScope('r.code', scope))
    .execute()
  const names = (fromTallies ? namesFromTallies : namesFromRows)(db, scope, within, filtered)
  const classes = db.selectFrom('supplyClass').select(['code', 'name']).where('level', '=', 1).orderBy('code').execute()

  const [rows, byName, topClasses] = await Promise.all([grouped, names, classes])

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

/** The child regions (and the region itself, for 本级) that grouped figures are left-joined onto. */
function childRegions(db: Db, scope: Scope, regionCode: string) {
  return db.selectFrom('region as r')
    .where((eb) => eb.or([eb('r.parentCode', '=', regionCode), eb('r.code', '=', regionCode)]))
    .where(inScope('r.code', scope))
}

function resourceGroupsFromRows(db: Db, scope: Scope, within: Scope, regionCode: string, n: number, days: number) {
  const openRisk = (level: string) => sql<SqlBool>`${sql.ref('rp.level')} = ${level} and ${sql.ref('rp.state')} <> 'eliminated'`
  return db
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
    .selectFrom(childRegions(db, scope, regionCode).selectAll('r').as('r'))
    .leftJoin('g', (join) => join.on((eb) => eb('g.k', '=', regionKey(n))))
    .select(['r.code', 'r.name', 'r.level', 'g.kind', 'g.records', 'g.headcount', 'g.capacity', 'g.riskGeneral', 'g.riskMajor', 'g.stale'])
    .execute()
}

/**
 * The same from resource_tally (kept per child of every level) and, for stale records,
 * fresh_tally where it is kept, else the few resources of a township or village themselves.
 */
async function resourceGroupsFromTallies(db: Db, scope: Scope, within: Scope, regionCode: string, n: number, days: number) {
  const grouped = db
    .with('g', (qb) => qb.selectFrom('resourceTally as t').where('t.level', '=', n).where(tallyRowsUnder('t.key', within, scope))
      .select(['t.key as k', 't.kind', 't.records', 't.headcount', 't.capacity', 't.riskGeneral', 't.riskMajor']))
    .selectFrom(childRegions(db, scope, regionCode).selectAll('r').as('r'))
    .leftJoin('g', (join) => join.on((eb) => eb('g.k', '=', regionKey(n))))
    .select(['r.code', 'r.name', 'r.level', 'g.k', 'g.kind', 'g.records', 'g.headcount', 'g.capacity', 'g.riskGeneral', 'g.riskMajor'])
    .execute()
  const stale = tallied(n)
    ? freshFromTallies(db, scope, within, n, days, 'resources')
    : db.selectFrom('resource as x')
      .where(inScope('x.regionCode', scope)).where(inScope('x.regionCode', within)).where('x.status', '=', 'active')
      .where(isStale('x.confirmedAt', days))
      .select((eb) => [childKey('x.regionCode', n).as('k'), 'x.kind', eb.fn.countAll<number>().as('stale')])
      .groupBy([childKey('x.regionCode', n), 'x.kind'])
      .execute()
  const [rows, staleRows] = await Promise.all([grouped, stale])
  const staleBy = new Map(staleRows.map((r) => [`${r.k}:${r.kind}`, r.stale]))
  return rows.map(({ k, ...r }) => ({ ...r, stale: k === null ? null : staleBy.get(`${k}:${r.kind}`) ?? 0 }))
}

/**
 * 汇总 of the resource table (records in use) under a region, per direct child and in total:
 * counts by kind, team headcount, shelter capacity, open risk points by level, stale records.
 */
export async function rollupResources(db: Db, scope: Scope, regionCode: string | undefined, source: RollupSource = {}): Promise<ResourceRollup> {
  const region = await rollupRegion(db, scope, regionCode)
  const within = scopeOf(region.code)
  const n = childPrefixLength(region.level)
  const days = await freshnessDays(db)
  const rows = source.rows ? await resourceGroupsFromRows(db, scope, within, region.code, n, days)
    : await resourceGroupsFromTallies(db, scope, within, region.code, n, days)
  const total = emptyFigures()
  const children = assembleChildren(region.code, rows, () => ({ ...emptyFigures(), reported: false }), (child, row) => {
    addFigures(child, row)
    addFigures(total, row)
    child.reported = child.records > 0
  }, (child) => child.reported)
  return { region, total, children }
}
