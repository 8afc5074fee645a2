import { sql, type RawBuilder } from 'kysely'
import type { DrawnLayer } from '../../../domain/map/layers.js'
import type { Db } from '../../db/database.js'
import { cellDegrees, type FamilyCell } from './cluster.js'

/**
 * Viewport cells read from the pre-aggregated pyramid of migration 0006 (table map_cell, kept by
 * triggers) instead of grouping the rows: at province scale a low zoom would otherwise group up
 * to a million rows per request.
 *
 * Exactness: a drawn cell must count exactly the records inside the (closed) bbox, as the row
 * path does. The bbox is covered by
 *   - the level-L cells lying wholly inside it (L: the coarsest level not coarser than the grid),
 *   - rings of ever finer levels' cells wholly inside it, down to the finest level, and
 *   - the rows of the last sliver (under one finest cell wide along the edges), read raw.
 * Every part is decided by the same expression the triggers use, floor(lng / size), so a record
 * is counted in exactly one part. Pyramid cells nest in the zoom grid (sizes are the grid's at
 * zooms 8, 10, 12, 14), so regrouping is an integer shift and gives the row path's cells.
 */

/** Zooms whose ~60 px grid the pyramid stores; keep in step with migration 0006. */
export const CELL_LEVELS = [8, 10, 12, 14] as const
const FINEST = CELL_LEVELS[CELL_LEVELS.length - 1]

/** Inclusive ranges of cell indices; empty when x0 > x1 or y0 > y1. */
type Rect = { x0: number; x1: number; y0: number; y1: number }
type Piece = { level: number; rect: Rect }

const empty = (r: Rect) => r.x0 > r.x1 || r.y0 > r.y1

/**
 * Cells of the finest level wholly inside the bbox. One cell of margin against rounding: a cell
 * counted inside must never hold a record outside; what the margin leaves out goes to the sliver.
 */
function finestInterior([w, s, e, n]: [number, number, number, number]): Rect {
  const b = cellDegrees(FINEST)
  return { x0: Math.floor(w / b) + 1, x1: Math.ceil(e / b) - 2, y0: Math.floor(s / b) + 1, y1: Math.ceil(n / b) - 2 }
}

/** The cells of `fine` (at a level `shift` finer) wholly covered by a coarser cell; integer arithmetic keeps levels nested. */
function coarsen(fine: Rect, shift: number): Rect {
  const k = 2 ** shift
  return { x0: Math.ceil(fine.x0 / k), x1: Math.floor((fine.x1 + 1) / k) - 1, y0: Math.ceil(fine.y0 / k), y1: Math.floor((fine.y1 + 1) / k) - 1 }
}

/** `outer` minus `inner` (inner given at the same level and lying within outer), as up to four rectangles. */
function ring(outer: Rect, inner: Rect): Rect[] {
  if (empty(inner)) return [outer]
  return [
    { x0: outer.x0, x1: outer.x1, y0: outer.y0, y1: inner.y0 - 1 },
    { x0: outer.x0, x1: outer.x1, y0: inner.y1 + 1, y1: outer.y1 },
    { x0: outer.x0, x1: inner.x0 - 1, y0: inner.y0, y1: inner.y1 },
    { x0: inner.x1 + 1, x1: outer.x1, y0: inner.y0, y1: inner.y1 },
  ].filter((r) => !empty(r))
}

/** The pyramid pieces covering the bbox at grid zoom `zoom`, and the finest interior the raw sliver leaves out. */
export function coverBox(bbox: [number, number, number, number], zoom: number): { pieces: Piece[]; finest: Rect } {
  const finest = finestInterior(bbox)
  const levels = CELL_LEVELS.filter((l) => l >= zoom)
  const pieces: Piece[] = []
  if (empty(finest)) return { pieces, finest }
  let inner: Rect | null = null
  let innerLevel = 0
  for (const level of levels) {
    const rect = coarsen(finest, FINEST - level)
    if (empty(rect)) continue
    const scaled: Rect | null = inner === null ? null : {
      x0: inner.x0 * 2 ** (level - innerLevel), x1: (inner.x1 + 1) * 2 ** (level - innerLevel) - 1,
      y0: inner.y0 * 2 ** (level - innerLevel), y1: (inner.y1 + 1) * 2 ** (level - innerLevel) - 1,
    }
    for (const r of scaled === null ? [rect] : ring(rect, scaled)) pieces.push({ level, rect: r })
    inner = rect
    innerLevel = level
  }
  return { pieces, finest }
}

/** Whether the pyramid can answer a grid of this zoom: its cells must not be coarser than the grid's. */
export const cellsServe = (zoom: number) => Number.isInteger(zoom) && zoom >= 0 && zoom <= FINEST

export type CellRequest = {
  bbox: [number, number, number, number]
  /** Zoom of the drawn grid; cells are cellDegrees(zoom) wide. */
  zoom: number
  /** Region-code prefixes the records must have (the user's scope, the region filter); at most 6 digits. */
  prefixes: string[]
  resourceKinds: string[]
  supply: boolean
}

/** Cells of the grid, one per drawn cell and layer; `id` is the record when n = 1. */
export async function cellsFromPyramid(db: Db, req: CellRequest): Promise<FamilyCell[]> {
  const { pieces, finest } = coverBox(req.bbox, req.zoom)
  const layers = [...req.resourceKinds, ...(req.supply ? ['supply'] : [])]
  if (layers.length === 0) return []
  const [w, s, e, n] = req.bbox
  const target = cellDegrees(req.zoom)
  const prefixes = (column: string) => sql.join(req.prefixes.map((p) => sql`${sql.ref(column)} like ${p + '%'}`), sql` and `)

  const parts: RawBuilder<unknown>[] = pieces.map(({ level, rect }) => sql`
    select cx >> ${sql.lit(level - req.zoom)} as tx, cy >> ${sql.lit(level - req.zoom)} as ty, layer, n, sum_lng, sum_lat, sum_id
    from map_cell
    where level = ${sql.lit(level)} and cx between ${rect.x0} and ${rect.x1} and cy between ${rect.y0} and ${rect.y1}
      and layer in (${sql.join(layers)}) and ${prefixes('county_code')}`)

  // The sliver: records in the bbox outside the finest interior, found through the GiST index on
  // four edge strips; a strip reaches one finest cell into the interior, the floor test decides.
  const b = cellDegrees(FINEST)
  const box = (x0: number, y0: number, x1: number, y1: number) => sql`box(point(${x0}, ${y0}), point(${x1}, ${y1}))`
  const sliver = (table: 'resource' | 'supply', drawn: RawBuilder<unknown>, layer: RawBuilder<unknown>) => {
    const strips = empty(finest) ? sql`true` : sql`(location <@ ${box(w, s, (finest.x0 + 1) * b, n)}
      or location <@ ${box(finest.x1 * b, s, e, n)} or location <@ ${box(w, s, e, (finest.y0 + 1) * b)}
      or location <@ ${box(w, finest.y1 * b, e, n)})
      and not (floor(lng / ${sql.lit(b)}::float8) between ${finest.x0} and ${finest.x1}
        and floor(lat / ${sql.lit(b)}::float8) between ${finest.y0} and ${finest.y1})`
    return sql`
      select floor(lng / ${sql.lit(target)}::float8)::int as tx, floor(lat / ${sql.lit(target)}::float8)::int as ty, ${layer} as layer,
        1 as n, lng as sum_lng, lat as sum_lat, id::bigint as sum_id
      from ${sql.table(table)}
      where ${drawn} and location <@ ${box(w, s, e, n)} and ${strips} and ${prefixes('region_code')}`
  }
  if (req.resourceKinds.length > 0) {
    parts.push(sliver('resource', sql`status = 'active' and kind in (${sql.join(req.resourceKinds)})`, sql`kind`))
  }
  if (req.supply) parts.push(sliver('supply', sql`storage_point_id is null`, sql`'supply'::text`))

  const { rows } = await sql<{ tx: number; ty: number; layer: DrawnLayer; n: number; sumLng: number; sumLat: number; sumId: number }>`
    select tx, ty, layer, sum(n)::int as n, sum(sum_lng) as sum_lng, sum(sum_lat) as sum_lat, sum(sum_id)::bigint as sum_id
    from (${sql.join(parts, sql` union all `)}) p
    group by tx, ty, layer`.execute(db)
  return rows.map((r) => ({ cx: r.tx, cy: r.ty, n: r.n, lng: r.sumLng / r.n, lat: r.sumLat / r.n, id: r.sumId, byLayer: { [r.layer]: r.n } }))
}

/**
 * Recomputes every cell from the records: after bulk loads that bypassed the triggers, or as a
 * repair. Uses the same rules as the triggers (migration 0006).
 */
export async function rebuildMapCells(db: Db): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`lock table map_cell in exclusive mode`.execute(trx)
    await sql`delete from map_cell`.execute(trx)
    await sql`
      insert into map_cell (level, layer, county_code, cx, cy, n, sum_lng, sum_lat, sum_id)
      select l.level, d.layer, d.county_code, floor(d.lng / l.size)::int, floor(d.lat / l.size)::int,
        count(*), sum(d.lng), sum(d.lat), sum(d.id)
      from (
        select kind as layer, left(region_code, 6) as county_code, lng, lat, id from resource
          where status = 'active' and lng is not null and lat is not null
        union all
        select 'supply', left(region_code, 6), lng, lat, id from supply
          where storage_point_id is null and lng is not null and lat is not null
      ) d cross join map_cell_level l
      group by 1, 2, 3, 4, 5`.execute(trx)
  })
}
