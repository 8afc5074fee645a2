import { sql, type SelectQueryBuilder, type SqlBool } from 'kysely'
import { toWgs84 } from '../../../domain/map/crs.js'
import { describeNeed, neededAmount, type Need, type ShelterNeed, type SupplyNeed, type TeamNeed } from '../../../domain/map/needs.js'
import { callFirst, STRAIGHT_LINE_NOTE } from '../../../domain/resources/contacts.js'
import { PREPARED, type Db } from '../../db/database.js'
import { codeInScope, inScope, type Scope } from '../../db/scope.js'
import { AppError, badField, outOfScope } from '../../errors.js'
import { containsPattern } from '../../shared/like.js'
import { regionFilter, text } from '../../shared/input.js'
import { resourceContacts, supplyContacts } from '../resources/handover.js'
import { classPrefix } from '../supplies/queries.js'
import type { Holding, NearestInput, NearestResult, NeedResult } from './schema.js'

/**
 * Nearest sufficient resources (就近调配): for each need, the holdings nearest to a place, by
 * great-circle distance, that together meet it.
 *
 * Candidates come from the GiST index in KNN order (`location <-> point`), which is PLANAR
 * degree distance, not great-circle order: a degree of longitude is cos(lat) times shorter than
 * a degree of latitude. So candidates are fetched in growing batches and only those whose order
 * is proven are used. The proof: on a sphere of radius R, ds² = R²(dφ² + cos²φ·dλ²). Any holding
 * closer than T km lies on a geodesic that never leaves the band |φ| ≤ |φ₀| + T/R, where
 * cos φ ≥ c = cos(|φ₀| + T/R); along it ds ≥ R·c·√(dφ² + dλ²), so its great-circle distance is
 * at least R·c·(its planar distance in radians). KNN returns planar distances in rising order,
 * so every holding not yet fetched is at least R·c·(planar distance of the last one fetched) km
 * away — the batch's bound. Fetched holdings nearer than the bound are in their final order,
 * and nothing unseen can come between them. (Longitudes are not wrapped at ±180°; holdings are
 * in China.) T is maxDistanceKm, since nothing farther counts.
 *
 * The same bound gives a box (|Δφ| ≤ T/R, |Δλ| ≤ T/(R·c)) outside which nothing is within T.
 * It prunes the exact and total queries only: in the KNN query the planner misjudges its
 * selectivity and abandons the ordered index scan. A need that cannot be met stops once the
 * bound passes T, or falls back to the exact query after a few batches.
 */

const KM_PER_MILE = 1.609344
/** earthdistance's `<@>` uses a sphere of 3958.747716 statute miles; the bound must use the same. */
const EARTH_RADIUS_KM = 3958.747716 * KM_PER_MILE
const FIRST_BATCH = 16
const BATCH_GROWTH = 4
/** Holdings listed per need: an unmeetable need over a province would otherwise list thousands. */
export const MAX_LISTED = 1000
export const DEFAULT_MAX_DISTANCE_KM = 200
// Rounding slack between the bound computed here and distances computed by PostgreSQL.
const BOUND_SLACK = 1 - 1e-9

const toRad = (deg: number) => (deg * Math.PI) / 180
const toDeg = (rad: number) => (rad * 180) / Math.PI

/** The place searched from and what follows from it. */
export type Geometry = {
  lng: number
  lat: number
  maxKm: number
  /** c above: the smallest cos(latitude) a geodesic shorter than maxKm can reach. */
  cosBand: number
  box: { west: number; south: number; east: number; north: number }
}

export function geometryOf(lng: number, lat: number, maxKm: number): Geometry {
  const reachDeg = toDeg(maxKm / EARTH_RADIUS_KM)
  const cosBand = Math.cos(toRad(Math.min(90, Math.abs(lat) + reachDeg)))
  // Near a pole c → 0 and longitude bounds nothing.
  const lngReach = cosBand > 1e-6 ? Math.min(180, reachDeg / cosBand) : 180
  return {
    lng, lat, maxKm, cosBand,
    box: { west: lng - lngReach, south: Math.max(-90, lat - reachDeg), east: lng + lngReach, north: Math.min(90, lat + reachDeg) },
  }
}

/** No holding not yet fetched is nearer than this many km, given the planar distance of the last one fetched. */
export function unseenBoundKm(g: Geometry, lastPlanarDeg: number): number {
  return EARTH_RADIUS_KM * g.cosBand * toRad(lastPlanarDeg) * BOUND_SLACK
}

/** One holding as fetched: its amount toward the need and both distances. */
type Candidate = {
  id: number
  amount: number
  planar: number
  km: number
  /** False for a line whose storage point or team is inactive: fetched (it counts for the batch) but never taken. */
  usable: boolean
  holding: Omit<Holding, 'distanceKm' | 'take' | 'contact' | 'contacts'>
}
/** 'knn': in planar order from the index; 'exact': only within maxKm, in great-circle order. */
type Fetch = (limit: number, order: 'knn' | 'exact') => Promise<Candidate[]>
type Total = () => Promise<{ amount: number; count: number }>

const byDistance = (a: Candidate, b: Candidate) => a.km - b.km || a.id - b.id

function takeUntil(rows: Candidate[], needed: number) {
  const taken: Candidate[] = []
  let sum = 0
  for (const r of rows) {
    if (sum >= needed) break
    taken.push(r)
    sum += r.amount
  }
  return { taken, sum }
}

/**
 * Nearest-first accumulation over KNN batches until the need is met, the box is exhausted, or
 * the bound passes maxKm. A need that many small holdings still do not meet ends in one exact
 * query: the nearest MAX_LISTED by great-circle distance are listed, and `total` (when given)
 * counts everything within maxKm.
 */
async function accumulate(g: Geometry, needed: number, fetch: Fetch, total?: Total) {
  for (let limit = FIRST_BATCH; limit <= MAX_LISTED; limit *= BATCH_GROWTH) {
    const rows = await fetch(limit, 'knn')
    const exhausted = rows.length < limit
    const bound = exhausted ? Infinity : unseenBoundKm(g, rows[rows.length - 1].planar)
    const settled = rows.filter((r) => r.usable && r.km < bound && r.km <= g.maxKm).sort(byDistance)
    const { taken, sum } = takeUntil(settled, needed)
    if (sum >= needed || exhausted || bound > g.maxKm) return { taken, sum, omitted: 0 }
  }
  const { taken, sum } = takeUntil((await fetch(MAX_LISTED, 'exact')).filter((r) => r.usable).sort(byDistance), needed)
  if (!total || sum >= needed) return { taken, sum, omitted: 0 }
  const all = await total()
  return { taken, sum: all.amount, omitted: all.count - taken.length }
}

// ---- candidate queries, one per layer ----

const here = (g: Geometry) => sql`point(${g.lng}::float8, ${g.lat}::float8)`
const inBox = (column: string, g: Geometry) =>
  sql<SqlBool>`${sql.ref(column)} <@ box(point(${g.box.west}::float8, ${g.box.south}::float8), point(${g.box.east}::float8, ${g.box.north}::float8))`
const planarFrom = (column: string, g: Geometry) => sql<number>`${sql.ref(column)} <-> ${here(g)}`
/** Great-circle km: earthdistance answers in statute miles. */
const kmFrom = (column: string, g: Geometry) => sql<number>`(${sql.ref(column)} <@> ${here(g)}) * ${KM_PER_MILE}::float8`
const withinKm = (column: string, g: Geometry) => sql<SqlBool>`(${sql.ref(column)} <@> ${here(g)}) * ${KM_PER_MILE}::float8 <= ${g.maxKm}::float8`
/**
 * A line held at a storage point or by a team counts only while that record is active. The KNN
 * query tests this in its select list, not its where clause (there the planner cannot estimate it
 * and would abandon the ordered index scan); the totals query filters on it. One lookup for both
 * holders: each subquery is planned on every call.
 */
const holdersActive = sql<SqlBool>`not exists (select from resource h where h.id in (s.storage_point_id, s.team_id) and h.status <> 'active')`

type Scopes = { scope: Scope; within: Scope }

/** KNN order (the GiST index), or great-circle order among those within maxKm (then by id). */
function ordered<DB, TB extends keyof DB, O>(q: SelectQueryBuilder<DB, TB, O>, alias: 's' | 'x', g: Geometry, order: 'knn' | 'exact') {
  const location = `${alias}.location`
  if (order === 'knn') return q.orderBy(planarFrom(location, g))
  return q.where(inBox(location, g)).where(withinKm(location, g)).orderBy(kmFrom(location, g)).orderBy(sql.ref(`${alias}.id`))
}

/**
 * The details of a candidate are scalar subqueries in the select list, not joins: each is a
 * primary-key lookup run only for the rows the LIMIT lets through, and PostgreSQL plans them in a
 * fraction of the time it spends ordering a five-way join (this query is planned on every call).
 */
const regionNameOf = (column: string) => sql<string>`(select r.full_name from region r where r.code = ${sql.ref(column)})`

/** Chinese has no letter case: LIKE finds the same lines, and ILIKE would lowercase every name the KNN scan passes. */
const caseless = (word: string) => word.toLowerCase() === word.toUpperCase()

/**
 * The jurisdiction, and the subtree searched when narrower. regionFilter only hands out a subtree
 * inside the jurisdiction, so then one prefix test does for both.
 */
function inScopes(column: string, s: Scopes) {
  return s.within.prefix.startsWith(s.scope.prefix) ? inScope(column, s.within) : sql<SqlBool>`${inScope(column, s.scope)} and ${inScope(column, s.within)}`
}

/** Lines that could count toward the need: simple column tests only, so the KNN index scan stays the plan. */
function supplyWhere(s: Scopes, need: SupplyNeed) {
  const condition = need.condition === 'any' ? sql`s.condition in ('good', 'repair')` : sql`s.condition = 'good'`
  const name = need.name ? sql`and s.name ${sql.raw(caseless(need.name) ? 'like' : 'ilike')} ${containsPattern(need.name)}` : sql``
  const classCode = need.classCode ? sql`and s.class_code like ${`${classPrefix(need.classCode)}%`}` : sql``
  const unit = need.unit ? sql`and s.unit = ${need.unit}` : sql``
  return sql<SqlBool>`s.location is not null and ${inScopes('s.region_code', s)} and s.quantity > 0 and ${condition} ${name} ${classCode} ${unit}`
}

type SupplyRow = {
  id: number; planar: number; km: number; usable: boolean; name: string; regionCode: string; regionName: string
  storagePointName: string | null; quantity: number; unit: string; lng: number | null; lat: number | null
}

/**
 * The hot query, one prepared statement per need shape. It is written out as SQL text: building
 * and compiling a query-builder tree for it on every call took about as long as PostgreSQL takes
 * to plan it. The plan is custom to each place (the index's order depends on it), so every
 * select-list subquery is planned on every call too: there are as few as the reply allows.
 */
function supplyFetch(db: Db, s: Scopes, g: Geometry, need: SupplyNeed): Fetch {
  const where = supplyWhere(s, need)
  const exact = sql`and ${inBox('s.location', g)} and ${withinKm('s.location', g)}`
  return async (limit, order) => {
    const { rows } = await sql<SupplyRow>`
      select s.id, s.location <-> point(${g.lng}::float8, ${g.lat}::float8) as planar,
        (s.location <@> point(${g.lng}::float8, ${g.lat}::float8)) * ${sql.lit(KM_PER_MILE)}::float8 as km,
        ${holdersActive} as usable, s.name, s.region_code, ${regionNameOf('s.region_code')} as region_name,
        (select sp.name from resource sp where sp.id = s.storage_point_id) as storage_point_name,
        s.quantity, s.unit, s.lng, s.lat
      from supply s
      where ${where} ${order === 'exact' ? exact : sql``}
      order by ${order === 'knn' ? sql`s.location <-> point(${g.lng}::float8, ${g.lat}::float8)` : sql`km, s.id`}
      limit ${limit} ${PREPARED}`.execute(db)
    return rows.map((r) => ({
      id: r.id, amount: r.quantity, planar: r.planar, km: r.km, usable: r.usable,
      holding: {
        layer: 'supply' as const, id: r.id, name: r.name, regionCode: r.regionCode, regionName: r.regionName,
        ...(r.storagePointName !== null ? { storagePointName: r.storagePointName } : {}),
        quantity: r.quantity, unit: r.unit, lng: r.lng ?? g.lng, lat: r.lat ?? g.lat,
      },
    }))
  }
}

function supplyTotal(db: Db, s: Scopes, g: Geometry, need: SupplyNeed): Total {
  return async () => {
    const { rows: [row] } = await sql<{ amount: number; count: number }>`
      select coalesce(sum(s.quantity), 0) as amount, count(*) as count from supply s
      where ${supplyWhere(s, need)} and ${inBox('s.location', g)} and ${withinKm('s.location', g)} and ${holdersActive}`.execute(db)
    return { amount: Number(row.amount), count: Number(row.count) }
  }
}

/**
 * Active resources of one kind with a position, in scope. Detail conditions are `exists`
 * subqueries so that every layer shares one query shape.
 */
function resourcesNear(db: Db, s: Scopes, kind: 'team' | 'shelter') {
  return db.selectFrom('resource as x')
    .where('x.kind', '=', kind).where('x.status', '=', 'active')
    .where(sql<SqlBool>`x.location is not null`)
    .where(inScopes('x.regionCode', s))
}
type ResourceKnn = ReturnType<typeof resourcesNear>

/** The reply fields every resource layer shares, as select-list lookups (see regionNameOf) on the KNN scan. */
function resourceDetails(g: Geometry, knn: ResourceKnn, limit: number, order: 'knn' | 'exact') {
  return ordered(knn, 'x', g, order)
    .select([
      'x.id', planarFrom('x.location', g).as('planar'), kmFrom('x.location', g).as('km'), 'x.name', 'x.regionCode',
      regionNameOf('x.regionCode').as('regionName'), 'x.lng', 'x.lat',
    ])
    .limit(limit)
}

/** Teams with at least minHeadcount people whose specialities include the word (防汛 finds 防汛抗旱). */
function teamKnn(db: Db, s: Scopes, need: TeamNeed): ResourceKnn {
  return resourcesNear(db, s, 'team').where((eb) => {
    let t = eb.selectFrom('team as t').select('t.resourceId').whereRef('t.resourceId', '=', 'x.id')
    if (need.minHeadcount) t = t.where('t.headcount', '>=', need.minHeadcount)
    if (need.speciality) {
      t = t.where(sql<SqlBool>`exists (select 1 from unnest(t.specialities) sp where sp ilike ${containsPattern(need.speciality)})`)
    }
    return eb.exists(t)
  })
}

function teamFetch(db: Db, s: Scopes, g: Geometry, need: TeamNeed): Fetch {
  const knn = teamKnn(db, s, need)
  return async (limit, order) => {
    const rows = await resourceDetails(g, knn, limit, order)
      .innerJoin('team as t', 't.resourceId', 'x.id').select('t.headcount').execute()
    return rows.map((r) => ({
      id: r.id, amount: 1, planar: r.planar, km: r.km, usable: true,
      holding: {
        layer: 'team' as const, id: r.id, name: r.name, regionCode: r.regionCode, regionName: r.regionName,
        headcount: r.headcount, lng: r.lng ?? g.lng, lat: r.lat ?? g.lat,
      },
    }))
  }
}

function shelterKnn(db: Db, s: Scopes): ResourceKnn {
  return resourcesNear(db, s, 'shelter')
    .where((eb) => eb.exists(eb.selectFrom('shelter as h').select('h.resourceId').whereRef('h.resourceId', '=', 'x.id').where('h.capacity', '>', 0)))
}

function shelterFetch(db: Db, s: Scopes, g: Geometry): Fetch {
  const knn = shelterKnn(db, s)
  return async (limit, order) => {
    const rows = await resourceDetails(g, knn, limit, order)
      .innerJoin('shelter as h', 'h.resourceId', 'x.id').select('h.capacity').execute()
    return rows.map((r) => ({
      id: r.id, amount: r.capacity, planar: r.planar, km: r.km, usable: true,
      holding: {
        layer: 'shelter' as const, id: r.id, name: r.name, regionCode: r.regionCode, regionName: r.regionName,
        capacity: r.capacity, lng: r.lng ?? g.lng, lat: r.lat ?? g.lat,
      },
    }))
  }
}

function shelterTotal(db: Db, s: Scopes, g: Geometry): Total {
  return async () => {
    const row = await shelterKnn(db, s).innerJoin('shelter as h', 'h.resourceId', 'x.id').where(inBox('x.location', g)).where(withinKm('x.location', g))
      .select((eb) => [eb.fn.coalesce(eb.fn.sum<number>('h.capacity'), eb.lit(0)).as('amount'), eb.fn.countAll<number>().as('count')])
      .executeTakeFirstOrThrow()
    return { amount: Number(row.amount), count: Number(row.count) }
  }
}


// ---- input ----

const needField = (i: number, key: string) => `needs.${i}.${key}`

/** One need, checked for its type and trimmed; fields of other types are dropped. */
async function checkNeed(db: Db, raw: Need, i: number): Promise<{ need: Need; className?: string }> {
  const input = raw as Need & Record<string, unknown>
  switch (raw.type) {
    case 'supply': {
      if (typeof input.quantity !== 'number') throw badField(needField(i, 'quantity'), '需求数量', '', '不能为空：物资需求要写明数量')
      const name = text(input.name as string | undefined) ?? undefined
      const classCode = (input.classCode as string | undefined) || undefined
      if (!name && !classCode) throw badField(needField(i, 'name'), '物资名称', input.name ?? '', '不能为空：物资需求要写明名称或分类')
      const unit = text(input.unit as string | undefined) ?? undefined
      let className: string | undefined
      if (classCode) {
        const c = await db.selectFrom('supplyClass').select('name').where('code', '=', classCode).executeTakeFirst()
        if (!c) throw badField(needField(i, 'classCode'), '物资分类', classCode, '不存在')
        className = c.name
      }
      const need: SupplyNeed = {
        type: 'supply', ...(name ? { name } : {}), ...(classCode ? { classCode } : {}), quantity: input.quantity,
        ...(unit ? { unit } : {}), ...(input.condition === 'any' ? { condition: 'any' as const } : {}),
      }
      return { need, className }
    }
    case 'team': {
      const speciality = text(input.speciality as string | undefined) ?? undefined
      const minHeadcount = input.minHeadcount as number | undefined
      return { need: { type: 'team', ...(speciality ? { speciality } : {}), ...(minHeadcount ? { minHeadcount } : {}) } }
    }
    case 'shelter': {
      if (typeof input.capacity !== 'number') throw badField(needField(i, 'capacity'), '需容纳人数', '', '不能为空：避难场所需求要写明人数')
      return { need: { type: 'shelter', capacity: input.capacity } }
    }
  }
}

/** The place in WGS84: given coordinates (converted from GCJ-02/BD-09), or a region's position. */
async function resolveAt(db: Db, scope: Scope, at: NearestInput['at']): Promise<{ lng: number; lat: number; regionName?: string }> {
  const a = at as { lng?: number; lat?: number; crs?: 'WGS84' | 'GCJ02' | 'BD09'; regionCode?: string }
  if (a.regionCode !== undefined) {
    if (a.lng !== undefined || a.lat !== undefined) {
      throw new AppError('INVALID_FIELD', 400, '地点请填写经纬度或区划其中之一', [{ field: 'at' }])
    }
    if (!codeInScope(a.regionCode, scope)) throw outOfScope(a.regionCode)
    const region = await db.selectFrom('region').select(['fullName', 'lng', 'lat']).where('code', '=', a.regionCode).executeTakeFirst()
    if (!region) throw badField('at.regionCode', '地点区划', a.regionCode, '不存在')
    if (region.lng === null || region.lat === null) {
      throw new AppError('NO_POSITION', 400, '该区划没有位置信息', [{ field: 'at.regionCode', value: a.regionCode }])
    }
    return { lng: region.lng, lat: region.lat, regionName: region.fullName }
  }
  if (a.lng === undefined) throw badField('at.lng', '经度', '', '不能为空：地点要填写经纬度或区划')
  if (a.lat === undefined) throw badField('at.lat', '纬度', '', '不能为空：地点要填写经纬度或区划')
  const [lng, lat] = toWgs84([a.lng, a.lat], a.crs ?? 'WGS84')
  return { lng, lat }
}

const round2 = (n: number) => Math.round(n * 100) / 100

async function searchNeed(db: Db, s: Scopes, g: Geometry, need: Need, className?: string): Promise<NeedResult> {
  const needed = neededAmount(need)
  const { taken, sum, omitted } =
    need.type === 'supply' ? await accumulate(g, needed, supplyFetch(db, s, g, need), supplyTotal(db, s, g, need))
    : need.type === 'team' ? await accumulate(g, needed, teamFetch(db, s, g, need))
    : await accumulate(g, needed, shelterFetch(db, s, g), shelterTotal(db, s, g))
  let before = 0
  const holdings = taken.map((c) => {
    const take = Math.max(0, Math.min(c.amount, needed - before))
    before += c.amount
    return { ...c.holding, distanceKm: round2(c.km), take, contact: null, contacts: [] }
  })
  return {
    need, description: describeNeed(need, className), satisfied: sum >= needed, total: sum,
    shortfall: Math.max(0, needed - sum), holdings, ...(omitted > 0 ? { omitted } : {}),
  }
}

/** The nearest holdings in the user's jurisdiction (or the given subtree of it) that meet each need. */
export async function findNearestSufficient(db: Db, scope: Scope, input: NearestInput): Promise<NearestResult> {
  const within = regionFilter(scope, input.regionCode)
  const checked = await Promise.all(input.needs.map((n, i) => checkNeed(db, n, i)))
  const at = await resolveAt(db, scope, input.at)
  const g = geometryOf(at.lng, at.lat, input.maxDistanceKm ?? DEFAULT_MAX_DISTANCE_KM)
  const results: NeedResult[] = []
  // One need after another: a request holds one pooled connection at a time.
  for (const c of checked) results.push(await searchNeed(db, { scope, within }, g, c.need, c.className))
  await attachContacts(db, scope, results)
  return { at, distanceNote: STRAIGHT_LINE_NOTE, results }
}

/**
 * Whom to call, for the holdings taken only: two lookups per request, after the searches, rather
 * than contact subqueries on every candidate the KNN batches fetch and drop.
 */
async function attachContacts(db: Db, scope: Scope, results: NeedResult[]) {
  const holdings = results.flatMap((r) => r.holdings)
  const lines = await supplyContacts(db, scope, holdings.filter((h) => h.layer === 'supply').map((h) => h.id))
  const records = await resourceContacts(db, scope, holdings.filter((h) => h.layer !== 'supply').map((h) => h.id))
  for (const h of holdings) {
    h.contacts = (h.layer === 'supply' ? lines : records).get(h.id) ?? []
    h.contact = callFirst(h.contacts)
  }
}
