import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromWgs84 } from '../../../domain/map/crs.js'
import type { Db } from '../../db/database.js'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { placeRegionPositions } from './positions.js'

const WUXING = '330502000000'
const ZHILI = '330502100000'
const NANXUN_TOWN = '330503001000'
const HUZHOU_BOX = '119.2,30.3,120.5,31.2'

let app: FastifyInstance
let db: Db
let wuxing: Session
let city: Session
let nanxunTeam: number
let storage: number
let team: number

/** A small deterministic cloud of records written straight to the tables. */
async function addResource(kind: string, regionCode: string, name: string, lng: number | null, lat: number | null, extra: Record<string, unknown> = {}) {
  const row = await db.insertInto('resource').values({ kind, regionCode, name, lng, lat, confirmedAt: new Date(), ...extra }).returning('id').executeTakeFirstOrThrow()
  if (kind === 'team') await db.insertInto('team').values({ resourceId: row.id, level: 'township', teamType: 'grassroots', specialities: ['防汛抗旱'], headcount: 35 }).execute()
  if (kind === 'storage_point') await db.insertInto('storagePoint').values({ resourceId: row.id }).execute()
  if (kind === 'shelter') await db.insertInto('shelter').values({ resourceId: row.id, effectiveAreaM2: 1500, capacity: 1000 }).execute()
  return row.id
}

async function addSupply(regionCode: string, name: string, lng: number | null, lat: number | null, extra: Record<string, unknown> = {}) {
  const row = await db.insertInto('supply').values({ regionCode, classCode: '2000000', name, lng, lat, quantity: 10, unit: '艘', ...extra })
    .returning('id').executeTakeFirstOrThrow()
  return row.id
}

beforeAll(async () => {
  app = await testApp()
  db = app.db
  await placeRegionPositions(db, '3305')
  wuxing = await signIn(app, { role: 'county_manager', regionCode: WUXING })
  city = await signIn(app, { role: 'city_manager', regionCode: '330500000000' })
  const unit = await db.insertInto('unit').values({ regionCode: ZHILI, name: '织里镇应急站', kind: 'township_station' }).returning('id').executeTakeFirstOrThrow()
  const head = await db.insertInto('person').values({ regionCode: ZHILI, unitId: unit.id, name: '沈建华', post: '站长', mobile: '13857200002' }).returning('id').executeTakeFirstOrThrow()
  team = await addResource('team', ZHILI, '织里镇综合应急救援队', 120.2, 30.85, { responsiblePersonId: head.id })
  storage = await addResource('storage_point', ZHILI, '织里镇物资储备点', 120.21, 30.86)
  for (let i = 0; i < 25; i++) await addSupply(ZHILI, `储备点冲锋舟${i}`, 120.21, 30.86, { storagePointId: storage })
  // A grid of 40 records around 吴兴区 and 8 lines kept outside any storage point.
  for (let i = 0; i < 40; i++) {
    await addResource(i % 2 ? 'shelter' : 'team', ZHILI, `点位${i}`, 120.0 + (i % 8) * 0.03, 30.7 + Math.floor(i / 8) * 0.03)
  }
  for (let i = 0; i < 8; i++) await addSupply(ZHILI, `抽水泵${i}`, 120.05 + i * 0.02, 30.9, { condition: i < 3 ? 'repair' : 'good' })
  await addResource('team', ZHILI, '无位置队伍', null, null)
  await addResource('risk_point', ZHILI, '不在框内', 121.5, 29.5)
  nanxunTeam = await addResource('team', NANXUN_TOWN, '南浔镇救援队', 120.42, 30.87)
})
afterAll(async () => { await app.close() })

type Feature = { geometry: { coordinates: [number, number] }; properties: Record<string, any> }
async function features(s: Session, query: string): Promise<{ features: Feature[]; truncated?: boolean }> {
  const res = await s.request({ url: `/api/map/features?${query}` })
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}
const sum = (fs: Feature[]) => fs.reduce((n, f) => n + (f.properties.cluster ? f.properties.count : 1), 0)

describe('viewport features', () => {
  it('adds up to the filtered total at every zoom, clustered below 16 and never above', async () => {
    // 1 team + 1 storage point + 40 grid + 8 supplies in the box; the unplaced one, the one outside and 南浔 not.
    for (const zoom of [3, 6, 8, 10, 12, 14, 16, 18]) {
      const fc = await features(wuxing, `bbox=${HUZHOU_BOX}&zoom=${zoom}`)
      expect(sum(fc.features), `zoom ${zoom}`).toBe(50)
      if (zoom >= 16) expect(fc.features.every((f) => !f.properties.cluster)).toBe(true)
    }
    const low = await features(wuxing, `bbox=${HUZHOU_BOX}&zoom=6`)
    expect(low.features.length).toBeLessThan(5)
    const cluster = low.features.find((f) => f.properties.cluster)!
    expect(cluster.properties.byLayer).toMatchObject({ team: 21, shelter: 20, storage_point: 1, supply: 8 })
  })

  it('returns a cell holding one record as the record itself', async () => {
    const fc = await features(wuxing, `bbox=120.19,30.84,120.205,30.855&zoom=10`)
    expect(fc.features).toHaveLength(1)
    expect(fc.features[0].properties).toMatchObject({ id: team, layer: 'team', name: '织里镇综合应急救援队', kindLabel: '应急救援队伍', stale: false })
    expect(fc.features[0].geometry.coordinates).toEqual([120.2, 30.85])
  })

  it('filters by layer, class, condition, name and box', async () => {
    const shelters = await features(wuxing, `bbox=${HUZHOU_BOX}&zoom=18&layers=shelter`)
    expect(shelters.features.map((f) => f.properties.layer)).toEqual(Array(20).fill('shelter'))
    const repair = await features(wuxing, `bbox=${HUZHOU_BOX}&zoom=18&layers=supply,storage_point&condition=repair`)
    expect(repair.features.filter((f) => f.properties.layer === 'supply')).toHaveLength(3)
    expect(repair.features.some((f) => f.properties.layer === 'storage_point')).toBe(false)
    const boats = await features(wuxing, `bbox=${HUZHOU_BOX}&zoom=18&layers=storage_point&classCode=2000000`)
    expect(boats.features.map((f) => f.properties.id)).toEqual([storage])
    const named = await features(wuxing, `bbox=${HUZHOU_BOX}&zoom=18&q=${encodeURIComponent('综合应急')}`)
    expect(named.features.map((f) => f.properties.id)).toEqual([team])
    const small = await features(wuxing, `bbox=120.2,30.84,120.22,30.87&zoom=18`)
    expect(small.features.map((f) => f.properties.layer).sort()).toEqual(['storage_point', 'team'])
  })

  it('refuses bad layers and boxes with a Chinese message', async () => {
    const res = await wuxing.request({ url: `/api/map/features?bbox=${HUZHOU_BOX}&zoom=8&layers=unicorn` })
    expect(res.statusCode).toBe(400)
    expect(res.json().message).toContain('图层')
    const flipped = await wuxing.request({ url: `/api/map/features?bbox=120.5,30.3,119.2,31.2&zoom=8` })
    expect(flipped.statusCode).toBe(400)
  })

  it('never shows a sibling county, and 404s its point', async () => {
    const mine = await features(wuxing, `bbox=${HUZHOU_BOX}&zoom=18&layers=team`)
    expect(mine.features.some((f) => f.properties.id === nanxunTeam)).toBe(false)
    const theirs = await features(city, `bbox=${HUZHOU_BOX}&zoom=18&layers=team`)
    expect(theirs.features.some((f) => f.properties.id === nanxunTeam)).toBe(true)
    expect((await wuxing.request({ url: `/api/map/point/team/${nanxunTeam}` })).statusCode).toBe(404)
    expect((await wuxing.request({ url: `/api/map/features?bbox=${HUZHOU_BOX}&zoom=8&regionCode=330503000000` })).statusCode).toBe(403)
  })
})

describe('counts, popups, regions, config', () => {
  it('counts each layer with the records still to be placed', async () => {
    const res = await wuxing.request({ url: '/api/map/counts?layers=team,supply,risk_point' })
    expect(res.json().layers).toEqual([
      { layer: 'team', label: '应急救援队伍', total: 22, located: 21, unlocated: 1 },
      { layer: 'supply', label: '物资装备（储备点外）', total: 8, located: 8, unlocated: 0 },
      { layer: 'risk_point', label: '风险隐患点', total: 1, located: 1, unlocated: 0 },
    ])
  })

  it('shows a storage point with its lines and a team with its masked responsible person', async () => {
    const sp = (await wuxing.request({ url: `/api/map/point/storage_point/${storage}` })).json()
    expect(sp).toMatchObject({ name: '织里镇物资储备点', kindLabel: '储备点/储备库', suppliesTotal: 25, link: `/storage-points?id=${storage}` })
    expect(sp.supplies).toHaveLength(20)
    const t = (await wuxing.request({ url: `/api/map/point/team/${team}` })).json()
    expect(t.responsible).toEqual({ name: '沈建华', post: '站长', mobile: '138****0002' })
    expect(t.detail).toMatchObject({ headcount: 35 })
    expect(t.link).toBe(`/teams?id=${team}`)
  })

  it('lists placed child regions and refuses a sibling', async () => {
    const res = await wuxing.request({ url: '/api/map/regions' })
    expect(res.statusCode).toBe(200)
    expect(res.json().length).toBeGreaterThan(5)
    expect(res.json().every((r: { code: string }) => r.code.startsWith('330502'))).toBe(true)
    expect((await wuxing.request({ url: '/api/map/regions?regionCode=330503000000' })).statusCode).toBe(403)
  })

  it('offers 天地图 only with a key, and centres on the user region', async () => {
    const saved = process.env.SHOUWANG_TIANDITU_TK
    try {
      delete process.env.SHOUWANG_TIANDITU_TK
      const bare = (await wuxing.request({ url: '/api/map/config' })).json()
      expect(bare.basemaps.map((b: { key: string }) => b.key)).toEqual(['offline'])
      expect(bare.tiandituKey).toBeUndefined()
      const county = await db.selectFrom('region').select(['lng', 'lat']).where('code', '=', WUXING).executeTakeFirstOrThrow()
      expect(bare.center).toEqual([county.lng, county.lat])
      process.env.SHOUWANG_TIANDITU_TK = 'abc123'
      const withKey = (await wuxing.request({ url: '/api/map/config' })).json()
      expect(withKey.basemaps.map((b: { key: string }) => b.key)).toEqual(['offline', 'tdt-vec', 'tdt-img'])
      expect(withKey.tiandituKey).toBe('abc123')
    } finally {
      if (saved === undefined) delete process.env.SHOUWANG_TIANDITU_TK
      else process.env.SHOUWANG_TIANDITU_TK = saved
    }
  })
})

describe('location edits and export', () => {
  it('converts GCJ-02 to WGS84, checks the version and audits both positions', async () => {
    const wgs: [number, number] = [120.123456, 30.876543]
    const [lng, lat] = fromWgs84(wgs, 'GCJ02')
    const { version } = (await wuxing.request({ url: `/api/map/point/team/${team}` })).json()
    const res = await wuxing.request({ method: 'PUT', url: `/api/map/location/team/${team}`, payload: { lng, lat, crs: 'GCJ02', version } })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toEqual({ lng: wgs[0], lat: wgs[1], version: version + 1 })
    const again = await wuxing.request({ method: 'PUT', url: `/api/map/location/team/${team}`, payload: { lng, lat, crs: 'GCJ02', version } })
    expect(again.statusCode).toBe(409)
    const audit = await db.selectFrom('auditLog').select(['before', 'after', 'entity']).where('action', '=', 'map.location_changed').executeTakeFirstOrThrow()
    expect(audit).toMatchObject({ entity: 'resource', before: { lng: 120.2, lat: 30.85 }, after: { lng: wgs[0], lat: wgs[1] } })
  })

  it('refuses positions outside China, and records of the sibling county', async () => {
    const { version } = (await wuxing.request({ url: `/api/map/point/storage_point/${storage}` })).json()
    const swapped = await wuxing.request({ method: 'PUT', url: `/api/map/location/storage_point/${storage}`, payload: { lng: 30.8, lat: 120.1, crs: 'WGS84', version } })
    expect(swapped.statusCode).toBe(400)
    const sibling = await wuxing.request({ method: 'PUT', url: `/api/map/location/team/${nanxunTeam}`, payload: { lng: 120.4, lat: 30.8, crs: 'WGS84', version: 1 } })
    expect(sibling.statusCode).toBe(404)
  })

  it('exports the filtered points as a GeoJSON attachment, audited', async () => {
    const res = await wuxing.request({ url: `/api/map/export.geojson?layers=supply&bbox=${HUZHOU_BOX}` })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('application/geo+json')
    expect(res.headers['content-disposition']).toContain('attachment')
    const body = JSON.parse(res.body)
    expect(body.features).toHaveLength(8)
    expect(body.features.every((f: Feature) => !f.properties.cluster)).toBe(true)
    const audit = await db.selectFrom('auditLog').select('after').where('action', '=', 'map.exported').executeTakeFirstOrThrow()
    expect(audit.after).toMatchObject({ count: 8 })
  })
})
