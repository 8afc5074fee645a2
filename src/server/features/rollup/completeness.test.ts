import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import {
  addLeadingGroup, addPerson, addShelter, addStoragePoint, addSupply, addTeam, addUnit,
} from './test-factories.js'

const WUXING = '330502000000' // 吴兴区: 19 townships
const YUEHE = '330502001000' // 月河街道
const FUXINGQIAO = '330502001005' // 浮星桥社区
const MAJUNXIANG = '330502001006' // 马军巷社区
const JISHAN = '330502001007' // 吉山一村社区
const BALIDIAN = '330502101000' // 八里店镇
const BALIDIAN_VILLAGE = '330502101001'
const NANXUN_TOWN = '330503001000' // 南浔镇 (sibling county)

let app: FastifyInstance
let county: Session
let township: Session

type Row = {
  code: string; name: string; parentName: string; missing: string[]; reported: boolean; teamHeadcount: number | null
  teamMeetsMinimum: boolean; hasHead: boolean; hasLiaison: boolean; informants: number; supplyLines: number
  indicators: Array<{ key: string; label: string; ok: boolean | null; note: string }>
}

const get = async (s: Session, url: string) => {
  const res = await s.request({ url })
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}
const row = (body: { items: Row[] }, code: string) => body.items.find((r) => r.code === code)!

beforeAll(async () => {
  app = await testApp()
  const db = app.db

  // 月河街道: organised, but a 25-person team and one information officer.
  const station = await addUnit(db, { regionCode: YUEHE, kind: 'township_station', name: '月河街道应急管理站' })
  await addLeadingGroup(db, { regionCode: YUEHE })
  await addTeam(db, { regionCode: YUEHE, level: 'township', headcount: 25 })
  await addPerson(db, { regionCode: YUEHE, unitId: station, roles: ['head'] })
  await addPerson(db, { regionCode: YUEHE, unitId: station, roles: ['liaison', 'informant'] })
  await addSupply(db, { regionCode: YUEHE, name: '救生衣', quantity: 10 })

  // 八里店镇: everything in place. The station sits in a village, one informant is registered in
  // a village but belongs to the township's station, the big team is the one that counts.
  await addUnit(db, { regionCode: BALIDIAN_VILLAGE, kind: 'township_station' })
  const balidianOffice = await addUnit(db, { regionCode: BALIDIAN, kind: 'government' })
  await addLeadingGroup(db, { regionCode: BALIDIAN })
  await addTeam(db, { regionCode: BALIDIAN, level: 'township', headcount: 12 })
  await addTeam(db, { regionCode: BALIDIAN, level: 'township', headcount: 35 })
  await addPerson(db, { regionCode: BALIDIAN, roles: ['head', 'informant'] })
  await addPerson(db, { regionCode: BALIDIAN, roles: ['liaison'] })
  await addPerson(db, { regionCode: BALIDIAN_VILLAGE, unitId: balidianOffice, roles: ['informant'] })
  await addSupply(db, { regionCode: BALIDIAN, name: '编织袋', unit: '条', quantity: 500, classCode: '3000000' })

  // Villages of 月河街道.
  await addStoragePoint(db, { regionCode: FUXINGQIAO })
  await addTeam(db, { regionCode: FUXINGQIAO, level: 'village', headcount: 12 })
  await addPerson(db, { regionCode: FUXINGQIAO, roles: ['head', 'liaison'] })
  await addSupply(db, { regionCode: FUXINGQIAO, name: '手电筒', unit: '个', quantity: 20 })
  await addShelter(db, { regionCode: MAJUNXIANG, capacity: 100 })
  await addTeam(db, { regionCode: MAJUNXIANG, level: 'village', headcount: 8 })
  await addSupply(db, { regionCode: MAJUNXIANG, name: '救生圈', quantity: 0 })
  // An inactive team does not count.
  await addTeam(db, { regionCode: JISHAN, level: 'village', headcount: 20, status: 'inactive' })

  // The sibling county is complete in every way and must never show.
  await addUnit(db, { regionCode: NANXUN_TOWN, kind: 'township_station' })
  await addLeadingGroup(db, { regionCode: NANXUN_TOWN })
  await addTeam(db, { regionCode: NANXUN_TOWN, level: 'township', headcount: 60 })

  county = await signIn(app, { role: 'county_manager', regionCode: WUXING })
  township = await signIn(app, { role: 'viewer', regionCode: YUEHE })
})
afterAll(async () => { await app.close() })

describe('township 六有', () => {
  it('lists every township of the county with what it lacks', async () => {
    const body = await get(county, '/api/rollup/completeness?pageSize=200')
    expect(body.total).toBe(19)
    expect(body.items.every((r: Row) => r.code.startsWith('330502') && r.parentName === '吴兴区')).toBe(true)

    const yuehe = row(body, YUEHE)
    expect(yuehe).toMatchObject({
      name: '月河街道', hasTeam: true, teamHeadcount: 25, teamMeetsMinimum: false, hasHead: true, hasLiaison: true,
      informants: 1, supplyLines: 1, hasLeadingGroup: true, reported: true,
    })
    expect(yuehe.missing).toEqual(['队伍不足30人', '信息员不足2名'])
    expect(yuehe.indicators.map((i) => [i.label, i.ok])).toEqual([
      ['有机构', true], ['有机制', true], ['有预案', null], ['有队伍', false], ['有物资', true], ['有培训演练', null],
      ['风险所需物资', null], // no risk points: not judged
    ])
    expect(yuehe.indicators.find((i) => i.key === 'plan')!.note).toBe('预案模块尚未接入')
    expect(yuehe.indicators.find((i) => i.key === 'team')!.note).toContain('25')

    const balidian = row(body, BALIDIAN)
    expect(balidian).toMatchObject({ teamHeadcount: 35, teamMeetsMinimum: true, informants: 2, missing: [] })

    const empty = row(body, '330502102000') // 妙西镇
    expect(empty.reported).toBe(false)
    expect(empty.teamHeadcount).toBeNull()
    expect(empty.missing).toEqual(['无应急机构', '无领导小组', '无救援队伍', '无负责人', '无联络人', '信息员不足2名', '未上报物资'])
  })

  it('summarises the whole list and counts each shortfall', async () => {
    const body = await get(county, '/api/rollup/completeness?pageSize=5')
    expect(body.items).toHaveLength(5)
    expect(body.summary).toMatchObject({ regions: 19, reported: 2, complete: 1 })
    const count = (label: string) => body.summary.byMissing.find((m: { label: string }) => m.label === label).count
    expect(count('队伍不足30人')).toBe(1)
    expect(count('无救援队伍')).toBe(17)
    expect(count('信息员不足2名')).toBe(18)
    expect(count('物资库存为0')).toBe(0)
  })

  it('shows only the incomplete ones when asked, page by page', async () => {
    const first = await get(county, '/api/rollup/completeness?onlyMissing=true&pageSize=10')
    expect(first.total).toBe(18)
    expect(first.items.some((r: Row) => r.code === BALIDIAN)).toBe(false)
    const second = await get(county, '/api/rollup/completeness?onlyMissing=true&pageSize=10&page=2')
    expect(second.items).toHaveLength(8)
    const all = await get(county, '/api/rollup/completeness?onlyMissing=false&pageSize=200')
    expect(all.total).toBe(19)
  })
})

describe('village 三有', () => {
  it('judges the villages of a township by default for a township user', async () => {
    const body = await get(township, '/api/rollup/completeness?pageSize=200')
    expect(body.items.every((r: Row) => r.code.startsWith('330502001') && r.parentName === '月河街道')).toBe(true)
    expect(body.total).toBe(9)

    const fuxingqiao = row(body, FUXINGQIAO)
    expect(fuxingqiao.missing).toEqual([])
    expect(fuxingqiao.indicators.map((i) => [i.label, i.ok])).toEqual([['有场地设施', true], ['有装备物资', true], ['有工作制度', null], ['风险所需物资', null]])

    const majunxiang = row(body, MAJUNXIANG)
    expect(majunxiang.missing).toEqual(['队伍不足10人', '无负责人', '无联络人', '物资库存为0'])
    expect(majunxiang.indicators.find((i) => i.key === 'site')!.ok).toBe(true)

    const jishan = row(body, JISHAN)
    expect(jishan.missing).toEqual(['无场地设施', '无救援队伍', '无负责人', '无联络人', '未上报物资'])
    expect(jishan.reported).toBe(false) // the only record is not in use
    expect(body.summary.complete).toBe(1)
  })

  it('lets a county ask for the villages of one township', async () => {
    const body = await get(county, `/api/rollup/completeness?regionCode=${YUEHE}&level=village&onlyMissing=true`)
    expect(body.total).toBe(8)
    expect(body.items.some((r: Row) => r.code === FUXINGQIAO)).toBe(false)
  })
})

describe('jurisdiction', () => {
  it('refuses the sibling county and the city, and never lists their regions', async () => {
    for (const code of ['330503000000', NANXUN_TOWN, '330500000000']) {
      const res = await county.request({ url: `/api/rollup/completeness?regionCode=${code}` })
      expect(res.statusCode).toBe(403)
    }
    const res = await township.request({ url: `/api/rollup/completeness?regionCode=${BALIDIAN}` })
    expect(res.statusCode).toBe(403)
  })
})
