import { sql, type RawBuilder, type SqlBool } from 'kysely'
import { DRAWN_LAYERS, isResourceLayer, MAP_LAYERS, type DrawnLayer } from '../../../domain/map/layers.js'
import { CONDITIONS, label, RESOURCE_KINDS, type ResourceKind } from '../../../domain/resources/kinds.js'
import type { Db } from '../../db/database.js'
import { inScope, type Scope } from '../../db/scope.js'
import { invalid } from '../../errors.js'
import { containsPattern } from '../../shared/like.js'
import { regionFilter, text } from '../../shared/input.js'
import { freshnessDays, isStale } from '../resources/freshness.js'
import { classPrefix } from '../supplies/queries.js'
import { cellsFromPyramid, cellsServe } from './cells.js'
import { cellDegrees, MAX_FEATURES, mergeCells, UNCLUSTERED_ZOOM, type FamilyCell } from './cluster.js'
import type { CountsQuery, FeaturesQuery } from './schema.js'

/**
 * The one-map's reads: clustered features of a viewport, legend counts, and the points of an
 * export. Resources and supply lines are two table families; each is read with one SQL.
 * Supply lines kept at a storage point are drawn through the point, so the `supply` layer holds
 * only the lines placed elsewhere; class and condition filters keep the storage points that hold
 * a matching line.
 */

export type Bbox = [west: number, south: number, east: number, north: number]

/** The filters of a request, checked against the user's jurisdiction. */
type Filters = {
  scope: Scope
  within: Scope
  resourceKinds: ResourceKind[]
  supply: boolean
  q: string | null
  condition?: string
  classCode?: string
  fresh?: string
  teamSpeciality: string | null
  days: number
}

export function parseLayers(value: string | undefined): DrawnLayer[] {
  if (value === undefined || value === '') return [...DRAWN_LAYERS]
  const layers = [...new Set(value.split(','))]
  for (const l of layers) {
    if (!(DRAWN_LAYERS as readonly string[]).includes(l)) {
      throw invalid('图层', l, `不存在，应为 ${DRAWN_LAYERS.map((k) => `${k}（${MAP_LAYERS[k]}）`).join('、')} 之一`)
    }
  }
  return layers as DrawnLayer[]
}

export function parseBbox(value: string): Bbox {
  const [w, s, e, n] = value.split(',').map(Number)
  if (!(w >= -180 && e <= 180 && s >= -90 && n <= 90 && w < e && s < n)) {
    throw invalid('视野范围', value, '应为“西,南,东,北”，经度在 -180 到 180 之间、纬度在 -90 到 90 之间，且西小于东、南小于北')
  }
  return [w, s, e, n]
}

async function resolve(db: Db, scope: Scope, query: CountsQuery): Promise<Filters> {
  const layers = parseLayers(query.layers)
  return {
    scope,
    within: regionFilter(scope, query.regionCode),
    resourceKinds: layers.filter(isResourceLayer),
    supply: layers.includes('supply'),
    q: text(query.q),
    condition: query.condition,
    classCode: query.classCode,
    fresh: query.fresh,
    teamSpeciality: text(query.teamSpeciality),
    days: await freshnessDays(db),
  }
}

const inBox = (column: string, [w, s, e, n]: Bbox) =>
  sql<SqlBool>`${sql.ref(column)} <@ box(point(${w}, ${s}), point(${e}, ${n}))` // GiST on location

function freshness(column: string, f: Filters): RawBuilder<SqlBool> | null {
  if (f.fresh === 'stale') return isStale(column, f.days)
  if (f.fresh === 'fresh') return sql<SqlBool>`not ${isStale(column, f.days)}`
  return null
}

/** Supply lines matching the class/condition filters, correlated to the alias `s`. */
function supplyMatch(f: Filters): RawBuilder<SqlBool> {
  const parts: RawBuilder<SqlBool>[] = [sql<SqlBool>`true`]
  if (f.classCode) parts.push(sql<SqlBool>`s.class_code like ${classPrefix(f.classCode) + '%'}`)
  if (f.condition) parts.push(sql<SqlBool>`s.condition = ${f.condition}`)
  return sql<SqlBool>`(${sql.join(parts, sql` and `)})`
}

/** Active resources of the requested kinds in the jurisdiction and filters. */
function resources(db: Db, f: Filters) {
  const stale = freshness('r.confirmedAt', f)
  return db.selectFrom('resource as r')
    .where(inScope('r.regionCode', f.scope)).where(inScope('r.regionCode', f.within))
    .where('r.kind', 'in', f.resourceKinds.length > 0 ? f.resourceKinds : ['-'])
    .where('r.status', '=', 'active')
    .$if(f.q !== null, (b) => b.where('r.name', 'ilike', containsPattern(f.q!)))
    .$if(stale !== null, (b) => b.where(stale!))
    .$if(f.teamSpeciality !== null, (b) => b.where(sql<SqlBool>`(r.kind <> 'team' or exists (
      select 1 from team t where t.resource_id = r.id and ${f.teamSpeciality} = any(t.specialities)))`))
    .$if(Boolean(f.classCode || f.condition), (b) => b.where(sql<SqlBool>`(r.kind <> 'storage_point' or exists (
      select 1 from supply s where s.storage_point_id = r.id and ${inScope('s.regionCode', f.scope)} and ${supplyMatch(f)}))`))
}

/** Supply and equipment lines not kept at a storage point. */
function supplies(db: Db, f: Filters) {
  const stale = freshness('s.confirmedAt', f)
  return db.selectFrom('supply as s')
    .where(inScope('s.regionCode', f.scope)).where(inScope('s.regionCode', f.within))
    .where('s.storagePointId', 'is', null)
    .where(f.supply ? supplyMatch(f) : sql<SqlBool>`false`)
    .$if(f.q !== null, (b) => b.where('s.name', 'ilike', containsPattern(f.q!)))
    .$if(stale !== null, (b) => b.where(stale!))
}

export type PointProperties = {
  id: number
  layer: DrawnLayer
  name: string
  kindLabel: string
  regionName: string
  quantity?: number
  unit?: string
  condition?: string
  stale: boolean
  /** Where the position came from; 'sketch' is drawn hollow (示意位置). */
  positionSource: string | null
}
export type ClusterProperties = { cluster: true; count: number; byLayer: Partial<Record<DrawnLayer, number>> }
type Point<P> = { type: 'Feature'; geometry: { type: 'Point'; coordinates: [number, number] }; properties: P }
export type MapFeature = Point<PointProperties> | Point<ClusterProperties>
export type FeatureCollection = { type: 'FeatureCollection'; features: MapFeature[]; truncated?: boolean }

const point = <P>(lng: number, lat: number, properties: P): Point<P> =>
  ({ type: 'Feature', geometry: { type: 'Point', coordinates: [lng, lat] }, properties })

/** Points with their popup-less properties; `where` narrows them (by id or by bbox). */
async function pointsOf(db: Db, f: Filters, bbox: Bbox | null, ids: { resource?: number[]; supply?: number[] }, limit: number) {
  const rows: Array<{ lng: number; lat: number; properties: PointProperties }> = []
  if (ids.resource === undefined || ids.resource.length > 0) {
    const found = await resources(db, f)
      .innerJoin('region as g', 'g.code', 'r.regionCode')
      .select(['r.id', 'r.kind', 'r.name', 'g.fullName as regionName', 'r.lng', 'r.lat', 'r.positionSource', isStale('r.confirmedAt', f.days).as('stale')])
      .where('r.location', 'is not', null)
      .$if(bbox !== null, (b) => b.where(inBox('r.location', bbox!)))
      .$if(ids.resource !== undefined, (b) => b.where('r.id', 'in', ids.resource!))
      .orderBy('r.id').limit(limit).execute()
    for (const r of found) {
      rows.push({
        lng: r.lng!, lat: r.lat!,
        properties: {
          id: r.id, layer: r.kind as DrawnLayer, name: r.name, kindLabel: label(RESOURCE_KINDS, r.kind), regionName: r.regionName,
          stale: Boolean(r.stale), positionSource: r.positionSource,
        },
      })
    }
  }
  if (ids.supply === undefined || ids.supply.length > 0) {
    const found = await supplies(db, f)
      .innerJoin('region as g', 'g.code', 's.regionCode')
      .innerJoin('supplyClass as c', 'c.code', 's.classCode')
      .select(['s.id', 's.name', 'c.name as className', 'g.fullName as regionName', 's.quantity', 's.unit', 's.condition', 's.lng', 's.lat',
        's.positionSource', isStale('s.confirmedAt', f.days).as('stale')])
      .where('s.location', 'is not', null)
      .$if(bbox !== null, (b) => b.where(inBox('s.location', bbox!)))
      .$if(ids.supply !== undefined, (b) => b.where('s.id', 'in', ids.supply!))
      .orderBy('s.id').limit(limit).execute()
    for (const s of found) {
      rows.push({
        lng: s.lng!, lat: s.lat!,
        properties: {
          id: s.id, layer: 'supply', name: s.name, kindLabel: s.className, regionName: s.regionName,
          quantity: Number(s.quantity), unit: s.unit, condition: label(CONDITIONS, s.condition), stale: Boolean(s.stale),
          positionSource: s.positionSource,
        },
      })
    }
  }
  return rows
}

/** Cells of one family: count per layer, mean position, and an id for cells of one record. */
async function cellsOf(db: Db, f: Filters, bbox: Bbox, cell: number): Promise<FamilyCell[][]> {
  // The cell size is inlined: the same expression must appear in select and group by.
  const cx = (col: string) => sql<number>`floor(${sql.ref(col)} / ${sql.lit(cell)})`
  const families: FamilyCell[][] = []
  if (f.resourceKinds.length > 0) {
    const rows = await resources(db, f).where(inBox('r.location', bbox))
      .select([
        cx('r.lng').as('cx'), cx('r.lat').as('cy'), sql<number>`count(*)::int`.as('n'),
        sql<number>`avg(r.lng)`.as('lng'), sql<number>`avg(r.lat)`.as('lat'), sql<number>`min(r.id)`.as('id'),
        sql<Record<string, number>>`jsonb_build_object(${sql.join(f.resourceKinds.map((k) =>
          sql`${k}::text, count(*) filter (where r.kind = ${k})`))})`.as('byLayer'),
      ])
      .groupBy([cx('r.lng'), cx('r.lat')]).execute()
    families.push(rows)
  }
  if (f.supply) {
    const rows = await supplies(db, f).where(inBox('s.location', bbox))
      .select([
        cx('s.lng').as('cx'), cx('s.lat').as('cy'), sql<number>`count(*)::int`.as('n'),
        sql<number>`avg(s.lng)`.as('lng'), sql<number>`avg(s.lat)`.as('lat'), sql<number>`min(s.id)`.as('id'),
      ])
      .groupBy([cx('s.lng'), cx('s.lat')]).execute()
    families.push(rows.map((r) => ({ ...r, byLayer: { supply: r.n } })))
  }
  return families
}

/**
 * Whether the pre-aggregated cells can answer: they hold exactly the unfiltered map (by layer and
 * county), so only requests without attribute filters, and jurisdictions of a county or wider
 * (a township or village user's region is not a whole cell key; their row counts are small anyway).
 */
function cellsAnswer(f: Filters, zoom: number): boolean {
  return f.q === null && !f.condition && !f.classCode && !f.fresh && f.teamSpeciality === null &&
    f.scope.prefix.length <= 6 && f.within.prefix.length <= 6 && cellsServe(zoom)
}

/** For tests and benchmarks: `rows` forces grouping the rows even where the cells could answer. */
export type FeatureOptions = { path?: 'auto' | 'rows' }

/** Viewport features: clusters of a ~60 px grid, single records as themselves; from zoom 16 only records, capped. */
export async function mapFeatures(db: Db, scope: Scope, query: FeaturesQuery, options: FeatureOptions = {}): Promise<FeatureCollection> {
  const f = await resolve(db, scope, query)
  const bbox = parseBbox(query.bbox)
  if (query.zoom >= UNCLUSTERED_ZOOM) {
    const rows = await pointsOf(db, f, bbox, {}, MAX_FEATURES + 1)
    const truncated = rows.length > MAX_FEATURES
    return {
      type: 'FeatureCollection',
      features: rows.slice(0, MAX_FEATURES).map((r) => point(r.lng, r.lat, r.properties)),
      ...(truncated ? { truncated: true } : {}),
    }
  }
  // A real screen holds a few thousand cells; a box far larger than its zoom suggests gets a
  // coarser grid, so no request can make the server group into more cells than that.
  // The grid stays that of a whole zoom, so the cell path's pyramid nests in it.
  const area = (bbox[2] - bbox[0]) * (bbox[3] - bbox[1])
  let gridZoom = query.zoom
  while (gridZoom > 0 && cellDegrees(gridZoom) < Math.sqrt(area / (0.8 * MAX_FEATURES))) gridZoom--
  const useCells = options.path !== 'rows' && cellsAnswer(f, gridZoom)
  const cells = mergeCells(useCells
    ? [await cellsFromPyramid(db, {
      bbox, zoom: gridZoom, prefixes: [f.scope.prefix, f.within.prefix],
      resourceKinds: f.resourceKinds, supply: f.supply,
    })]
    : await cellsOf(db, f, bbox, cellDegrees(gridZoom)))
  const singles = cells.flatMap((c) => (c.single ? [c.single] : []))
  const details = await pointsOf(db, f, null, {
    resource: singles.filter((s) => s.layer !== 'supply').map((s) => s.id),
    supply: singles.filter((s) => s.layer === 'supply').map((s) => s.id),
  }, singles.length + 1)
  const byKey = new Map(details.map((d) => [`${d.properties.layer === 'supply' ? 's' : 'r'}${d.properties.id}`, d]))
  const features = cells.map((c): MapFeature => {
    const one = c.single && byKey.get(`${c.single.layer === 'supply' ? 's' : 'r'}${c.single.id}`)
    return one ? point(one.lng, one.lat, one.properties) : point(c.lng, c.lat, { cluster: true, count: c.n, byLayer: c.byLayer })
  })
  return { type: 'FeatureCollection', features }
}

/** Legend counts per layer: all records in the filters, and how many have no position yet (位置待补充). */
export async function mapCounts(db: Db, scope: Scope, query: CountsQuery) {
  const f = await resolve(db, scope, query)
  const layers = parseLayers(query.layers)
  const counts = new Map<string, { total: number; located: number }>()
  if (f.resourceKinds.length > 0) {
    const rows = await resources(db, f)
      .select(['r.kind', sql<number>`count(*)::int`.as('total'), sql<number>`count(r.location)::int`.as('located')])
      .groupBy('r.kind').execute()
    for (const r of rows) counts.set(r.kind, r)
  }
  if (f.supply) {
    const row = await supplies(db, f)
      .select([sql<number>`count(*)::int`.as('total'), sql<number>`count(s.location)::int`.as('located')]).executeTakeFirstOrThrow()
    counts.set('supply', row)
  }
  return {
    layers: layers.map((layer) => {
      const c = counts.get(layer) ?? { total: 0, located: 0 }
      return { layer, label: MAP_LAYERS[layer], total: c.total, located: c.located, unlocated: c.total - c.located }
    }),
  }
}

export const EXPORT_LIMIT = 50_000

/** The filtered records with positions (not clusters), for GeoJSON export. */
export async function exportPoints(db: Db, scope: Scope, query: CountsQuery & { bbox?: string }) {
  const f = await resolve(db, scope, query)
  const bbox = query.bbox === undefined ? null : parseBbox(query.bbox)
  const rows = await pointsOf(db, f, bbox, {}, EXPORT_LIMIT + 1)
  if (rows.length > EXPORT_LIMIT) {
    throw invalid('导出范围', rows.length, `超过 ${EXPORT_LIMIT} 条上限，请缩小范围或增加筛选条件后再导出`)
  }
  return { type: 'FeatureCollection' as const, features: rows.map((r) => point(r.lng, r.lat, r.properties)) }
}
