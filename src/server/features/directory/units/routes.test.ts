import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, testApp, type Session } from '../../../testing/test-app.js'

let app: FastifyInstance
let wuxing: Session
let nanxun: Session
let city: Session

beforeAll(async () => {
  app = await testApp()
  wuxing = await signIn(app, { role: 'county_manager', regionCode: '330502000000' })
  nanxun = await signIn(app, { role: 'county_manager', regionCode: '330503000000' })
  city = await signIn(app, { role: 'city_manager', regionCode: '330500000000' })
})
afterAll(async () => { await app.close() })

const addUnit = (s: Session, payload: Record<string, unknown>) => s.request({ method: 'POST', url: '/api/units', payload })

describe('units', () => {
  it('creates a unit with a normalised, masked phone and audits it with the stored number', async () => {
    const res = await addUnit(wuxing, {
      regionCode: '330502001000', name: '月河街道应急管理站', kind: 'township_station',
      creditCode: '91350100m000100y43', address: '湖州市吴兴区月河街道', phone: '(0572)2012345',
    })
    expect(res.statusCode).toBe(200)
    const unit = res.json()
    expect(unit).toMatchObject({
      regionCode: '330502001000', regionName: '湖州市吴兴区月河街道', name: '月河街道应急管理站',
      kind: 'township_station', kindLabel: '乡镇（街道）应急站/应急办', creditCode: '91350100M000100Y43',
      phone: '0572-****345', version: 1, isDemo: false,
    })
    const stored = await app.db.selectFrom('unit').select('phone').where('id', '=', unit.id).executeTakeFirstOrThrow()
    expect(stored.phone).toBe('0572-2012345')
    const audit = await app.db.selectFrom('auditLog').selectAll().where('action', '=', 'unit.created').where('entityId', '=', String(unit.id)).executeTakeFirstOrThrow()
    expect(audit.regionCode).toBe('330502001000')
    expect(audit.after).toMatchObject({ name: '月河街道应急管理站', phone: '0572-2012345' })
  })

  it('lists by region subtree, kind and Chinese substring, with pagination and a total', async () => {
    for (let i = 1; i <= 5; i++) {
      expect((await addUnit(wuxing, { regionCode: '330502100000', name: `织里镇童装企业${i}号`, kind: 'enterprise' })).statusCode).toBe(200)
    }
    await addUnit(wuxing, { regionCode: '330502100000', name: '织里中学', kind: 'school' })
    const page1 = await wuxing.request({ url: '/api/units?regionCode=330502100000&q=童装&pageSize=2' })
    expect(page1.statusCode).toBe(200)
    expect(page1.json().total).toBe(5)
    expect(page1.json().items.map((u: { name: string }) => u.name)).toEqual(['织里镇童装企业1号', '织里镇童装企业2号'])
    const page3 = await wuxing.request({ url: '/api/units?regionCode=330502100000&q=童装&pageSize=2&page=3' })
    expect(page3.json().items.map((u: { name: string }) => u.name)).toEqual(['织里镇童装企业5号'])
    const schools = await wuxing.request({ url: '/api/units?regionCode=330502100000&kind=school' })
    expect(schools.json()).toMatchObject({ total: 1, items: [{ name: '织里中学', kindLabel: '学校' }] })
    const elsewhere = await wuxing.request({ url: '/api/units?regionCode=330502001000&q=童装' })
    expect(elsewhere.json().total).toBe(0)
  })

  it('treats % and _ in the search as plain characters', async () => {
    await addUnit(wuxing, { regionCode: '330502002000', name: '百分百_救援队', kind: 'volunteer_team' })
    const res = await wuxing.request({ url: `/api/units?q=${encodeURIComponent('%')}` })
    expect(res.json().total).toBe(0)
    const underscore = await wuxing.request({ url: `/api/units?q=${encodeURIComponent('百_救')}` })
    expect(underscore.json().items.map((u: { name: string }) => u.name)).toEqual(['百分百_救援队'])
  })

  it('keeps a sibling county out of lists, counts, reads and writes', async () => {
    const theirs = (await addUnit(nanxun, { regionCode: '330503001000', name: '东迁街道应急管理站', kind: 'township_station' })).json()
    const mine = await wuxing.request({ url: '/api/units?pageSize=200' })
    expect(mine.json().items.some((u: { regionCode: string }) => u.regionCode.startsWith('330503'))).toBe(false)
    const cityTotal = (await city.request({ url: '/api/units?pageSize=200' })).json().total
    expect(mine.json().total).toBe(cityTotal - 1)
    expect((await wuxing.request({ url: `/api/units/${theirs.id}` })).statusCode).toBe(404)
    const put = await wuxing.request({ method: 'PUT', url: `/api/units/${theirs.id}`, payload: { regionCode: '330502001000', name: '偷来的', kind: 'other', version: 1 } })
    expect(put.statusCode).toBe(404)
    expect(put.json().message).toBe(`单位“${theirs.id}”不存在或不在您的辖区内`)
    expect((await wuxing.request({ method: 'DELETE', url: `/api/units/${theirs.id}?version=1` })).statusCode).toBe(404)
    expect((await wuxing.request({ method: 'POST', url: `/api/units/${theirs.id}/reveal` })).statusCode).toBe(404)
    expect((await city.request({ url: `/api/units/${theirs.id}` })).statusCode).toBe(200)
  })

  it('refuses region codes outside the jurisdiction with 403', async () => {
    const write = await addUnit(wuxing, { regionCode: '330503001000', name: '越界单位', kind: 'other' })
    expect(write.statusCode).toBe(403)
    expect(write.json()).toMatchObject({ code: 'OUT_OF_JURISDICTION', message: '区划“330503001000”不在您的辖区内' })
    const read = await wuxing.request({ url: '/api/units?regionCode=330500000000' })
    expect(read.statusCode).toBe(403)
  })

  it('refuses bad input with 400 naming the field and value', async () => {
    const phone = await addUnit(wuxing, { regionCode: '330502001000', name: '某单位', kind: 'other', phone: '2012345' })
    expect(phone.statusCode).toBe(400)
    expect(phone.json()).toMatchObject({ code: 'INVALID_FIELD', message: '“联系电话”的值“2012345”不是有效的电话号码（手机号应为 11 位；固定电话应带区号，如 0572-2012345）' })
    expect(phone.json().details).toEqual([{ field: 'phone', value: '2012345' }])
    const credit = await addUnit(wuxing, { regionCode: '330502001000', name: '某单位', kind: 'other', creditCode: '12345' })
    expect(credit.json().message).toBe('“统一社会信用代码”的值“12345”应为 18 位（现为 5 位）')
    const kind = await addUnit(wuxing, { regionCode: '330502001000', name: '某单位', kind: 'palace' })
    expect(kind.statusCode).toBe(400)
    expect(kind.json().message).toBe('“单位类型”的值“palace”不是允许的取值')
    const blank = await addUnit(wuxing, { regionCode: '330502001000', name: '   ', kind: 'other' })
    expect(blank.json().message).toBe('“单位名称”的值“   ”不能为空')
    const region = await addUnit(wuxing, { regionCode: '330502999000', name: '某单位', kind: 'other' })
    expect(region.statusCode).toBe(400)
    expect(region.json().message).toBe('“所属区划”的值“330502999000”不存在')
    const pageSize = await wuxing.request({ url: '/api/units?pageSize=500' })
    expect(pageSize.statusCode).toBe(400)
    expect(pageSize.json().message).toBe('“每页条数”的值“500”不能大于 200')
    const page = await wuxing.request({ url: '/api/units?page=0' })
    expect(page.statusCode).toBe(400)
  })

  it('refuses a second unit of the same name in a region with 409', async () => {
    await addUnit(wuxing, { regionCode: '330502003000', name: '爱山街道应急管理站', kind: 'township_station' })
    const again = await addUnit(wuxing, { regionCode: '330502003000', name: '爱山街道应急管理站', kind: 'township_station' })
    expect(again.statusCode).toBe(409)
    expect(again.json()).toMatchObject({ code: 'DUPLICATE', message: '该区划下已有名为“爱山街道应急管理站”的单位' })
  })

  it('updates with the version, keeps the phone when its masked form comes back, and refuses a stale version', async () => {
    const unit = (await addUnit(wuxing, { regionCode: '330502004000', name: '飞英街道应急管理站', kind: 'township_station', phone: '13857201234' })).json()
    expect(unit.phone).toBe('138****1234')
    const put = await wuxing.request({
      method: 'PUT', url: `/api/units/${unit.id}`,
      payload: { regionCode: '330502004000', name: '飞英街道应急管理办公室', kind: 'township_station', phone: unit.phone, version: 1 },
    })
    expect(put.statusCode).toBe(200)
    expect(put.json()).toMatchObject({ name: '飞英街道应急管理办公室', version: 2, phone: '138****1234' })
    const stored = await app.db.selectFrom('unit').select('phone').where('id', '=', unit.id).executeTakeFirstOrThrow()
    expect(stored.phone).toBe('13857201234')
    const stalePut = await wuxing.request({
      method: 'PUT', url: `/api/units/${unit.id}`,
      payload: { regionCode: '330502004000', name: '飞英街道', kind: 'township_station', version: 1 },
    })
    expect(stalePut.statusCode).toBe(409)
    expect(stalePut.json()).toMatchObject({ code: 'STALE_VERSION', message: '单位“飞英街道应急管理办公室”已被他人修改，请刷新后再提交' })
    const staleDelete = await wuxing.request({ method: 'DELETE', url: `/api/units/${unit.id}?version=1` })
    expect(staleDelete.statusCode).toBe(409)
    const audit = await app.db.selectFrom('auditLog').select(['before', 'after']).where('action', '=', 'unit.updated').where('entityId', '=', String(unit.id)).executeTakeFirstOrThrow()
    expect(audit.before).toMatchObject({ name: '飞英街道应急管理站', version: 1 })
    expect(audit.after).toMatchObject({ name: '飞英街道应急管理办公室', version: 2 })
  })

  it('refuses to make a unit its own ancestor', async () => {
    const a = (await addUnit(wuxing, { regionCode: '330502005000', name: '上级单位甲', kind: 'government' })).json()
    const b = (await addUnit(wuxing, { regionCode: '330502005000', name: '下级单位乙', kind: 'government', parentUnitId: a.id })).json()
    expect(b.parentUnitName).toBe('上级单位甲')
    const loop = await wuxing.request({
      method: 'PUT', url: `/api/units/${a.id}`,
      payload: { regionCode: '330502005000', name: '上级单位甲', kind: 'government', parentUnitId: b.id, version: a.version },
    })
    expect(loop.statusCode).toBe(400)
    expect(loop.json().details).toEqual([{ field: 'parentUnitId', value: b.id }])
  })

  it('refuses to delete a unit that still has people, then deletes it once empty', async () => {
    const unit = (await addUnit(wuxing, { regionCode: '330502006000', name: '凤凰街道应急管理站', kind: 'township_station' })).json()
    const person = (await wuxing.request({ method: 'POST', url: '/api/people', payload: { regionCode: '330502006000', unitId: unit.id, name: '沈建华' } })).json()
    const refused = await wuxing.request({ method: 'DELETE', url: `/api/units/${unit.id}?version=1` })
    expect(refused.statusCode).toBe(409)
    expect(refused.json()).toMatchObject({ code: 'IN_USE', message: '单位“凤凰街道应急管理站”下还有 1 名人员，请先删除这些人员或将其调往其他单位，再删除该单位' })
    expect((await wuxing.request({ method: 'DELETE', url: `/api/people/${person.id}?version=1` })).statusCode).toBe(200)
    const ok = await wuxing.request({ method: 'DELETE', url: `/api/units/${unit.id}?version=1` })
    expect(ok.statusCode).toBe(200)
    expect((await wuxing.request({ url: `/api/units/${unit.id}` })).statusCode).toBe(404)
    const audit = await app.db.selectFrom('auditLog').select('before').where('action', '=', 'unit.deleted').where('entityId', '=', String(unit.id)).executeTakeFirstOrThrow()
    expect(audit.before).toMatchObject({ name: '凤凰街道应急管理站' })
  })

  it('lets readers read but not write, and reveals the full phone only with the permission', async () => {
    const unit = (await addUnit(wuxing, { regionCode: '330502007000', name: '康山街道应急管理站', kind: 'township_station', phone: '0572-2012345-801' })).json()
    const viewer = await signIn(app, { role: 'viewer', regionCode: '330502000000' })
    expect((await viewer.request({ url: `/api/units/${unit.id}` })).json().phone).toBe('0572-****345-801')
    expect((await addUnit(viewer, { regionCode: '330502007000', name: '只读者的单位', kind: 'other' })).statusCode).toBe(403)
    expect((await viewer.request({ method: 'POST', url: `/api/units/${unit.id}/reveal` })).statusCode).toBe(403)
    const duty = await signIn(app, { role: 'duty', regionCode: '330502000000' })
    const revealed = await duty.request({ method: 'POST', url: `/api/units/${unit.id}/reveal` })
    expect(revealed.json()).toEqual({ phone: '0572-2012345-801' })
    const audit = await app.db.selectFrom('auditLog').select('actorId').where('action', '=', 'unit.phone_revealed').where('entityId', '=', String(unit.id)).execute()
    expect(audit).toEqual([{ actorId: duty.userId }])
  })
})
