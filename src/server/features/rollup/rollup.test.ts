import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import {
  addExpert, addRiskPoint, addShelter, addStoragePoint, addSupplier, addSupply, addTeam, daysAgo,
} from './test-factories.js'

const CITY = '330500000000' // 湖州市
const WUXING = '330502000000' // 吴兴区
const NANXUN = '330503000000' // 南浔区 (the sibling)
const YUEHE = '330502001000' // 月河街道
const FUXINGQIAO = '330502001005' // 浮星桥社区
const MAJUNXIANG = '330502001006' // 马军巷社区
const BALIDIAN = '330502101000' // 八里店镇
const BALIDIAN_VILLAGE = '330502101001' // 八里店社区
const NANXUN_TOWN = '330503001000' // 南浔镇

let app: FastifyInstance
let city: Session
let county: Session
let township: Session

type Child = { code: string; name: string; lines: number; equipmentLines: number; reported: boolean; byTopClass: Array<{ classCode: string; lines: number }> }

const child = (body: { children: Child[] }, code: string) => body.children.find((c) => c.code === code)
const get = async (s: Session, url: string) => {
  const res = await s.request({ url })
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

beforeAll(async () => {
  app = await testApp()
  const db = app.db
  // Supplies, hand-counted below.
  await addSupply(db, { regionCode: CITY, name: '冲锋舟', unit: '艘', quantity: 2, isEquipment: true })
  await addSupply(db, { regionCode: WUXING, name: '救生衣', quantity: 100 })
  await addSupply(db, { regionCode: WUXING, name: '帐篷', unit: '顶', quantity: 20, classCode: '1000000' })
  await addSupply(db, { regionCode: YUEHE, name: '救生衣', quantity: 50 })
  await addSupply(db, { regionCode: YUEHE, name: '编织袋', unit: '条', quantity: 1000, classCode: '3000000' })
  await addSupply(db, { regionCode: FUXINGQIAO, name: '救生衣', quantity: 30 })
  await addSupply(db, { regionCode: FUXINGQIAO, name: '救生衣', unit: '套', quantity: 5 })
  await addSupply(db, { regionCode: BALIDIAN_VILLAGE, name: '发电机', unit: '台', quantity: 1, isEquipment: true, condition: 'repair' })
  await addSupply(db, { regionCode: NANXUN_TOWN, name: '救生衣', quantity: 999 })

  // Resources.
  await addTeam(db, { regionCode: WUXING, level: 'county', headcount: 50, confirmedAt: null })
  await addTeam(db, { regionCode: YUEHE, level: 'township', headcount: 25 })
  await addTeam(db, { regionCode: YUEHE, level: 'township', headcount: 40, status: 'inactive' })
  await addTeam(db, { regionCode: FUXINGQIAO, level: 'village', headcount: 12, confirmedAt: daysAgo(400) })
  await addShelter(db, { regionCode: YUEHE, capacity: 300 })
  await addShelter(db, { regionCode: BALIDIAN, capacity: 120 })
  await addRiskPoint(db, { regionCode: FUXINGQIAO, level: 'general' })
  await addRiskPoint(db, { regionCode: BALIDIAN_VILLAGE, level: 'major' })
  await addRiskPoint(db, { regionCode: BALIDIAN_VILLAGE, level: 'major', state: 'eliminated' })
  await addExpert(db, { regionCode: WUXING })
  await addStoragePoint(db, { regionCode: FUXINGQIAO })
  await addSupplier(db, { regionCode: CITY })
  await addTeam(db, { regionCode: NANXUN_TOWN, level: 'township', headcount: 300 })

  city = await signIn(app, { role: 'city_manager', regionCode: CITY })
  county = await signIn(app, { role: 'viewer', regionCode: WUXING })
  township = await signIn(app, { role: 'township_manager', regionCode: YUEHE })
})
afterAll(async () => { await app.close() })

describe('supply roll-up', () => {
  it('adds up a city by county, with the city’s own rows as 本级 and empty counties listed', async () => {
    const body = await get(city, '/api/rollup/supplies')
    expect(body.region).toEqual({ code: CITY, name: '湖州市', fullName: '湖州市', level: 'city' })
    expect(body.children.map((c: Child) => [c.code, c.name, c.lines, c.equipmentLines, c.reported])).toEqual([
      [CITY, '本级', 1, 1, true],
      [WUXING, '吴兴区', 7, 1, true],
      [NANXUN, '南浔区', 1, 0, true],
      ['330521000000', '德清县', 0, 0, false],
      ['330522000000', '长兴县', 0, 0, false],
      ['330523000000', '安吉县', 0, 0, false],
    ])
    expect(child(body, WUXING)!.byTopClass).toEqual([
      { classCode: '1000000', className: '基本生活保障物资', lines: 1 },
      { classCode: '2000000', className: '应急装备及配套物资', lines: 5 },
      { classCode: '3000000', className: '工程材料与机械加工设备', lines: 1 },
      { classCode: '9000000', className: '其他应急物资（收容类目）', lines: 0 },
    ])
    expect(body.total.lines).toBe(9)
    expect(body.total.equipmentLines).toBe(2)
    expect(body.total.byTopClass.map((c: { lines: number }) => c.lines)).toEqual([1, 7, 1, 0])
  })

  it('never adds quantities of different units', async () => {
    const body = await get(city, '/api/rollup/supplies')
    const byUnit = Object.fromEntries(body.total.quantityByUnit.map((u: { unit: string; quantity: number }) => [u.unit, u.quantity]))
    expect(byUnit).toEqual({ 件: 1179, 套: 5, 顶: 20, 条: 1000, 艘: 2, 台: 1 })
    expect(body.total.quantityByUnit[0]).toEqual({ unit: '件', quantity: 1179 }) // most lines first
    expect(body.byName[0]).toEqual({ name: '救生衣', unit: '件', quantity: 1179, lines: 4 })
    expect(body.byName).toContainEqual({ name: '救生衣', unit: '套', quantity: 5, lines: 1 })
  })

  it('drills down: a county by township, a township by village', async () => {
    const wuxing = await get(county, '/api/rollup/supplies')
    expect(wuxing.region.code).toBe(WUXING)
    expect(wuxing.children[0]).toMatchObject({ code: WUXING, name: '本级', lines: 2 })
    expect(child(wuxing, YUEHE)).toMatchObject({ name: '月河街道', lines: 4, reported: true })
    expect(child(wuxing, BALIDIAN)).toMatchObject({ name: '八里店镇', lines: 1, equipmentLines: 1 })
    expect(child(wuxing, '330502102000')).toMatchObject({ name: '妙西镇', lines: 0, reported: false })
    expect(wuxing.children.filter((c: Child) => c.code !== WUXING)).toHaveLength(19) // every township of 吴兴区
    expect(wuxing.total.lines).toBe(7)
    expect(wuxing.total.quantityByUnit).toContainEqual({ unit: '件', quantity: 180 })

    const yuehe = await get(county, `/api/rollup/supplies?regionCode=${YUEHE}`)
    expect(yuehe.children[0]).toMatchObject({ code: YUEHE, name: '本级', lines: 2 })
    expect(child(yuehe, FUXINGQIAO)).toMatchObject({ name: '浮星桥社区居委会', lines: 2 })
    expect(child(yuehe, MAJUNXIANG)).toMatchObject({ lines: 0, reported: false })
    expect(yuehe.total.lines).toBe(4)

    const village = await get(township, `/api/rollup/supplies?regionCode=${FUXINGQIAO}`)
    expect(village.children).toEqual([expect.objectContaining({ code: FUXINGQIAO, name: '本级', lines: 2 })])
  })

  it('leaves 本级 out when nothing is registered at the region itself', async () => {
    const body = await get(city, `/api/rollup/supplies?regionCode=${BALIDIAN}`)
    expect(body.children.some((c: Child) => c.name === '本级')).toBe(false)
    expect(child(body, BALIDIAN_VILLAGE)).toMatchObject({ lines: 1 })
  })

  it('filters by class, equipment and condition, yet still tells who has reported at all', async () => {
    const tents = await get(county, '/api/rollup/supplies?classCode=1000000')
    expect(tents.total.lines).toBe(1)
    expect(child(tents, YUEHE)).toMatchObject({ lines: 0, reported: true })
    expect(tents.byName).toEqual([{ name: '帐篷', unit: '顶', quantity: 20, lines: 1 }])

    const equipment = await get(city, '/api/rollup/supplies?isEquipment=true')
    expect(equipment.total).toMatchObject({ lines: 2, equipmentLines: 2 })
    expect(equipment.total.quantityByUnit).toEqual(expect.arrayContaining([{ unit: '艘', quantity: 2 }, { unit: '台', quantity: 1 }]))

    const repair = await get(city, '/api/rollup/supplies?condition=repair')
    expect(repair.total.lines).toBe(1)
    expect(child(repair, WUXING)!.lines).toBe(1)
  })

  it('keeps a county user out of the city and the sibling county, and never counts the sibling', async () => {
    for (const code of [CITY, NANXUN, NANXUN_TOWN]) {
      const res = await county.request({ url: `/api/rollup/supplies?regionCode=${code}` })
      expect(res.statusCode).toBe(403)
      expect(res.json().code).toBe('OUT_OF_JURISDICTION')
    }
    const own = await get(county, '/api/rollup/supplies')
    expect(JSON.stringify(own)).not.toContain('999')
    expect(own.children.some((c: Child) => c.code.startsWith('330503'))).toBe(false)
    const missing = await city.request({ url: '/api/rollup/supplies?regionCode=330599000000' })
    expect(missing.statusCode).toBe(404)
  })

  it('refuses bad input with a 400', async () => {
    expect((await county.request({ url: '/api/rollup/supplies?regionCode=3305' })).statusCode).toBe(400)
    expect((await county.request({ url: '/api/rollup/supplies?condition=broken' })).statusCode).toBe(400)
    expect((await county.request({ url: '/api/rollup/supplies?classCode=12' })).statusCode).toBe(400)
  })
})

describe('resource roll-up', () => {
  it('counts records in use by kind, headcount, capacity, open risks and stale records per child', async () => {
    const body = await get(city, '/api/rollup/resources')
    const wuxing = child(body, WUXING) as any
    expect(wuxing.counts).toEqual({ team: 3, expert: 1, storage_point: 1, shelter: 2, risk_point: 3, supplier: 0 })
    expect(wuxing.teamHeadcount).toBe(50 + 25 + 12)
    expect(wuxing.shelterCapacity).toBe(420)
    expect(wuxing.riskPoints).toEqual({ general: 1, major: 1 }) // the eliminated one is listed, not open
    expect(wuxing.stale).toBe(2) // never confirmed, confirmed 400 days ago
    expect(wuxing.records).toBe(10)
    expect(child(body, CITY)).toMatchObject({ name: '本级', counts: expect.objectContaining({ supplier: 1 }) })
    expect(child(body, '330521000000')).toMatchObject({ records: 0, reported: false })
    expect(body.total.counts.team).toBe(4)
    expect(body.total.teamHeadcount).toBe(387)
  })

  it('drills into a county without the sibling', async () => {
    const body = await get(county, '/api/rollup/resources')
    expect(body.total.counts.team).toBe(3)
    expect(child(body, WUXING)).toMatchObject({ name: '本级', records: 2 })
    expect(child(body, YUEHE)).toMatchObject({ records: 5, teamHeadcount: 37, shelterCapacity: 300 })
    expect((await county.request({ url: `/api/rollup/resources?regionCode=${NANXUN}` })).statusCode).toBe(403)
  })
})
