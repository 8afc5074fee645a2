import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../db/database.js'
import { createTestDb } from '../../testing/test-app.js'
import { countyCentre, placeDemoPositions, placeRegionPositions } from './positions.js'

const HUZHOU_COUNTIES = ['330502', '330503', '330521', '330522', '330523']
const inHuzhou = ([lng, lat]: [number, number]) => lng > 119.2 && lng < 120.5 && lat > 30.3 && lat < 31.2

let db: Db
let drop: () => Promise<void>
beforeAll(async () => { ({ db, drop } = await createTestDb()) })
afterAll(async () => { await drop() })

const positions = () => db.selectFrom('region').select(['code', 'level', 'lng', 'lat', 'positionSynthetic'])
  .where('code', 'like', '3305%').orderBy('code').execute()

/** Great-circle distance in km, for checking the scatter radius. */
function km(a: [number, number], b: [number, number]): number {
  const rad = Math.PI / 180
  const dLat = (b[1] - a[1]) * rad
  const dLng = (b[0] - a[0]) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLng / 2) ** 2
  return 2 * 6371 * Math.asin(Math.sqrt(h))
}

describe('region positions', () => {
  it('has real centres for the five counties of 湖州, inside 湖州', () => {
    for (const c of HUZHOU_COUNTIES) {
      const at = countyCentre(c)
      expect(at, c).not.toBeNull()
      expect(inHuzhou(at!), c).toBe(true)
    }
  })

  it('places every region of 湖州: counties real, city their mean, townships and villages synthetic nearby', async () => {
    await placeRegionPositions(db, '3305')
    const rows = await positions()
    expect(rows.every((r) => r.lng !== null && r.lat !== null)).toBe(true)
    const byCode = new Map(rows.map((r) => [r.code, r]))
    const county = byCode.get('330502000000')!
    expect([county.lng, county.lat]).toEqual(countyCentre('330502'))
    expect(county.positionSynthetic).toBe(false)
    const city = byCode.get('330500000000')!
    expect(city.lng).toBeCloseTo(HUZHOU_COUNTIES.reduce((s, c) => s + countyCentre(c)![0], 0) / 5, 6)
    for (const r of rows.filter((x) => x.level === 'township' || x.level === 'village')) {
      expect(r.positionSynthetic).toBe(true)
      const parent = byCode.get(r.level === 'township' ? `${r.code.slice(0, 6)}000000` : `${r.code.slice(0, 9)}000`)
      if (!parent) continue
      const limit = r.level === 'township' ? 12 : 3
      expect(km([r.lng!, r.lat!], [parent.lng!, parent.lat!])).toBeLessThanOrEqual(limit + 0.01)
    }
    // Other cities are left alone.
    const yangzhou = await db.selectFrom('region').select('lng').where('code', '=', '321002000000').executeTakeFirstOrThrow()
    expect(yangzhou.lng).toBeNull()
  })

  it('is deterministic and keeps positions that were surveyed', async () => {
    const before = await positions()
    const village = before.find((r) => r.level === 'village')!
    await db.updateTable('region').set({ lng: 120.1, lat: 30.8, positionSynthetic: false }).where('code', '=', village.code).execute()
    await placeRegionPositions(db, '3305')
    const after = await positions()
    expect(after.filter((r) => r.code !== village.code)).toEqual(before.filter((r) => r.code !== village.code))
    expect(after.find((r) => r.code === village.code)).toMatchObject({ lng: 120.1, lat: 30.8 })
  })

  it('places demo records near their region and never moves other records', async () => {
    const township = (await positions()).find((r) => r.level === 'township')!
    const insert = (name: string, isDemo: boolean, lng: number | null = null) => db.insertInto('resource')
      .values({ kind: 'storage_point', regionCode: township.code, name, isDemo, lng, lat: lng === null ? null : 30.5 })
      .returning('id').executeTakeFirstOrThrow()
    const demo = await insert('演示储备点', true)
    const real = await insert('真实储备点', false)
    const placed = await insert('已定位演示点', true, 119.9)
    const line = await db.insertInto('supply').values({ regionCode: township.code, classCode: '1000000', name: '救生衣', isDemo: true, storagePointId: demo.id })
      .returning('id').executeTakeFirstOrThrow()
    await placeDemoPositions(db, '330500000000')
    const rows = await db.selectFrom('resource').select(['id', 'lng', 'lat']).orderBy('id').execute()
    const at = (id: number) => rows.find((r) => r.id === id)!
    expect(km([at(demo.id).lng!, at(demo.id).lat!], [township.lng!, township.lat!])).toBeLessThanOrEqual(3.01)
    expect(at(real.id).lng).toBeNull()
    expect(at(placed.id)).toMatchObject({ lng: 119.9, lat: 30.5 })
    const supply = await db.selectFrom('supply').select(['lng', 'lat']).where('id', '=', line.id).executeTakeFirstOrThrow()
    expect(supply).toEqual({ lng: at(demo.id).lng, lat: at(demo.id).lat })
  })
})
