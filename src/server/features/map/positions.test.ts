import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../db/database.js'
import { createTestDb } from '../../testing/test-app.js'
import { CITY_MEAN_NOTE, COUNTY_CENTRE_NOTE, countyCentre, placeDemoPositions, placeRegionPositions } from './positions.js'

const HUZHOU_COUNTIES = ['330502', '330503', '330521', '330522', '330523']
const inHuzhou = ([lng, lat]: [number, number]) => lng > 119.2 && lng < 120.5 && lat > 30.3 && lat < 31.2

let db: Db
let drop: () => Promise<void>
beforeAll(async () => { ({ db, drop } = await createTestDb()) })
afterAll(async () => { await drop() })

const positions = () => db.selectFrom('region').select(['code', 'level', 'lng', 'lat', 'positionSource', 'positionNote'])
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

  it('places every region of 湖州: counties and city imported from published data, townships and villages sketched nearby', async () => {
    await placeRegionPositions(db, '3305')
    const rows = await positions()
    expect(rows.every((r) => r.lng !== null && r.lat !== null)).toBe(true)
    const byCode = new Map(rows.map((r) => [r.code, r]))
    const county = byCode.get('330502000000')!
    expect([county.lng, county.lat]).toEqual(countyCentre('330502'))
    expect(county).toMatchObject({ positionSource: 'imported', positionNote: COUNTY_CENTRE_NOTE })
    const city = byCode.get('330500000000')!
    expect(city.lng).toBeCloseTo(HUZHOU_COUNTIES.reduce((s, c) => s + countyCentre(c)![0], 0) / 5, 6)
    expect(city).toMatchObject({ positionSource: 'imported', positionNote: CITY_MEAN_NOTE })
    for (const r of rows.filter((x) => x.level === 'township' || x.level === 'village')) {
      expect(r.positionSource).toBe('sketch')
      const parent = byCode.get(r.level === 'township' ? `${r.code.slice(0, 6)}000000` : `${r.code.slice(0, 9)}000`)
      if (!parent) continue
      const limit = r.level === 'township' ? 12 : 3
      expect(km([r.lng!, r.lat!], [parent.lng!, parent.lat!])).toBeLessThanOrEqual(limit + 0.01)
    }
    // Other cities are left alone.
    const yangzhou = await db.selectFrom('region').select('lng').where('code', '=', '321002000000').executeTakeFirstOrThrow()
    expect(yangzhou.lng).toBeNull()
  })

  it('is deterministic and keeps positions from every source but sketch', async () => {
    const before = await positions()
    const villages = before.filter((r) => r.level === 'village').slice(0, 3)
    const kept = [['imported', 120.1], ['manual', 120.2], ['survey', 120.3]] as const
    for (const [i, [source, lng]] of kept.entries()) {
      await db.updateTable('region').set({ lng, lat: 30.8, positionSource: source }).where('code', '=', villages[i].code).execute()
    }
    await placeRegionPositions(db, '3305')
    const after = await positions()
    const moved = new Set(villages.map((v) => v.code))
    expect(after.filter((r) => !moved.has(r.code))).toEqual(before.filter((r) => !moved.has(r.code)))
    for (const [i, [source, lng]] of kept.entries()) {
      expect(after.find((r) => r.code === villages[i].code)).toMatchObject({ lng, lat: 30.8, positionSource: source })
    }
  })

  it('keeps a source exactly where there is a position, whoever writes it', async () => {
    const [a, b] = (await positions()).filter((r) => r.level === 'village' && r.positionSource === 'sketch')
    const at = (code: string) => db.selectFrom('region').select(['lng', 'lat', 'positionSource', 'positionNote']).where('code', '=', code).executeTakeFirstOrThrow()
    await db.updateTable('region').set({ positionNote: '说明' }).where('code', '=', a.code).execute()
    await db.updateTable('region').set({ lng: null, lat: null }).where('code', '=', a.code).execute()
    expect(await at(a.code)).toEqual({ lng: null, lat: null, positionSource: null, positionNote: null })
    // Placed again by a writer that says nothing of sources: someone's work, not an invention.
    await db.updateTable('region').set({ lng: 120.05, lat: 30.85 }).where('code', '=', a.code).execute()
    expect((await at(a.code)).positionSource).toBe('manual')
    // Moved without a new source: the old one stays.
    await db.updateTable('region').set({ lng: 120.06 }).where('code', '=', b.code).execute()
    expect((await at(b.code)).positionSource).toBe('sketch')
    await expect(db.updateTable('region').set({ positionSource: 'guessed' }).where('code', '=', b.code).execute()).rejects.toThrow(/check/)
    await placeRegionPositions(db, '3305')
    expect((await at(a.code)).lng).toBe(120.05)
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
