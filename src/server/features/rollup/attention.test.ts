import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { addAgreement, addDays, addRiskPoint, addSupplier, addSupply, addTeam, daysAgo } from './test-factories.js'
import { chinaToday } from '../../../domain/calendar.js'

const WUXING = '330502000000'
const YUEHE = '330502001000'
const FUXINGQIAO = '330502001005'
const NANXUN_TOWN = '330503001000'

let app: FastifyInstance
let county: Session
const today = chinaToday()

const get = async (s: Session, url: string) => {
  const res = await s.request({ url })
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

beforeAll(async () => {
  app = await testApp()
  const db = app.db
  await addSupply(db, { regionCode: YUEHE, name: '压缩饼干', unit: '箱', quantity: 10, classCode: '1000000', expiresOn: addDays(today, 10) })
  await addSupply(db, { regionCode: YUEHE, name: '矿泉水', unit: '箱', quantity: 10, classCode: '1000000', expiresOn: addDays(today, 40) })
  await addSupply(db, { regionCode: FUXINGQIAO, name: '方便面', unit: '箱', quantity: 3, classCode: '1000000', expiresOn: addDays(today, -5) })
  // Nothing left, or written off: no longer a concern when it expires.
  await addSupply(db, { regionCode: FUXINGQIAO, name: '药箱', quantity: 0, expiresOn: addDays(today, 3) })
  await addSupply(db, { regionCode: FUXINGQIAO, name: '灭火器', quantity: 4, condition: 'scrapped', expiresOn: addDays(today, -30) })
  await addSupply(db, { regionCode: WUXING, name: '发电机', unit: '台', quantity: 2, isEquipment: true, condition: 'repair', maintainedOn: addDays(today, -100), maintenanceCycleDays: 90 })
  await addSupply(db, { regionCode: WUXING, name: '水泵', unit: '台', quantity: 1, isEquipment: true, maintainedOn: addDays(today, -10), maintenanceCycleDays: 90 })
  await addSupply(db, { regionCode: WUXING, name: '油锯', unit: '台', quantity: 1, isEquipment: true, maintenanceCycleDays: 180, confirmedAt: null })

  const supplier = await addSupplier(db, { regionCode: WUXING, name: '吴兴粮油公司' })
  await addAgreement(db, { supplierId: supplier, regionCode: WUXING, itemName: '大米', endsOn: addDays(today, 20) })
  await addAgreement(db, { supplierId: supplier, regionCode: WUXING, itemName: '食用油', endsOn: addDays(today, -3) })
  await addAgreement(db, { supplierId: supplier, regionCode: WUXING, itemName: '饮用水', endsOn: addDays(today, 100) })

  await addTeam(db, { regionCode: YUEHE, name: '月河街道综合救援队', level: 'township', headcount: 20, insured: false })
  await addTeam(db, { regionCode: FUXINGQIAO, level: 'village', headcount: 12, insured: true, insuranceUntil: addDays(today, -1) })
  await addTeam(db, { regionCode: WUXING, level: 'county', headcount: 5, insured: true, insuranceUntil: addDays(today, 200) })
  await addRiskPoint(db, { regionCode: YUEHE, level: 'general', confirmedAt: daysAgo(365) })

  // The sibling county has every kind of trouble; none of it may be counted.
  await addSupply(db, { regionCode: NANXUN_TOWN, name: '过期饼干', quantity: 9, expiresOn: addDays(today, -1), condition: 'repair', confirmedAt: null })
  await addTeam(db, { regionCode: NANXUN_TOWN, level: 'township', headcount: 3, insured: false, confirmedAt: null })

  county = await signIn(app, { role: 'duty', regionCode: WUXING })
})
afterAll(async () => { await app.close() })

describe('attention', () => {
  it('counts what needs attention within the window', async () => {
    const body = await get(county, '/api/rollup/attention?days=30')
    expect(body.counts).toEqual({
      expiringSupplies: 1, expiredSupplies: 1, repair: 1, scrapped: 1, maintenanceDue: 2,
      agreementsEnding: 1, agreementsEnded: 1, teamsUninsured: 2, teamsBelowMinimum: 1,
      stale: 2, // the 油锯 never confirmed, the risk point confirmed a year ago
    })
  })

  it('lists the items, earliest first, with days left', async () => {
    const body = await get(county, '/api/rollup/attention')
    expect(body.lists.expiring.map((s: { name: string; daysLeft: number }) => [s.name, s.daysLeft])).toEqual([['方便面', -5], ['压缩饼干', 10]])
    expect(body.lists.expiring[1]).toMatchObject({ regionName: '湖州市吴兴区月河街道', quantity: 10, unit: '箱', expiresOn: addDays(today, 10) })
    expect(body.lists.repair).toEqual([expect.objectContaining({ name: '发电机', quantity: 2, unit: '台', isEquipment: true })])
    expect(body.lists.agreementsEnding.map((a: { itemName: string; daysLeft: number; supplierName: string }) => [a.itemName, a.daysLeft, a.supplierName]))
      .toEqual([['食用油', -3, '吴兴粮油公司'], ['大米', 20, '吴兴粮油公司']])
    expect(body.lists.teamsBelowMinimum).toEqual([expect.objectContaining({ name: '月河街道综合救援队', level: 'township', headcount: 20, minimum: 30 })])
  })

  it('widens with the window', async () => {
    const body = await get(county, '/api/rollup/attention?days=60')
    expect(body.counts.expiringSupplies).toBe(2)
    expect(body.counts.agreementsEnding).toBe(1)
    expect((await get(county, '/api/rollup/attention?days=120')).counts.agreementsEnding).toBe(2)
  })

  it('narrows to one township and refuses the sibling', async () => {
    const body = await get(county, `/api/rollup/attention?regionCode=${FUXINGQIAO}`)
    expect(body.counts).toMatchObject({ expiringSupplies: 0, expiredSupplies: 1, scrapped: 1, teamsUninsured: 1, agreementsEnding: 0 })
    expect((await county.request({ url: `/api/rollup/attention?regionCode=${NANXUN_TOWN}` })).statusCode).toBe(403)
    expect((await county.request({ url: '/api/rollup/attention?days=0' })).statusCode).toBe(400)
  })
})

describe('freshness', () => {
  it('counts stale records per kind and per child by the configured number of days', async () => {
    await app.db.updateTable('setting').set({ value: '300' }).where('key', '=', 'resources.freshness_days').execute()
    let body = await get(county, '/api/rollup/freshness')
    expect(body.freshnessDays).toBe(300)
    // 8 supply lines, 3 teams, a supplier and a risk point in 吴兴区; stale: the never-confirmed 油锯 and the year-old risk point.
    expect(body.total).toEqual({ records: 13, stale: 2 })
    expect(body.byKind.find((k: { kind: string }) => k.kind === 'supply')).toEqual({ kind: 'supply', label: '应急物资装备', records: 8, stale: 1 })
    expect(body.byKind.find((k: { kind: string }) => k.kind === 'risk_point')).toMatchObject({ label: '风险隐患点', records: 1, stale: 1 })
    expect(body.children.find((c: { code: string }) => c.code === YUEHE)).toMatchObject({ name: '月河街道', records: 8, stale: 1 })
    expect(body.children[0]).toMatchObject({ code: WUXING, name: '本级', records: 5, stale: 1 })

    await app.db.updateTable('setting').set({ value: '400' }).where('key', '=', 'resources.freshness_days').execute()
    body = await get(county, '/api/rollup/freshness')
    expect(body.total).toEqual({ records: 13, stale: 1 })
    expect((await county.request({ url: `/api/rollup/freshness?regionCode=${NANXUN_TOWN}` })).statusCode).toBe(403)
  })
})
