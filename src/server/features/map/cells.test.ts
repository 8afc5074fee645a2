import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../db/database.js'
import { scopeOf } from '../../db/scope.js'
import { createTestDb } from '../../testing/test-app.js'
import { coverBox, rebuildMapCells } from './cells.js'
import { cellDegrees } from './cluster.js'
import { mapFeatures, type MapFeature } from './queries.js'

let db: Db
let drop: () => Promise<void>
beforeAll(async () => { ({ db, drop } = await createTestDb()) })
afterAll(async () => { await drop() })

const B14 = cellDegrees(14)

type Cell = { level: number; layer: string; countyCode: string; cx: number; cy: number; n: number; sumLng: number; sumLat: number; sumId: number }

/** What the cells should hold, computed from the records with the rules of the unfiltered map. */
async function expectedCells(): Promise<Cell[]> {
  const { rows } = await sql<Cell>`
    select l.level, d.layer, d.county_code, floor(d.lng / l.size)::int as cx, floor(d.lat / l.size)::int as cy,
      count(*)::int as n, sum(d.lng) as sum_lng, sum(d.lat) as sum_lat, sum(d.id)::bigint as sum_id
    from (
      select kind as layer, left(region_code, 6) as county_code, lng, lat, id from resource where status = 'active' and location is not null
      union all
      select 'supply', left(region_code, 6), lng, lat, id from supply where storage_point_id is null and location is not null
    ) d cross join map_cell_level l
    group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5`.execute(db)
  return rows
}

async function storedCells(): Promise<Cell[]> {
  return db.selectFrom('mapCell').selectAll()
    .orderBy('level').orderBy('layer').orderBy('countyCode').orderBy('cx').orderBy('cy').execute()
}

/** Counts and ids exactly; running sums of positions up to rounding. */
async function expectCellsCurrent() {
  const [stored, expected] = await Promise.all([storedCells(), expectedCells()])
  const key = (c: Cell) => `${c.level}/${c.layer}/${c.countyCode}/${c.cx}/${c.cy}:${c.n}:${c.sumId}`
  expect(stored.map(key)).toEqual(expected.map(key))
  stored.forEach((c, i) => {
    expect(c.sumLng).toBeCloseTo(expected[i].sumLng, 6)
    expect(c.sumLat).toBeCloseTo(expected[i].sumLat, 6)
  })
}

/** Records of 湖州's villages, deterministic, some exactly on finest cell edges. */
async function seed(count: number) {
  const villages = sql`(select code, (row_number() over (order by code) - 1)::int as k from region where code like '3305%' and level = 'village')`
  const n = sql`(select count(*)::int from region where code like '3305%' and level = 'village')`
  await sql`
    insert into resource (kind, region_code, name, lng, lat)
    select (array['team','expert','storage_point','shelter','risk_point','supplier'])[1 + g % 6], v.code, '点位' || g,
      case when g % 17 = 0 then floor((119.6 + (g * 0.6180339) % 0.9) / ${B14}::float8) * ${B14}::float8 else 119.6 + (g * 0.6180339) % 0.9 end,
      case when g % 19 = 0 then floor((30.5 + (g * 0.4142135) % 0.5) / ${B14}::float8) * ${B14}::float8 else 30.5 + (g * 0.4142135) % 0.5 end
    from generate_series(1, ${count}) g join ${villages} v on v.k = (g * 7919) % ${n}`.execute(db)
  await sql`
    insert into supply (region_code, class_code, name, unit, quantity, lng, lat)
    select v.code, '2000000', '冲锋舟' || g, '艘', g % 50, 119.6 + (g * 0.7320508) % 0.9, 30.5 + (g * 0.2360679) % 0.5
    from generate_series(1, ${count}) g join ${villages} v on v.k = (g * 104729) % ${n}`.execute(db)
}

/** A feature list independent of order and of key order; positions are compared apart, up to rounding of the means. */
const canonical = (fs: MapFeature[]) => fs.map((f) => {
  const p = 'cluster' in f.properties
    ? { ...f.properties, byLayer: Object.fromEntries(Object.entries(f.properties.byLayer).sort()) }
    : f.properties
  return { key: JSON.stringify(p), at: f.geometry.coordinates }
}).sort((a, b) => a.key.localeCompare(b.key) || a.at[0] - b.at[0] || a.at[1] - b.at[1])

function expectSameFeatures(actual: MapFeature[], expected: MapFeature[]) {
  const [a, e] = [canonical(actual), canonical(expected)]
  expect(a.map((x) => x.key)).toEqual(e.map((x) => x.key))
  a.forEach((x, i) => {
    expect(x.at[0]).toBeCloseTo(e[i].at[0], 7)
    expect(x.at[1]).toBeCloseTo(e[i].at[1], 7)
  })
}
const total = (fs: MapFeature[]) => fs.reduce((n, f) => n + ('cluster' in f.properties ? f.properties.count : 1), 0)

describe('map cells', () => {
  it('are kept exact by the triggers through inserts, moves, status changes and deletes', async () => {
    await seed(600)
    await expectCellsCurrent()
    const [first] = await db.selectFrom('resource').select('id').orderBy('id').limit(1).execute()
    // Move one record, and many in one statement, within and across cells and counties.
    await db.updateTable('resource').set({ lng: 120.3, lat: 30.95 }).where('id', '=', first.id).execute()
    await sql`update resource set lng = lng + 0.013, lat = lat - 0.002 where id % 5 = 0`.execute(db)
    await sql`update resource set region_code = '330522001001' where id % 11 = 0 and exists (select 1 from region where code = '330522001001')`.execute(db)
    await expectCellsCurrent()
    // Leaving the map: inactive, unplaced, moved into a storage point; and back.
    await sql`update resource set status = 'inactive' where id % 7 = 0`.execute(db)
    await sql`update resource set lng = null where id % 13 = 0`.execute(db)
    const sp = await db.selectFrom('resource').select('id').where('kind', '=', 'storage_point').limit(1).executeTakeFirstOrThrow()
    await sql`update supply set storage_point_id = ${sp.id} where id % 3 = 0`.execute(db)
    await expectCellsCurrent()
    await sql`update resource set status = 'active' where id % 14 = 0`.execute(db)
    await sql`update supply set storage_point_id = null where id % 6 = 0`.execute(db)
    await sql`update supply set name = name || '（新）'`.execute(db)
    await expectCellsCurrent()
    await sql`delete from supply where id % 4 = 0`.execute(db)
    await sql`delete from resource where id % 9 = 0 and not exists (select 1 from supply s where s.storage_point_id = resource.id)`.execute(db)
    await expectCellsCurrent()
    // No cell is left holding nothing, and a rebuild changes nothing.
    expect(await db.selectFrom('mapCell').select('n').where('n', '<=', 0).execute()).toEqual([])
    const before = (await storedCells()).map((c) => `${c.level}/${c.layer}/${c.countyCode}/${c.cx}/${c.cy}:${c.n}:${c.sumId}`)
    await rebuildMapCells(db)
    expect((await storedCells()).map((c) => `${c.level}/${c.layer}/${c.countyCode}/${c.cx}/${c.cy}:${c.n}:${c.sumId}`)).toEqual(before)
  })

  it('cover a box in nested pieces that never overlap', () => {
    const { pieces, finest } = coverBox([119.2, 30.0, 120.9, 31.4], 8)
    const seen = new Set<string>()
    for (const { level, rect } of pieces) {
      const k = 2 ** (14 - level)
      for (let x = rect.x0 * k; x < (rect.x1 + 1) * k; x++) {
        for (let y = rect.y0 * k; y < (rect.y1 + 1) * k; y++) {
          const key = `${x}:${y}`
          expect(seen.has(key)).toBe(false)
          seen.add(key)
        }
      }
    }
    expect(seen.size).toBe((finest.x1 - finest.x0 + 1) * (finest.y1 - finest.y0 + 1))
    expect(new Set(pieces.map((p) => p.level))).toEqual(new Set([8, 10, 12, 14]))
  })

  it('give the same features as grouping the rows, for every zoom, box and scope', async () => {
    const boxes: Array<[number, number, number, number]> = [
      [119.2, 30.3, 120.5, 31.2], [119.9, 30.6, 120.1, 30.8], [119.71, 30.55, 120.33, 30.91],
      [Math.floor(119.8 / B14) * B14, Math.floor(30.6 / B14) * B14, Math.floor(120.2 / B14) * B14, Math.floor(30.9 / B14) * B14],
      [100, 20, 130, 40],
    ]
    let compared = 0
    for (const regionCode of ['330500000000', '330502000000', '330522000000']) {
      const scope = scopeOf(regionCode)
      for (const box of boxes) {
        for (const zoom of [3, 6, 8, 9, 10, 11, 12, 13, 14, 15]) {
          for (const layers of [undefined, 'team,supply', 'shelter']) {
            const query = { bbox: box.join(','), zoom, ...(layers ? { layers } : {}) }
            const rows = await mapFeatures(db, scope, query, { path: 'rows' })
            const cells = await mapFeatures(db, scope, query)
            expect(total(cells.features), `${regionCode} ${box} ${zoom} ${layers}`).toBe(total(rows.features))
            expectSameFeatures(cells.features, rows.features)
            compared += total(rows.features)
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(10_000)
    // The comparison is only worth something if the cells were read: emptied, they show nothing but the sliver.
    const query = { bbox: boxes[0].join(','), zoom: 8 }
    await db.deleteFrom('mapCell').execute()
    expect(total((await mapFeatures(db, scopeOf('330500000000'), query)).features)).toBeLessThan(50)
    await rebuildMapCells(db)
    expect(total((await mapFeatures(db, scopeOf('330500000000'), query)).features))
      .toBe(total((await mapFeatures(db, scopeOf('330500000000'), query, { path: 'rows' })).features))
  })
})
