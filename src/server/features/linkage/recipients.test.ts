import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emptyTarget, type WarningTarget } from '../../../domain/warnings/target.js'
import { scopeOf } from '../../db/scope.js'
import { testApp } from '../../testing/test-app.js'
import { checkRecipientSpec, groupMembers, groupWebhooksFor, previewRecipients, recipientsQuery } from './recipients.js'

// 吴兴区 (330502) › 织里镇 (330502100) › 织里居委会 (…001), 大邾社区 (…002), 东盛 (…003);
// 八里店镇 (330502101) beside it; 南浔区 (330503) is another county.
const COUNTY = '330502000000'
const ZHILI = '330502100000'
const V1 = '330502100001'
const V2 = '330502100002'
const V3 = '330502100003'
const BALIDIAN = '330502101000'
const NANXUN_TOWN = '330503100000'

let app: FastifyInstance
const ids: Record<string, number> = {}

async function person(key: string, regionCode: string, roles: string[], mobile: string | null = '13857200000') {
  const row = await app.db.insertInto('person').values({ regionCode, name: key, roles, mobile }).returning('id').executeTakeFirstOrThrow()
  ids[key] = row.id
}

async function group(values: { regionCode: string; name: string; kind: 'region' | 'custom'; roles: string[]; subtree?: boolean; wecomWebhook?: string }) {
  const row = await app.db.insertInto('linkageGroup').values(values).returning('id').executeTakeFirstOrThrow()
  return row.id
}

async function member(groupId: number, personId: number, excluded = false) {
  await app.db.insertInto('linkageMember').values({ groupId, personId, excluded }).execute()
}

const target = (t: Partial<WarningTarget>): WarningTarget => ({ ...emptyTarget(), ...t })

/** Names of the people reached, with why, sorted by name. */
async function reached(regionCode: string, t: Partial<WarningTarget>): Promise<string[]> {
  const { rows } = await sql<{ name: string; reason: string; regionLevel: string }>`
    select p.name, r.reason, r.region_level from (${recipientsQuery(app.db, { regionCode, target: target(t) })}) r
    join person p on p.id = r.person_id order by p.name`.execute(app.db)
  return rows.map((r) => `${r.name}:${r.reason}`)
}

beforeAll(async () => {
  app = await testApp()
  await person('v1头', V1, ['head'])
  await person('v1网格', V1, ['grid_worker', 'flood_control'])
  await person('v1专家', V1, ['expert'])
  await person('v2头', V2, ['head', 'flood_control'], null)
  await person('v3联络', V3, ['liaison'])
  await person('镇值班', ZHILI, ['duty_officer'])
  await person('八里店头', BALIDIAN, ['head'])
  await person('区包村', COUNTY, [])
  await person('区局长', COUNTY, ['head'])
  await person('南浔头', NANXUN_TOWN, ['head'])
  // Positions far from any real region, so nothing else in the template falls inside the shapes.
  for (const [code, lat, lng] of [[V1, 10, 100], [V2, 10.05, 100], [V3, 10.2, 100.2]] as const) {
    await sql`update region set lat = ${lat}, lng = ${lng} where code = ${code}`.execute(app.db)
  }
})
afterAll(async () => { await app.close() })

describe('recipientsQuery', () => {
  it('reaches the default warning roles in every target subtree, and nobody outside', async () => {
    expect(await reached(COUNTY, { regions: [ZHILI] })).toEqual(['v1头:target', 'v1网格:target', 'v2头:target', 'v3联络:target', '镇值班:target'])
    expect(await reached(COUNTY, { regions: [V1, BALIDIAN] })).toEqual(['v1头:target', 'v1网格:target', '八里店头:target'])
    // The county itself is a region too: its own people come with the subtree.
    expect(await reached(COUNTY, { regions: [COUNTY] })).toContain('区局长:target')
    expect(await reached(COUNTY, { regions: [COUNTY] })).not.toContain('南浔头:target')
  })

  it('narrows to the roles asked for', async () => {
    expect(await reached(COUNTY, { regions: [ZHILI], roles: ['flood_control'] })).toEqual(['v1网格:target', 'v2头:target'])
    expect(await reached(COUNTY, { regions: [ZHILI], roles: ['expert'] })).toEqual(['v1专家:target'])
  })

  it('selects by the position of each person’s region inside a polygon or a circle', async () => {
    const square: Array<[number, number]> = [[9.9, 99.9], [9.9, 100.1], [10.02, 100.1], [10.02, 99.9], [9.9, 99.9]]
    expect(await reached(COUNTY, { polygons: [square] })).toEqual(['v1头:target', 'v1网格:target'])
    // V2 lies 5.6 km north of V1.
    expect(await reached(COUNTY, { circles: [{ lat: 10, lng: 100, radiusKm: 3 }] })).toEqual(['v1头:target', 'v1网格:target'])
    expect(await reached(COUNTY, { circles: [{ lat: 10, lng: 100, radiusKm: 6 }] })).toEqual(['v1头:target', 'v1网格:target', 'v2头:target'])
    expect(await reached(COUNTY, { circles: [{ lat: 10, lng: 100, radiusKm: 6 }], roles: ['head'] })).toEqual(['v1头:target', 'v2头:target'])
    // A shape only reaches inside the warning's region.
    expect(await reached(BALIDIAN, { polygons: [square] })).toEqual([])
  })

  it('reaches each person once whatever number of regions, shapes and groups overlap', async () => {
    const flood = await group({ regionCode: ZHILI, name: '织里镇防汛责任人', kind: 'custom', roles: ['flood_control'], subtree: true })
    await member(flood, ids['区包村'])
    const t = { regions: [ZHILI, V1], circles: [{ lat: 10, lng: 100, radiusKm: 50 }], groupIds: [flood] }
    const names = await reached(COUNTY, t)
    expect(names).toEqual(['v1头:target', 'v1网格:target', 'v2头:target', 'v3联络:target', '区包村:group', '镇值班:target'])
    const { rows } = await sql<{ n: number; distinct: number }>`
      select count(*)::int as n, count(distinct person_id)::int as distinct from (${recipientsQuery(app.db, { regionCode: COUNTY, target: target(t) })}) r`.execute(app.db)
    expect(rows[0].n).toBe(rows[0].distinct)
    await app.db.deleteFrom('linkageGroup').where('id', '=', flood).execute()
  })

  it('follows a customised village group: its roles, hand-added members and exclusions', async () => {
    const village = await group({ regionCode: V1, name: '织里居委会联动工作群', kind: 'region', roles: ['head', 'expert'] })
    await member(village, ids['区包村'])
    await member(village, ids['v1头'], true)
    expect(await reached(COUNTY, { regions: [ZHILI] })).toEqual(['v1专家:target', 'v2头:target', 'v3联络:target', '区包村:group', '镇值班:target'])
    // Asked for roles, the area means those roles only; the exclusion still holds.
    expect(await reached(COUNTY, { regions: [ZHILI], roles: ['head'] })).toEqual(['v2头:target'])
    // Hand-added members are reached even when the warning's region does not hold them.
    expect(await reached(ZHILI, { regions: [V1] })).toEqual(['v1专家:target', '区包村:group'])
    await app.db.deleteFrom('linkageGroup').where('id', '=', village).execute()
  })

  it('reaches chosen groups only inside the warning’s region', async () => {
    const town = await group({ regionCode: BALIDIAN, name: '八里店镇负责人', kind: 'custom', roles: ['head'], subtree: true })
    expect(await reached(COUNTY, { groupIds: [town] })).toEqual(['八里店头:group'])
    expect(await reached(ZHILI, { groupIds: [town] })).toEqual([])
    const county = await group({ regionCode: COUNTY, name: '区级负责人', kind: 'custom', roles: ['head'], subtree: false })
    expect(await reached(COUNTY, { groupIds: [county] })).toEqual(['区局长:group'])
    await app.db.deleteFrom('linkageGroup').where('id', 'in', [town, county]).execute()
  })

  it('feeds an INSERT … SELECT into warning_recipient, as the fan-out uses it', async () => {
    const w = await app.db.insertInto('warning').values({
      regionCode: COUNTY, eventClass: 'natural', eventType: '暴雨', level: 2, headline: '暴雨橙色预警', description: '…', instruction: '…',
      areaDesc: '织里镇', senderName: '吴兴区应急管理局', onset: new Date(), target: JSON.stringify(target({ regions: [ZHILI] })), channels: ['sms'], ladder: '{}',
    }).returning('id').executeTakeFirstOrThrow()
    await sql`
      insert into warning_recipient (warning_id, person_id, region_code, region_level, reason)
      select ${w.id}, person_id, region_code, region_level, reason from (${recipientsQuery(app.db, { regionCode: COUNTY, target: target({ regions: [ZHILI] }) })}) r`.execute(app.db)
    const rows = await app.db.selectFrom('warningRecipient').select(['personId', 'regionCode', 'regionLevel', 'reason']).where('warningId', '=', w.id).orderBy('personId').execute()
    expect(rows).toHaveLength(5)
    expect(rows.find((r) => r.personId === ids['镇值班'])).toEqual({ personId: ids['镇值班'], regionCode: ZHILI, regionLevel: 'township', reason: 'target' })
    expect(rows.find((r) => r.personId === ids['v1头'])).toMatchObject({ regionCode: V1, regionLevel: 'village' })
  })
})

describe('preview and checks', () => {
  const scope = scopeOf(COUNTY)

  it('counts by level, people without a mobile, and each chosen group', async () => {
    const flood = await group({ regionCode: COUNTY, name: '吴兴区防汛责任人', kind: 'custom', roles: ['flood_control'], subtree: true })
    const p = await previewRecipients(app.db, scope, { regionCode: COUNTY, target: target({ regions: [ZHILI], groupIds: [flood] }) })
    expect(p).toEqual({
      total: 5, byLevel: { city: 0, county: 0, township: 1, village: 4 }, withoutMobile: 1,
      groups: [{ id: flood, name: '吴兴区防汛责任人', count: 2 }],
    })
    const none = await previewRecipients(app.db, scope, { regionCode: COUNTY, target: target({ regions: [ZHILI], roles: ['commander'] }) })
    expect(none.total).toBe(0)
    await app.db.deleteFrom('linkageGroup').where('id', '=', flood).execute()
  })

  it('names unknown codes, codes outside the jurisdiction and unknown groups', async () => {
    const check = (regionCode: string, t: Partial<WarningTarget>, s = scope) => checkRecipientSpec(app.db, s, { regionCode, target: target(t) })
    await expect(check(COUNTY, { regions: ['330502999999'] })).rejects.toMatchObject({ status: 400, message: '“预警区划”的值“330502999999”不是已知的区划代码' })
    await expect(check(COUNTY, { regions: [NANXUN_TOWN] })).rejects.toMatchObject({ code: 'OUT_OF_JURISDICTION', message: `区划“${NANXUN_TOWN}”不在您的辖区内` })
    await expect(check(ZHILI, { regions: [BALIDIAN] })).rejects.toMatchObject({ status: 400, message: `“预警区划”的值“${BALIDIAN}”不在发布区划（${ZHILI}）之内` })
    await expect(check(NANXUN_TOWN, { regions: [] })).rejects.toMatchObject({ code: 'OUT_OF_JURISDICTION' })
    const theirs = await group({ regionCode: NANXUN_TOWN, name: '南浔镇负责人', kind: 'custom', roles: ['head'] })
    await expect(check(COUNTY, { groupIds: [theirs, 999999] })).rejects.toMatchObject({ status: 400, message: `联动工作群“${theirs}、999999”不存在或不在发布区划之内` })
    await expect(check(COUNTY, { regions: [ZHILI] })).resolves.toBeUndefined()
  })

  it('lists a group’s members by id or by region code, stored or not', async () => {
    const names = (ms: Array<{ name: string }>) => ms.map((m) => m.name).sort()
    expect(names(await groupMembers(app.db, scope, V1))).toEqual(['v1头', 'v1网格'])
    const custom = await group({ regionCode: COUNTY, name: '区包村干部', kind: 'custom', roles: [] })
    await member(custom, ids['区包村'])
    expect(names(await groupMembers(app.db, scope, custom))).toEqual(['区包村'])
    await expect(groupMembers(app.db, scopeOf(ZHILI), custom)).rejects.toMatchObject({ status: 404 })
    await expect(groupMembers(app.db, scope, NANXUN_TOWN)).rejects.toMatchObject({ code: 'OUT_OF_JURISDICTION' })
  })

  it('finds the group robots a warning posts to: area region groups and chosen groups', async () => {
    const hook = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=00000000-1111-2222-3333-444444444444'
    const v1 = await group({ regionCode: V1, name: '织里居委会联动工作群', kind: 'region', roles: ['head'], wecomWebhook: hook })
    const bl = await group({ regionCode: BALIDIAN, name: '八里店镇联动工作群', kind: 'region', roles: ['head'], wecomWebhook: hook })
    const quiet = await group({ regionCode: V2, name: '大邾社区居委会联动工作群', kind: 'region', roles: ['head'] })
    const custom = await group({ regionCode: COUNTY, name: '区防汛群', kind: 'custom', roles: ['flood_control'], wecomWebhook: hook })
    const hooks = async (regionCode: string, t: Partial<WarningTarget>) =>
      (await groupWebhooksFor(app.db, { regionCode, target: target(t) })).map((h) => h.groupId)
    expect(await hooks(COUNTY, { regions: [ZHILI] })).toEqual([v1])
    expect(await hooks(COUNTY, { regions: [ZHILI], groupIds: [custom] })).toEqual([v1, custom])
    expect(await hooks(COUNTY, { circles: [{ lat: 10, lng: 100, radiusKm: 1 }] })).toEqual([v1])
    expect(await hooks(ZHILI, { groupIds: [custom] })).toEqual([])
    const [first] = await groupWebhooksFor(app.db, { regionCode: COUNTY, target: target({ regions: [BALIDIAN] }) })
    expect(first).toEqual({ groupId: bl, wecomWebhook: hook, dingtalkWebhook: null, dingtalkSecret: null })
    await app.db.deleteFrom('linkageGroup').where('id', 'in', [v1, bl, quiet, custom]).execute()
  })
})
