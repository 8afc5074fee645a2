import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromWgs84 } from '../../../domain/map/crs.js'
import type { Db } from '../../db/database.js'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { placeDemoPositions, placeRegionPositions } from './positions.js'

/**
 * Region positions by hand and by source: marking one (人工标注, audited), the list and counts by
 * source, the count of sketch villages inside a shape, and where each source of a resource's
 * position comes from.
 */

const WUXING = '330502000000'
const ZHILI_TOWN = '330502100000'
const HEXI = '330502100216' // 织里镇河西村委会
const SHENGSHE = '330502100255' // 织里镇晟舍村委会
const NANXUN_VILLAGE = '330503001201'

let app: FastifyInstance
let db: Db
let wuxing: Session

beforeAll(async () => {
  app = await testApp()
  db = app.db
  await placeRegionPositions(db, '3305')
  wuxing = await signIn(app, { role: 'county_manager', regionCode: WUXING })
})
afterAll(async () => { await app.close() })

const region = (code: string) => db.selectFrom('region').select(['lng', 'lat', 'positionSource', 'positionNote']).where('code', '=', code).executeTakeFirstOrThrow()
const put = (s: Session, code: string, payload: object) => s.request({ method: 'PUT', url: `/api/map/positions/${code}`, payload })

describe('marking a region position by hand', () => {
  it('converts to WGS84, stores it as 人工标注 with the note, and audits both positions', async () => {
    const before = await region(HEXI)
    const at: [number, number] = [120.1357, 30.8765]
    const [lng, lat] = fromWgs84(at, 'GCJ02')
    const res = await put(wuxing, HEXI, { lng, lat, crs: 'GCJ02', note: '村委会大楼' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ code: HEXI, positionSource: 'manual', positionNote: '村委会大楼' })
    const stored = await region(HEXI)
    expect(stored.positionSource).toBe('manual')
    expect(stored.lng!).toBeCloseTo(at[0], 6)
    expect(stored.lat!).toBeCloseTo(at[1], 6)
    const audit = await db.selectFrom('auditLog').select(['entity', 'entityId', 'regionCode', 'before', 'after'])
      .where('action', '=', 'region.position_set').executeTakeFirstOrThrow()
    expect(audit).toMatchObject({ entity: 'region', entityId: HEXI, regionCode: HEXI })
    expect(audit.before).toEqual({ lng: before.lng, lat: before.lat, source: 'sketch', note: null })
    expect(audit.after).toMatchObject({ source: 'manual', note: '村委会大楼', entered: { lng, lat, crs: 'GCJ02' } })
  })

  it('refuses a region outside the jurisdiction (audited as a refusal) and a village marking its neighbour', async () => {
    const before = await region(NANXUN_VILLAGE)
    const res = await put(wuxing, NANXUN_VILLAGE, { lng: 120.4, lat: 30.9, crs: 'WGS84' })
    expect(res.statusCode).toBe(403)
    expect(res.json()).toMatchObject({ code: 'OUT_OF_JURISDICTION', message: `区划“${NANXUN_VILLAGE}”不在您的辖区内` })
    expect(await region(NANXUN_VILLAGE)).toEqual(before)
    const refusal = await db.selectFrom('auditLog').select('after').where('action', '=', 'refused.jurisdiction').orderBy('id', 'desc').executeTakeFirst()
    expect(JSON.stringify(refusal?.after)).toContain(NANXUN_VILLAGE)

    const village = await signIn(app, { role: 'village_manager', regionCode: SHENGSHE })
    expect((await put(village, HEXI, { lng: 120.1, lat: 30.8, crs: 'WGS84' })).statusCode).toBe(403)
    expect((await put(village, SHENGSHE, { lng: 120.125, lat: 30.872, crs: 'WGS84' })).statusCode).toBe(200)
  })

  it('refuses points outside China and swapped axes, in Chinese, and a viewer altogether', async () => {
    const res = await put(wuxing, HEXI, { lng: 30.8, lat: 120.1, crs: 'WGS84' })
    expect(res.statusCode).toBe(400)
    const swapped = await put(wuxing, HEXI, { lng: 30.8, lat: 80.1, crs: 'WGS84' })
    expect(swapped.json().message).toMatch(/不在我国范围内/)
    const viewer = await signIn(app, { role: 'viewer', regionCode: WUXING })
    expect((await put(viewer, HEXI, { lng: 120.1, lat: 30.8, crs: 'WGS84' })).statusCode).toBe(403)
  })
})

describe('positions by source', () => {
  it('lists regions with their source and filters by it', async () => {
    const manual = await wuxing.request({ url: `/api/map/positions?source=manual&pageSize=200` })
    expect(manual.statusCode).toBe(200)
    expect(manual.json().items.map((r: { code: string }) => r.code).sort()).toEqual([HEXI, SHENGSHE])
    const sketch = (await wuxing.request({ url: `/api/map/positions?regionCode=${ZHILI_TOWN}&level=village&source=sketch&pageSize=5` })).json()
    expect(sketch.items).toHaveLength(5)
    expect(sketch.items.every((r: { positionSource: string; code: string }) => r.positionSource === 'sketch' && r.code.startsWith('330502100'))).toBe(true)
    expect((await wuxing.request({ url: `/api/map/positions?regionCode=330503000000` })).statusCode).toBe(403)
  })

  it('counts positions by source per level', async () => {
    const res = await wuxing.request({ url: '/api/map/positions/summary' })
    expect(res.statusCode).toBe(200)
    const village = res.json().levels.find((l: { level: string }) => l.level === 'village')
    const { n } = await db.selectFrom('region').select((eb) => eb.fn.countAll<number>().as('n')).where('code', 'like', '330502%').where('level', '=', 'village').executeTakeFirstOrThrow()
    expect(village).toMatchObject({ total: Number(n), manual: 2, sketch: Number(n) - 2, none: 0 })
    expect(res.json().levels.map((l: { level: string }) => l.level)).toEqual(['township', 'village'])
  })

  it('marks sketch positions on the map markers and counts sketch villages inside a circle or polygon', async () => {
    const markers = (await wuxing.request({ url: `/api/map/regions?regionCode=${ZHILI_TOWN}` })).json()
    expect(markers.find((m: { code: string }) => m.code === HEXI).positionSource).toBe('manual')
    expect(markers.filter((m: { positionSource: string }) => m.positionSource === 'sketch').length).toBe(markers.length - 2)

    const zhili = await region(ZHILI_TOWN)
    const count = (payload: object) => wuxing.request({ method: 'POST', url: '/api/map/positions/sketch-count', payload: { regionCode: WUXING, ...payload } })
    // 织里镇's villages lie within 3 km of its position, 河西 and 晟舍 were marked by hand near 120.13, 30.87.
    const villages = await db.selectFrom('region').select('code').where('parentCode', '=', ZHILI_TOWN).execute()
    const wide = await count({ circles: [{ lat: zhili.lat, lng: zhili.lng, radiusKm: 3.01 }, { lat: 30.87, lng: 120.13, radiusKm: 5 }] })
    expect(wide.statusCode, wide.body).toBe(200)
    expect(wide.json().villages).toBeGreaterThanOrEqual(villages.length)
    expect(wide.json().sketchVillages).toBe(wide.json().villages - 2)
    // A small square around the two marked villages only.
    const box = (lng: number, lat: number, d: number) => [[lat - d, lng - d], [lat - d, lng + d], [lat + d, lng + d], [lat + d, lng - d], [lat - d, lng - d]]
    const hexi = await region(HEXI)
    const none = await count({ polygons: [box(hexi.lng!, hexi.lat!, 0.0005)] })
    expect(none.json()).toEqual({ villages: 1, sketchVillages: 0 })
    expect((await count({})).json()).toEqual({ villages: 0, sketchVillages: 0 })
    const foreign = await wuxing.request({ method: 'POST', url: '/api/map/positions/sketch-count', payload: { regionCode: '330503000000', circles: [{ lat: 30.87, lng: 120.42, radiusKm: 20 }] } })
    expect(foreign.statusCode).toBe(403)
  })
})

describe('the source of a resource position', () => {
  it('is sketch for placed demo records, manual for typed ones, imported for ledger rows, manual once moved on the map', async () => {
    const insert = (name: string, extra: Record<string, unknown>) => db.insertInto('resource')
      .values({ kind: 'storage_point', regionCode: ZHILI_TOWN, name, ...extra }).returning(['id', 'positionSource']).executeTakeFirstOrThrow()
    const typed = await insert('手填储备点', { lng: 120.2, lat: 30.85 })
    const imported = await insert('台账储备点', { lng: 120.2, lat: 30.85, importKey: 'storage|台账储备点' })
    const demo = await insert('演示储备点', { isDemo: true })
    const none = await insert('无位置储备点', {})
    expect([typed.positionSource, imported.positionSource, none.positionSource]).toEqual(['manual', 'imported', null])
    await db.insertInto('storagePoint').values({ resourceId: typed.id }).execute()
    await placeDemoPositions(db, '330500000000')
    const source = async (id: number) => (await db.selectFrom('resource').select('positionSource').where('id', '=', id).executeTakeFirstOrThrow()).positionSource
    expect(await source(demo.id)).toBe('sketch')
    // An edit that leaves the position keeps its source; a new position without one is someone's work.
    await db.updateTable('resource').set({ name: '台账储备点（改）' }).where('id', '=', imported.id).execute()
    expect(await source(imported.id)).toBe('imported')
    await db.updateTable('resource').set({ lng: 120.21 }).where('id', '=', imported.id).execute()
    expect(await source(imported.id)).toBe('manual')
    await db.updateTable('resource').set({ lng: null, lat: null }).where('id', '=', demo.id).execute()
    expect(await source(demo.id)).toBeNull()

    const { version } = await db.selectFrom('resource').select('version').where('id', '=', typed.id).executeTakeFirstOrThrow()
    await db.updateTable('resource').set({ positionSource: 'sketch' }).where('id', '=', typed.id).execute()
    const moved = await wuxing.request({ method: 'PUT', url: `/api/map/location/storage_point/${typed.id}`, payload: { lng: 120.22, lat: 30.86, crs: 'WGS84', version } })
    expect(moved.statusCode, moved.body).toBe(200)
    expect(await source(typed.id)).toBe('manual')
    const popup = (await wuxing.request({ url: `/api/map/point/storage_point/${typed.id}` })).json()
    expect(popup.positionSource).toBe('manual')
    const audit = await db.selectFrom('auditLog').select(['before', 'after']).where('action', '=', 'map.location_changed').orderBy('id', 'desc').executeTakeFirstOrThrow()
    expect(audit.before).toMatchObject({ source: 'sketch' })
    expect(audit.after).toMatchObject({ source: 'manual' })
  })
})
