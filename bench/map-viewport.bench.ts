/**
 * The one-map's viewport query on a province: 浙江's division tree with positions placed, and
 * 1,000,000 points (200,000 resources of the six kinds, 800,000 supply lines outside storage
 * points) scattered within 1 km of village positions. mapFeatures for random viewports of a
 * 1600×900 px screen at zooms 6–14, against the bare grid GROUP BY on the same viewport sent
 * through pg in the same run (no filters, no jurisdiction, no single-record lookups).
 * The points are inserted through the product's triggers, which keep the map_cell pyramid current;
 * their time includes that upkeep. mapFeatures for a province user reads the pyramid.
 */
import { sql } from 'kysely'
import { scopeOf } from '../src/server/db/scope.js'
import { rebuildMapCells } from '../src/server/features/map/cells.js'
import { cellDegrees } from '../src/server/features/map/cluster.js'
import { placeRegionPositions, scatter } from '../src/server/features/map/positions.js'
import { mapFeatures } from '../src/server/features/map/queries.js'
import { loadRegions } from '../src/server/features/regions/load.js'
import { benchDatabase, record, time } from './lib.js'

const RESOURCES = 200_000
const SUPPLIES = 800_000
const VIEWPORTS = 80
const WARMUP = 10
const SCREEN = { width: 1600, height: 900 }
// 浙江's extent, where viewport centres are drawn.
const EXTENT = { west: 118.2, south: 27.2, east: 122.6, north: 31.1 }
const SCOPE = scopeOf('330000000000')

/** A small seeded generator, so every run measures the same viewports. */
function prng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) % 4294967296
    return seed / 4294967296
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]
}

const { db, pool, close } = await benchDatabase()
try {
  const loaded = await time(() => loadRegions(db, '33'))
  console.log(`浙江区划：${loaded.result.rows} 条，${(loaded.ms / 1000).toFixed(1)} 秒`)
  const placed = await time(() => placeRegionPositions(db, '33'))
  console.log(`区划位置：${(placed.ms / 1000).toFixed(1)} 秒`)

  const villages = sql`(select code, lng, lat, (row_number() over (order by code) - 1)::int as k from region
    where code like '33%' and level = 'village' and lng is not null)`
  const count = sql`(select count(*)::int from region where code like '33%' and level = 'village' and lng is not null)`
  const r = scatter(sql.ref('v.lng'), sql.ref('v.lat'), sql`'r' || g`, sql.lit(1))
  const fillResources = await time(() => sql`
    insert into resource (kind, region_code, name, lng, lat, confirmed_at)
    select (array['team','expert','storage_point','shelter','risk_point','supplier'])[1 + g % 6], v.code, '点位' || g,
      ${r.lng}, ${r.lat}, now() - make_interval(days => g % 400)
    from generate_series(0, ${RESOURCES - 1}) g join ${villages} v on v.k = (g::bigint * 7919) % ${count}
  `.execute(db))
  const s = scatter(sql.ref('v.lng'), sql.ref('v.lat'), sql`'s' || g`, sql.lit(1))
  const fillSupplies = await time(() => sql`
    insert into supply (region_code, class_code, name, unit, condition, quantity, lng, lat, confirmed_at)
    select v.code, '2000000', (array['冲锋舟','救生衣','抽水泵','发电机','帐篷'])[1 + g % 5], '件',
      case when g % 53 = 0 then 'repair' else 'good' end, g % 500, ${s.lng}, ${s.lat}, now() - make_interval(days => g % 400)
    from generate_series(0, ${SUPPLIES - 1}) g join ${villages} v on v.k = (g::bigint * 104729) % ${count}
  `.execute(db))
  // One statement each: VACUUM cannot run in the implicit transaction of a multi-statement query.
  for (const table of ['resource', 'supply', 'region', 'map_cell']) await pool.query(`vacuum analyze ${table}`)
  console.log(`生成点位（含触发器维护网格汇总）：资源 ${fillResources.result.numAffectedRows} 条（${(fillResources.ms / 1000).toFixed(1)} 秒），物资 ${fillSupplies.result.numAffectedRows} 条（${(fillSupplies.ms / 1000).toFixed(1)} 秒）`)
  // The triggers already filled the cells; a rebuild is timed as the repair path after a bulk load.
  const rebuilt = await time(() => rebuildMapCells(db))
  await pool.query('vacuum analyze map_cell')
  const { rows: [cellRows] } = await pool.query<{ n: number }>('select count(*)::int as n from map_cell')
  console.log(`网格汇总重建：${(rebuilt.ms / 1000).toFixed(1)} 秒，${cellRows.n} 个单元`)

  const random = prng(20240604)
  const viewports = Array.from({ length: VIEWPORTS + WARMUP }, () => {
    const zoom = 6 + Math.floor(random() * 9)
    const lng = EXTENT.west + random() * (EXTENT.east - EXTENT.west)
    const lat = EXTENT.south + random() * (EXTENT.north - EXTENT.south)
    const degPerPx = 360 / 256 / 2 ** zoom
    const halfW = (SCREEN.width / 2) * degPerPx
    const halfH = (SCREEN.height / 2) * degPerPx * Math.cos((lat * Math.PI) / 180)
    return { zoom, bbox: [lng - halfW, lat - halfH, lng + halfW, lat + halfH].map((x) => x.toFixed(5)).join(',') }
  })

  /** The bare grid grouping of both tables for one viewport, as one would write it by hand. */
  async function rawGrid(bbox: string, zoom: number) {
    const [w, so, e, n] = bbox.split(',').map(Number)
    const cell = cellDegrees(zoom)
    const grid = (table: string) => `select floor(lng / ${cell}) as cx, floor(lat / ${cell}) as cy, count(*) as n, avg(lng), avg(lat)
      from ${table} where location <@ box(point($1, $2), point($3, $4)) group by 1, 2`
    const { rows } = await pool.query(`${grid('resource')} union all ${grid('supply')}`, [w, so, e, n])
    return rows.length
  }

  const product: number[] = []
  const baseline: number[] = []
  const returned: number[] = []
  for (const [i, v] of viewports.entries()) {
    const ours = await time(() => mapFeatures(db, SCOPE, { bbox: v.bbox, zoom: v.zoom }))
    const raw = await time(() => rawGrid(v.bbox, v.zoom))
    if (i < WARMUP) continue
    product.push(ours.ms)
    baseline.push(raw.ms)
    returned.push(ours.result.features.length)
  }
  for (const list of [product, baseline, returned]) list.sort((a, b) => a - b)
  const dataSize = `${RESOURCES + SUPPLIES} 个点位，${VIEWPORTS} 个视野（缩放 6–14，${SCREEN.width}×${SCREEN.height} 像素）`
  console.log(`mapFeatures p50 ${percentile(product, 0.5).toFixed(1)} ms，p95 ${percentile(product, 0.95).toFixed(1)} ms；` +
    `手写分组 p50 ${percentile(baseline, 0.5).toFixed(1)} ms，p95 ${percentile(baseline, 0.95).toFixed(1)} ms；` +
    `要素数 p50 ${percentile(returned, 0.5)}，最多 ${returned[returned.length - 1]}`)
  const p95 = percentile(product, 0.95)
  const rawP95 = percentile(baseline, 0.95)
  await record({ name: 'map-viewport-p95', value: p95, unit: 'ms', baseline: rawP95, ratio: p95 / rawP95, goal: '< 100', dataSize })
  const p50 = percentile(product, 0.5)
  const rawP50 = percentile(baseline, 0.5)
  await record({ name: 'map-viewport-p50', value: p50, unit: 'ms', baseline: rawP50, ratio: p50 / rawP50, goal: '< 50', dataSize })
  await record({ name: 'map-viewport-features-max', value: returned[returned.length - 1], unit: '个', baseline: null, ratio: null, goal: '< 5000', dataSize })
} finally {
  await close()
}
