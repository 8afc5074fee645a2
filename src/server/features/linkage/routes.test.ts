import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, testApp, type Session } from '../../testing/test-app.js'

// 吴兴区 › 织里镇 › 织里居委会 / 大邾社区居委会; 八里店镇 beside it; 南浔区 is another county.
const COUNTY = '330502000000'
const ZHILI = '330502100000'
const V1 = '330502100001'
const V2 = '330502100002'
const BALIDIAN = '330502101000'

let app: FastifyInstance
let wuxing: Session
let nanxun: Session

type Json = Record<string, any>

async function addPerson(payload: Json): Promise<Json> {
  const res = await wuxing.request({ method: 'POST', url: '/api/people', payload })
  expect(res.statusCode).toBe(200)
  return res.json()
}

const regionGroup = async (code: string, s = wuxing) => {
  const res = await s.request({ url: `/api/linkage/groups/region/${code}` })
  expect(res.statusCode).toBe(200)
  return res.json()
}

const memberNames = (g: Json, source?: string) =>
  g.members.filter((m: Json) => !source || m.source === source).map((m: Json) => m.name).sort()

beforeAll(async () => {
  app = await testApp()
  wuxing = await signIn(app, { role: 'county_manager', regionCode: COUNTY })
  nanxun = await signIn(app, { role: 'county_manager', regionCode: '330503000000' })
})
afterAll(async () => { await app.close() })

describe('region work groups', () => {
  it('derive their members from the people directory, with no sync step', async () => {
    const empty = await regionGroup(V1)
    expect(empty).toMatchObject({ id: null, stored: false, kind: 'region', name: '织里居委会联动工作群', regionCode: V1, memberCount: 0, members: [], version: null })
    const head = await addPerson({ regionCode: V1, name: '姚国强', post: '村党组织书记', mobile: '13957211111', roles: ['head'] })
    await addPerson({ regionCode: V1, name: '闻专家', roles: ['expert'] })
    await addPerson({ regionCode: ZHILI, name: '沈站长', roles: ['head'] })
    const g = await regionGroup(V1)
    expect(g.members).toEqual([expect.objectContaining({
      personId: head.id, name: '姚国强', post: '村党组织书记', mobile: '139****1111', roles: ['head'], roleLabels: ['负责人'],
      regionCode: V1, regionLevel: 'village', source: 'derived', sourceLabel: '派生', hasEmail: false,
    })])
    await wuxing.request({ method: 'PUT', url: `/api/people/${head.id}`, payload: { regionCode: V1, name: '姚国强', mobile: head.mobile, roles: [], version: head.version } })
    expect((await regionGroup(V1)).members).toEqual([])
    await wuxing.request({ method: 'PUT', url: `/api/people/${head.id}`, payload: { regionCode: V1, name: '姚国强', mobile: head.mobile, roles: ['head'], version: head.version + 1 } })
    expect(memberNames(await regionGroup(V1))).toEqual(['姚国强'])
    expect(memberNames(await regionGroup(ZHILI))).toEqual(['沈站长'])
  })

  it('lists a region’s own group and each child’s, stored or not, with member counts', async () => {
    await addPerson({ regionCode: V2, name: '陆美芳', roles: ['grid_head', 'liaison'] })
    const res = await wuxing.request({ url: `/api/linkage/groups?regionCode=${ZHILI}&pageSize=3` })
    expect(res.statusCode).toBe(200)
    const page = res.json()
    expect(page.items.map((g: Json) => [g.name, g.memberCount, g.stored])).toEqual([
      ['织里镇联动工作群', 1, false], ['织里居委会联动工作群', 1, false], ['大邾社区居委会联动工作群', 1, false],
    ])
    expect(page.total).toBeGreaterThan(10)
    const q = await wuxing.request({ url: `/api/linkage/groups?regionCode=${ZHILI}&q=${encodeURIComponent('大邾社区')}` })
    expect(q.json().items.map((g: Json) => g.regionCode)).toEqual([V2])
    const custom = await wuxing.request({ url: `/api/linkage/groups?regionCode=${ZHILI}&kind=custom` })
    expect(custom.json()).toEqual({ items: [], total: 0 })
  })

  it('customises once, then takes hand-added members from anywhere in the jurisdiction and exclusions', async () => {
    const cadre = await addPerson({ regionCode: COUNTY, name: '钱包村', post: '区农业农村局干部（包村）', mobile: '13857201234' })
    const grid = await addPerson({ regionCode: V1, name: '潘网格', roles: ['grid_worker'] })
    const res = await wuxing.request({ method: 'POST', url: `/api/linkage/groups/region/${V1}/customise` })
    expect(res.statusCode).toBe(200)
    const g = res.json()
    expect(g).toMatchObject({ stored: true, kind: 'region', name: '织里居委会联动工作群', version: 1, memberCount: 2 })
    const again = await wuxing.request({ method: 'POST', url: `/api/linkage/groups/region/${V1}/customise` })
    expect(again.json().id).toBe(g.id)
    const customised = await app.db.selectFrom('auditLog').select('action').where('entity', '=', 'linkage_group').where('entityId', '=', String(g.id)).execute()
    expect(customised.map((a) => a.action)).toEqual(['linkage_group.customised'])

    const change = await wuxing.request({
      method: 'PUT', url: `/api/linkage/groups/${g.id}/members`,
      payload: { version: 1, add: [{ personId: cadre.id, note: '包村联系' }], exclude: [grid.id] },
    })
    expect(change.statusCode).toBe(200)
    const changed = change.json()
    expect(changed.version).toBe(2)
    expect(changed.memberCount).toBe(2)
    expect(memberNames(changed, 'derived')).toEqual(['姚国强'])
    expect(changed.members.find((m: Json) => m.personId === cadre.id)).toMatchObject({ source: 'added', sourceLabel: '手工添加', note: '包村联系', regionLevel: 'county' })
    expect(changed.members.find((m: Json) => m.personId === grid.id)).toMatchObject({ source: 'excluded', sourceLabel: '已排除' })

    // The village's own manager sees the county cadre: membership belongs to the group.
    const village = await signIn(app, { role: 'village_manager', regionCode: V1 })
    expect(memberNames(await regionGroup(V1, village), 'added')).toEqual(['钱包村'])
    const refused = await village.request({ method: 'PUT', url: `/api/linkage/groups/${g.id}/members`, payload: { version: 2, add: [{ personId: cadre.id }] } })
    expect(refused.statusCode).toBe(400)
    expect(refused.json().message).toBe(`“添加成员”的值“${cadre.id}”不存在或不在您的辖区内`)

    const stale = await wuxing.request({ method: 'PUT', url: `/api/linkage/groups/${g.id}/members`, payload: { version: 1, remove: [grid.id] } })
    expect(stale.statusCode).toBe(409)
    expect(stale.json().message).toBe('联动工作群“织里居委会联动工作群”已被他人修改，请刷新后再提交')
    const twice = await wuxing.request({ method: 'PUT', url: `/api/linkage/groups/${g.id}/members`, payload: { version: 2, add: [{ personId: grid.id }], remove: [grid.id] } })
    expect(twice.statusCode).toBe(400)
    const restored = await wuxing.request({ method: 'PUT', url: `/api/linkage/groups/${g.id}/members`, payload: { version: 2, remove: [grid.id] } })
    expect(memberNames(restored.json(), 'derived')).toEqual(['姚国强', '潘网格'])
    const audit = await app.db.selectFrom('auditLog').select(['after']).where('action', '=', 'linkage_group.members_changed').where('entityId', '=', String(g.id)).orderBy('id').execute()
    expect(audit[0].after).toMatchObject({ members: [{ personId: cadre.id, excluded: false, note: '包村联系' }, { personId: grid.id, excluded: true }] })
  })

  it('keeps robots with masked credentials, refuses renaming and subtrees, and returns to the default on delete', async () => {
    const g = await regionGroup(V1)
    const hook = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa'
    const put = (payload: Json) => wuxing.request({ method: 'PUT', url: `/api/linkage/groups/${g.id}`, payload })
    const res = await put({ roles: ['head', 'grid_worker'], wecomWebhook: hook, dingtalkWebhook: 'https://oapi.dingtalk.com/robot/send?access_token=abc123def456ghi789', dingtalkSecret: 'SECxyz', version: g.version })
    expect(res.statusCode).toBe(200)
    const saved = res.json()
    expect(saved).toMatchObject({
      wecomWebhook: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a****5aaa',
      dingtalkWebhook: 'https://oapi.dingtalk.com/robot/send?access_token=abc1****i789', dingtalkSecretSet: true, roleLabels: ['负责人', '网格员'],
    })
    expect(JSON.stringify(saved)).not.toContain('SECxyz')
    // Echoing the masked values back keeps the stored ones.
    const kept = await put({ roles: ['head', 'grid_worker'], wecomWebhook: saved.wecomWebhook, dingtalkWebhook: saved.dingtalkWebhook, version: saved.version })
    expect(kept.statusCode).toBe(200)
    const stored = await app.db.selectFrom('linkageGroup').select(['wecomWebhook', 'dingtalkSecret']).where('id', '=', g.id).executeTakeFirstOrThrow()
    expect(stored).toEqual({ wecomWebhook: hook, dingtalkSecret: 'SECxyz' })
    const bad = await put({ roles: [], wecomWebhook: 'qyapi.weixin.qq.com/send', version: kept.json().version })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toBe('“企业微信机器人地址”的值“qyapi.weixin.qq.com/send”不是有效的网址（应以 https:// 开头，从群机器人设置中复制）')
    const rename = await put({ name: '织里村群', roles: [], version: kept.json().version })
    expect(rename.json().message).toBe('“名称”的值“织里村群”不可修改：区划联动工作群以区划命名')
    const subtree = await put({ roles: [], subtree: true, version: kept.json().version })
    expect(subtree.statusCode).toBe(400)
    const audit = await app.db.selectFrom('auditLog').select('after').where('action', '=', 'linkage_group.updated').where('entityId', '=', String(g.id)).orderBy('id').execute()
    expect(JSON.stringify(audit)).not.toContain('SECxyz')

    const del = await wuxing.request({ method: 'DELETE', url: `/api/linkage/groups/${g.id}?version=${kept.json().version}` })
    expect(del.statusCode).toBe(200)
    const back = await regionGroup(V1)
    expect(back).toMatchObject({ id: null, stored: false, wecomWebhook: null })
    expect(memberNames(back, 'added')).toEqual([])
  })
})

describe('custom groups', () => {
  it('take in the subtree by role, stay in step, and refuse duplicate names', async () => {
    await addPerson({ regionCode: V2, name: '吴防汛', roles: ['flood_control'] })
    const far = await addPerson({ regionCode: BALIDIAN, name: '闵防汛', roles: ['flood_control'] })
    await nanxun.request({ method: 'POST', url: '/api/people', payload: { regionCode: '330503100000', name: '南浔防汛', roles: ['flood_control'] } })
    const res = await wuxing.request({ method: 'POST', url: '/api/linkage/groups', payload: { regionCode: COUNTY, name: '防汛责任人', roles: ['flood_control'], subtree: true } })
    expect(res.statusCode).toBe(200)
    const g = res.json()
    expect(g).toMatchObject({ kind: 'custom', kindLabel: '自定义联动工作群', stored: true, subtree: true, regionName: '湖州市吴兴区' })
    expect(memberNames(g)).toEqual(['吴防汛', '闵防汛'])
    await addPerson({ regionCode: ZHILI, name: '章防汛', roles: ['flood_control', 'head'] })
    expect(memberNames((await wuxing.request({ url: `/api/linkage/groups/${g.id}` })).json())).toEqual(['吴防汛', '章防汛', '闵防汛'])

    const local = await wuxing.request({ method: 'POST', url: '/api/linkage/groups', payload: { regionCode: BALIDIAN, name: '八里店镇防汛', roles: ['flood_control'], subtree: false, members: [{ personId: far.id }] } })
    expect(memberNames(local.json())).toEqual(['闵防汛'])
    const dup = await wuxing.request({ method: 'POST', url: '/api/linkage/groups', payload: { regionCode: COUNTY, name: '防汛责任人', roles: [] } })
    expect(dup.statusCode).toBe(409)
    expect(dup.json().message).toBe('该区划下已有名为“防汛责任人”的联动工作群')
    const clash = await wuxing.request({ method: 'POST', url: '/api/linkage/groups', payload: { regionCode: COUNTY, name: '吴兴区联动工作群', roles: [] } })
    expect(clash.statusCode).toBe(409)

    const list = (await wuxing.request({ url: `/api/linkage/groups?kind=custom` })).json()
    expect(list.items.map((x: Json) => [x.name, x.memberCount])).toEqual([['防汛责任人', 3], ['八里店镇防汛', 1]])
    const renamed = await wuxing.request({ method: 'PUT', url: `/api/linkage/groups/${g.id}`, payload: { name: '区防汛责任人', roles: ['flood_control'], subtree: true, note: '汛期', version: 1 } })
    expect(renamed.json()).toMatchObject({ name: '区防汛责任人', note: '汛期', version: 2 })
    const staleDelete = await wuxing.request({ method: 'DELETE', url: `/api/linkage/groups/${g.id}?version=1` })
    expect(staleDelete.statusCode).toBe(409)
    expect((await wuxing.request({ method: 'DELETE', url: `/api/linkage/groups/${g.id}?version=2` })).statusCode).toBe(200)
    const actions = await app.db.selectFrom('auditLog').select('action').where('entity', '=', 'linkage_group').where('entityId', '=', String(g.id)).orderBy('id').execute()
    expect(actions.map((a) => a.action)).toEqual(['linkage_group.created', 'linkage_group.updated', 'linkage_group.deleted'])
  })
})

describe('jurisdiction and permissions', () => {
  it('hides another county’s groups and regions', async () => {
    const g = (await wuxing.request({ method: 'POST', url: '/api/linkage/groups', payload: { regionCode: ZHILI, name: '织里镇信息员', roles: ['informant'] } })).json()
    expect((await nanxun.request({ url: `/api/linkage/groups/${g.id}` })).statusCode).toBe(404)
    expect((await nanxun.request({ method: 'PUT', url: `/api/linkage/groups/${g.id}`, payload: { roles: [], version: 1 } })).statusCode).toBe(404)
    expect((await nanxun.request({ method: 'PUT', url: `/api/linkage/groups/${g.id}/members`, payload: { version: 1, exclude: [] } })).statusCode).toBe(404)
    expect((await nanxun.request({ method: 'DELETE', url: `/api/linkage/groups/${g.id}?version=1` })).statusCode).toBe(404)
    const region = await nanxun.request({ url: `/api/linkage/groups/region/${V1}` })
    expect(region.statusCode).toBe(403)
    expect(region.json().code).toBe('OUT_OF_JURISDICTION')
    expect((await nanxun.request({ method: 'POST', url: `/api/linkage/groups/region/${V1}/customise` })).statusCode).toBe(403)
    expect((await nanxun.request({ url: `/api/linkage/groups?regionCode=${COUNTY}` })).statusCode).toBe(403)
    expect((await nanxun.request({ url: '/api/linkage/groups?kind=custom' })).json()).toEqual({ items: [], total: 0 })
    const create = await nanxun.request({ method: 'POST', url: '/api/linkage/groups', payload: { regionCode: ZHILI, name: '越界', roles: [] } })
    expect(create.json().code).toBe('OUT_OF_JURISDICTION')
    expect((await wuxing.request({ url: '/api/linkage/groups/region/330502999999' })).statusCode).toBe(404)
  })

  it('lets readers read and only writers change', async () => {
    const viewer = await signIn(app, { role: 'viewer', regionCode: COUNTY })
    expect((await viewer.request({ url: `/api/linkage/groups/region/${V1}` })).statusCode).toBe(200)
    expect((await viewer.request({ method: 'POST', url: `/api/linkage/groups/region/${V1}/customise` })).statusCode).toBe(403)
    const admin = await signIn(app, { role: 'sysadmin', regionCode: COUNTY })
    expect((await admin.request({ url: '/api/linkage/groups' })).statusCode).toBe(403)
  })
})
