import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, testApp, type Session } from '../../../testing/test-app.js'

let app: FastifyInstance
let wuxing: Session
let nanxun: Session
let unitId: number

beforeAll(async () => {
  app = await testApp()
  wuxing = await signIn(app, { role: 'county_manager', regionCode: '330502000000' })
  nanxun = await signIn(app, { role: 'county_manager', regionCode: '330503000000' })
  const unit = await wuxing.request({ method: 'POST', url: '/api/units', payload: { regionCode: '330502100000', name: '织里镇应急管理站', kind: 'township_station' } })
  unitId = unit.json().id
})
afterAll(async () => { await app.close() })

const addPerson = (s: Session, payload: Record<string, unknown>) => s.request({ method: 'POST', url: '/api/people', payload })

describe('people', () => {
  it('stores phones normalised, returns them masked with role labels, and audits the creation', async () => {
    const res = await addPerson(wuxing, {
      regionCode: '330502100000', unitId, name: '沈建华', post: '站长', mobile: '+86 138-5720-0002',
      landline: '（０５７２）２０１２３４５', wechat: 'shenjh', roles: ['head', 'flood_control'],
    })
    expect(res.statusCode).toBe(200)
    const p = res.json()
    expect(p).toMatchObject({
      regionCode: '330502100000', regionName: '湖州市吴兴区织里镇', unitId, unitName: '织里镇应急管理站', name: '沈建华', post: '站长',
      mobile: '138****0002', landline: '0572-****345', wechat: 'shenjh', roles: ['head', 'flood_control'], roleLabels: ['负责人', '防汛责任人'], version: 1,
    })
    const stored = await app.db.selectFrom('person').select(['mobile', 'landline']).where('id', '=', p.id).executeTakeFirstOrThrow()
    expect(stored).toEqual({ mobile: '13857200002', landline: '0572-2012345' })
    const audit = await app.db.selectFrom('auditLog').select('after').where('action', '=', 'person.created').where('entityId', '=', String(p.id)).executeTakeFirstOrThrow()
    expect(audit.after).toMatchObject({ name: '沈建华', mobile: '13857200002' })
    const got = await wuxing.request({ url: `/api/people/${p.id}` })
    expect(got.json().mobile).toBe('138****0002')
  })

  it('names the field and value of a bad phone in Chinese', async () => {
    const res = await addPerson(wuxing, { regionCode: '330502100000', name: '钱小红', mobile: '1385720' })
    expect(res.statusCode).toBe(400)
    expect(res.json().message).toBe('“手机号码”的值“1385720”不是有效的手机号（应为 11 位，以 13-19 开头）')
    expect(res.json().details).toEqual([{ field: 'mobile', value: '1385720' }])
    const landline = await addPerson(wuxing, { regionCode: '330502100000', name: '钱小红', landline: '2012345' })
    expect(landline.json().message).toBe('“固定电话”的值“2012345”缺少区号（如 0572-2012345）')
    const role = await addPerson(wuxing, { regionCode: '330502100000', name: '钱小红', roles: ['boss'] })
    expect(role.statusCode).toBe(400)
    expect(role.json().message).toBe('“职责”的值“boss”不是允许的取值')
    const missing = await addPerson(wuxing, { regionCode: '330502100000' })
    expect(missing.json().message).toBe('缺少必填项“name”')
    const foreignUnit = (await nanxun.request({ method: 'POST', url: '/api/units', payload: { regionCode: '330503001000', name: '南浔单位', kind: 'other' } })).json()
    const unit = await addPerson(wuxing, { regionCode: '330502100000', name: '钱小红', unitId: foreignUnit.id })
    expect(unit.statusCode).toBe(400)
    expect(unit.json().message).toBe(`“所属单位”的值“${foreignUnit.id}”不存在或不在您的辖区内`)
  })

  it('keeps an e-mail address for the e-mail channel, refusing malformed ones in Chinese', async () => {
    const res = await addPerson(wuxing, { regionCode: '330502100000', name: '章晓燕', email: ' zhangxy＠huzhou.gov.cn ' })
    expect(res.statusCode).toBe(200)
    expect(res.json().email).toBe('zhangxy@huzhou.gov.cn')
    const p = res.json()
    expect((await wuxing.request({ url: `/api/people/${p.id}` })).json().email).toBe('zhangxy@huzhou.gov.cn')
    const listed = (await wuxing.request({ url: `/api/people?q=${encodeURIComponent('章晓燕')}` })).json().items
    expect(listed.map((x: { email: string }) => x.email)).toEqual(['zhangxy@huzhou.gov.cn'])
    const bad = await addPerson(wuxing, { regionCode: '330502100000', name: '章晓燕', email: 'zhangxy@huzhou' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toBe('“电子邮箱”的值“zhangxy@huzhou”邮箱格式不正确（应如 zhangsan@example.com）')
    expect(bad.json().details).toEqual([{ field: 'email', value: 'zhangxy@huzhou' }])
    const cleared = await wuxing.request({ method: 'PUT', url: `/api/people/${p.id}`, payload: { regionCode: '330502100000', name: '章晓燕', email: '', version: 1 } })
    expect(cleared.json().email).toBeNull()
    await wuxing.request({ method: 'DELETE', url: `/api/people/${p.id}?version=2` })
  })

  it('searches name, unit name, post and phone digits, filters by role and unit, and pages', async () => {
    await addPerson(wuxing, { regionCode: '330502100001', name: '姚国强', post: '村党组织书记', mobile: '13957211111', roles: ['head'] })
    await addPerson(wuxing, { regionCode: '330502100001', name: '陆美芳', post: '网格长', mobile: '13957222222', roles: ['grid_head', 'liaison'] })
    await addPerson(wuxing, { regionCode: '330502100002', name: '潘志明', post: '信息员', landline: '0572-3056789', roles: ['informant'], unitId })
    const names = async (query: string, s = wuxing) => {
      const res = await s.request({ url: `/api/people?${query}` })
      expect(res.statusCode).toBe(200)
      return res.json().items.map((p: { name: string }) => p.name)
    }
    expect(await names(`q=${encodeURIComponent('国强')}`)).toEqual(['姚国强'])
    expect(await names(`q=${encodeURIComponent('书记')}`)).toEqual(['姚国强'])
    expect(await names(`q=${encodeURIComponent('织里镇应急')}`)).toEqual(['沈建华', '潘志明'])
    expect(await names('q=5722222')).toEqual(['陆美芳'])
    expect(await names(`q=${encodeURIComponent('0572 3056789')}`)).toEqual(['潘志明'])
    expect(await names('role=grid_head')).toEqual(['陆美芳'])
    expect(await names(`unitId=${unitId}`)).toEqual(['沈建华', '潘志明'])
    expect(await names('regionCode=330502100001')).toEqual(['姚国强', '陆美芳'])
    const page = await wuxing.request({ url: '/api/people?regionCode=330502100000&pageSize=1&page=2' })
    expect(page.json().total).toBe(4)
    expect(page.json().items.map((p: { name: string }) => p.name)).toEqual(['姚国强'])
  })

  it('matches phones only whole for users who may not reveal them, so masked digits cannot be guessed', async () => {
    const viewer = await signIn(app, { role: 'viewer', regionCode: '330502000000' })
    const search = async (q: string) => (await viewer.request({ url: `/api/people?q=${encodeURIComponent(q)}` })).json().items.map((p: { name: string }) => p.name)
    expect(await search('5722222')).toEqual([])
    expect(await search('139 5722 2222')).toEqual(['陆美芳'])
    expect(await search('05723056789')).toEqual(['潘志明'])
  })

  it('hides a sibling county: lists, counts, get, put, delete and reveal', async () => {
    const theirs = (await addPerson(nanxun, { regionCode: '330503001000', name: '费文斌', mobile: '13757233333' })).json()
    const list = await wuxing.request({ url: '/api/people?pageSize=200' })
    expect(list.json().items.some((p: { name: string }) => p.name === '费文斌')).toBe(false)
    expect((await wuxing.request({ url: '/api/people?q=13757233333' })).json().total).toBe(0)
    const all = await app.db.selectFrom('person').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    expect(list.json().total).toBe(all.n - 1)
    expect((await wuxing.request({ url: `/api/people/${theirs.id}` })).statusCode).toBe(404)
    const put = await wuxing.request({ method: 'PUT', url: `/api/people/${theirs.id}`, payload: { regionCode: '330502100000', name: '改名', version: 1 } })
    expect(put.statusCode).toBe(404)
    expect((await wuxing.request({ method: 'DELETE', url: `/api/people/${theirs.id}?version=1` })).statusCode).toBe(404)
    expect((await wuxing.request({ method: 'POST', url: `/api/people/${theirs.id}/reveal` })).statusCode).toBe(404)
    const moveOut = await addPerson(wuxing, { regionCode: '330503001000', name: '越界' })
    expect(moveOut.statusCode).toBe(403)
    expect(moveOut.json().code).toBe('OUT_OF_JURISDICTION')
    expect((await wuxing.request({ url: '/api/people?regionCode=330503000000' })).statusCode).toBe(403)
  })

  it('reveals full numbers only with phone.reveal, auditing every call', async () => {
    const p = (await addPerson(wuxing, { regionCode: '330502101000', name: '闵秀英', mobile: '13857209999', landline: '0572-2345678-12' })).json()
    const viewer = await signIn(app, { role: 'viewer', regionCode: '330502000000' })
    const refused = await viewer.request({ method: 'POST', url: `/api/people/${p.id}/reveal` })
    expect(refused.statusCode).toBe(403)
    const duty = await signIn(app, { role: 'duty', regionCode: '330502000000' })
    for (let i = 0; i < 2; i++) {
      const res = await duty.request({ method: 'POST', url: `/api/people/${p.id}/reveal` })
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual({ mobile: '13857209999', landline: '0572-2345678-12' })
    }
    const audit = await app.db.selectFrom('auditLog').select(['actorId', 'entity', 'regionCode'])
      .where('action', '=', 'person.phone_revealed').where('entityId', '=', String(p.id)).execute()
    expect(audit).toEqual([
      { actorId: duty.userId, entity: 'person', regionCode: '330502101000' },
      { actorId: duty.userId, entity: 'person', regionCode: '330502101000' },
    ])
  })

  it('updates with version: masked echoes keep numbers, blanks clear them, stale versions are refused', async () => {
    const p = (await addPerson(wuxing, { regionCode: '330502102000', name: '吴卫东', mobile: '13857208888', landline: '0572-2666666', roles: ['informant'] })).json()
    const put = await wuxing.request({
      method: 'PUT', url: `/api/people/${p.id}`,
      payload: { regionCode: '330502102000', name: '吴卫东', post: '副站长', mobile: p.mobile, landline: '', wechat: null, roles: ['liaison'], version: 1 },
    })
    expect(put.statusCode).toBe(200)
    expect(put.json()).toMatchObject({ post: '副站长', mobile: '138****8888', landline: null, wechat: null, roles: ['liaison'], roleLabels: ['联络人'], version: 2 })
    const stored = await app.db.selectFrom('person').select(['mobile', 'landline']).where('id', '=', p.id).executeTakeFirstOrThrow()
    expect(stored).toEqual({ mobile: '13857208888', landline: null })
    const stale = await wuxing.request({ method: 'PUT', url: `/api/people/${p.id}`, payload: { regionCode: '330502102000', name: '吴卫东', version: 1 } })
    expect(stale.statusCode).toBe(409)
    expect(stale.json().message).toBe('人员“吴卫东”已被他人修改，请刷新后再提交')
    const changed = await wuxing.request({
      method: 'PUT', url: `/api/people/${p.id}`,
      payload: { regionCode: '330502102000', name: '吴卫东', mobile: '139 5720 7777', version: 2 },
    })
    expect(changed.json().mobile).toBe('139****7777')
    const staleDelete = await wuxing.request({ method: 'DELETE', url: `/api/people/${p.id}?version=2` })
    expect(staleDelete.statusCode).toBe(409)
    expect((await wuxing.request({ method: 'DELETE', url: `/api/people/${p.id}?version=3` })).statusCode).toBe(200)
    const actions = await app.db.selectFrom('auditLog').select('action').where('entity', '=', 'person').where('entityId', '=', String(p.id)).orderBy('id').execute()
    expect(actions.map((a) => a.action)).toEqual(['person.created', 'person.updated', 'person.updated', 'person.deleted'])
  })
})
