import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, type Session } from '../../testing/test-app.js'
import { addResource, NANXUN, NANXUN_TOWN, teamDetail, world, WUXING, ZHILI, type World } from './test-fixtures.js'
import { chinaToday } from '../../../domain/calendar.js'

let w: World
let supplier: { id: number }
let other: { id: number }

const day = (n: number) => new Date(Date.parse(`${chinaToday()}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)

const addAgreement = async (s: Session, payload: Record<string, unknown>) => {
  const res = await s.request({ method: 'POST', url: '/api/agreements', payload })
  if (res.statusCode !== 201) throw new Error(`agreement: ${res.statusCode} ${res.body}`)
  return res.json()
}

beforeAll(async () => {
  w = await world()
  supplier = await addResource(w.wuxing, 'supplier', { regionCode: ZHILI, name: '织里惠民超市', responsiblePersonId: w.head, detail: {} })
  other = await addResource(w.wuxing, 'supplier', { regionCode: WUXING, name: '吴兴顺达建材', detail: {} })
})
afterAll(async () => { await w.app.close() })

describe('supply agreements', () => {
  it('creates agreements, days left counted from today in China', async () => {
    const ending = await addAgreement(w.wuxing, {
      supplierId: supplier.id, classCode: '1000000', itemName: '方便面', quantity: 500, unit: '箱', startsOn: day(-300), endsOn: day(10), responseHours: 4,
    })
    expect(ending).toMatchObject({
      supplierId: supplier.id, supplierName: '织里惠民超市', regionCode: ZHILI, regionName: '湖州市吴兴区织里镇',
      classCode: '1000000', className: '基本生活保障物资', itemName: '方便面', quantity: 500, unit: '箱',
      startsOn: day(-300), endsOn: day(10), responseHours: 4, daysLeft: 10, ending: true, ended: false, version: 1,
    })
    const ended = await addAgreement(w.wuxing, { supplierId: supplier.id, regionCode: WUXING, itemName: '饮用水', endsOn: day(-3) })
    expect(ended).toMatchObject({ regionCode: WUXING, classCode: null, className: null, daysLeft: -3, ending: false, ended: true })
    const later = await addAgreement(w.wuxing, { supplierId: other.id, classCode: '3000000', itemName: '编织袋', endsOn: day(200) })
    expect(later).toMatchObject({ regionCode: WUXING, daysLeft: 200, ending: false, ended: false })
    const open = await addAgreement(w.wuxing, { supplierId: other.id, itemName: '土工布' })
    expect(open).toMatchObject({ daysLeft: null, ending: false, ended: false })
  })

  it('lists the soonest ending first and filters by supplier, region and days to the end', async () => {
    const items = async (q: string) => {
      const res = await w.wuxing.request({ url: `/api/agreements?${q}` })
      expect(res.statusCode).toBe(200)
      return res.json().items.map((a: { itemName: string }) => a.itemName)
    }
    expect(await items('')).toEqual(['饮用水', '方便面', '编织袋', '土工布'])
    expect(await items('endingWithinDays=30')).toEqual(['方便面'])
    expect(await items('endingWithinDays=365')).toEqual(['方便面', '编织袋'])
    expect(await items(`supplierId=${other.id}`)).toEqual(['编织袋', '土工布'])
    expect(await items(`regionCode=${ZHILI}`)).toEqual(['方便面'])
    expect((await w.wuxing.request({ url: '/api/agreements?pageSize=1&page=2' })).json()).toMatchObject({ total: 4, items: [{ itemName: '方便面' }] })
  })

  it('shows agreements in force and ending on the supplier', async () => {
    const s = (await w.wuxing.request({ url: `/api/resources/supplier/${supplier.id}` })).json()
    expect(s.detail).toMatchObject({ agreementsInForce: 1, agreementsEnding: 1 })
    expect(s.warnings).toEqual([])
  })

  it('refuses a supplier that is not one, is elsewhere, and dates in the wrong order', async () => {
    const team = await addResource(w.wuxing, 'team', { regionCode: ZHILI, name: '织里镇综合应急救援队', detail: teamDetail() })
    const notSupplier = await w.wuxing.request({ method: 'POST', url: '/api/agreements', payload: { supplierId: team.id, itemName: '大米' } })
    expect(notSupplier.statusCode).toBe(400)
    expect(notSupplier.json().message).toBe(`“保供单位”的值“${team.id}”不存在、不是保供单位或不在您的辖区内`)
    const theirs = await addResource(w.nanxun, 'supplier', { regionCode: NANXUN_TOWN, name: '南浔某超市', detail: {} })
    const foreign = await w.wuxing.request({ method: 'POST', url: '/api/agreements', payload: { supplierId: theirs.id, itemName: '大米' } })
    expect(foreign.statusCode).toBe(400)
    const region = await w.wuxing.request({ method: 'POST', url: '/api/agreements', payload: { supplierId: supplier.id, regionCode: NANXUN, itemName: '大米' } })
    expect(region.statusCode).toBe(403)
    const order = await w.wuxing.request({ method: 'POST', url: '/api/agreements', payload: { supplierId: supplier.id, itemName: '大米', startsOn: '2025-05-01', endsOn: '2025-04-01' } })
    expect(order.json().message).toBe('“协议截止日期”的值“2025-04-01”早于协议开始日期“2025-05-01”')
    const cls = await w.wuxing.request({ method: 'POST', url: '/api/agreements', payload: { supplierId: supplier.id, itemName: '大米', classCode: '1010100' } })
    expect(cls.json().message).toBe('“物资分类”的值“1010100”不存在')
    expect((await w.nanxun.request({ url: '/api/agreements' })).json().total).toBe(0)
  })

  it('updates with the version and deletes; the sibling county can do neither', async () => {
    const a = (await w.wuxing.request({ url: `/api/agreements?supplierId=${other.id}` })).json().items[0]
    const put = (s: Session, version: number) => s.request({
      method: 'PUT', url: `/api/agreements/${a.id}`, payload: { supplierId: other.id, itemName: '编织袋', quantity: 30000, unit: '条', endsOn: day(20), version },
    })
    expect((await put(w.nanxun, 1)).statusCode).toBe(404)
    const ok = await put(w.wuxing, 1)
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toMatchObject({ version: 2, quantity: 30000, daysLeft: 20, ending: true, classCode: null })
    expect((await put(w.wuxing, 1)).statusCode).toBe(409)
    expect((await w.nanxun.request({ method: 'DELETE', url: `/api/agreements/${a.id}?version=2` })).statusCode).toBe(404)
    expect((await w.wuxing.request({ method: 'DELETE', url: `/api/agreements/${a.id}?version=2` })).statusCode).toBe(200)
    const actions = await w.app.db.selectFrom('auditLog').select('action').where('entity', '=', 'agreement').where('entityId', '=', String(a.id)).orderBy('id').execute()
    expect(actions.map((x) => x.action)).toEqual(['agreement.created', 'agreement.updated', 'agreement.deleted'])
  })

  it('deletes a supplier with its agreements, which the audit entry keeps', async () => {
    const res = await w.wuxing.request({ method: 'DELETE', url: `/api/resources/supplier/${supplier.id}?version=1` })
    expect(res.statusCode).toBe(200)
    expect(await w.app.db.selectFrom('supplyAgreement').select('id').where('supplierId', '=', supplier.id).execute()).toEqual([])
    const audit = await w.app.db.selectFrom('auditLog').select('before').where('action', '=', 'resource.deleted').where('entityId', '=', String(supplier.id)).executeTakeFirstOrThrow()
    expect((audit.before as { agreements: Array<{ itemName: string }> }).agreements.map((x) => x.itemName)).toEqual(['方便面', '饮用水'])
  })
})

describe('expert groups', () => {
  it('lists the groups by domain and lets only code managers add one', async () => {
    const list = (await w.viewer.request({ url: '/api/expert-groups' })).json()
    expect(list[0]).toEqual({ code: 'hazchem', domain: 'accident', domainLabel: '事故灾难', name: '危险化学品' })
    expect(list.map((g: { domain: string }) => g.domain).at(-1)).toBe('general')
    const admin = await signIn(w.app, { role: 'sysadmin', regionCode: '330500000000' })
    expect((await admin.request({ url: '/api/expert-groups' })).statusCode).toBe(200)
    const auditor = await signIn(w.app, { role: 'auditor', regionCode: '330500000000' })
    expect((await auditor.request({ url: '/api/expert-groups' })).statusCode).toBe(403)
    const refused = await w.wuxing.request({ method: 'POST', url: '/api/expert-groups', payload: { code: 'dam', domain: 'natural', name: '水库大坝' } })
    expect(refused.statusCode).toBe(403)
    const city: Session = await signIn(w.app, { role: 'city_manager', regionCode: '330500000000' })
    const made = await city.request({ method: 'POST', url: '/api/expert-groups', payload: { code: 'dam', domain: 'natural', name: '水库大坝' } })
    expect(made.statusCode).toBe(201)
    expect(made.json()).toEqual({ code: 'dam', domain: 'natural', domainLabel: '自然灾害', name: '水库大坝' })
    const again = await city.request({ method: 'POST', url: '/api/expert-groups', payload: { code: 'dam', domain: 'natural', name: '大坝安全' } })
    expect(again.statusCode).toBe(409)
    expect(again.json().message).toBe('组别代码“dam”已被使用')
    const sameName = await city.request({ method: 'POST', url: '/api/expert-groups', payload: { code: 'dam2', domain: 'natural', name: '水库大坝' } })
    expect(sameName.json().message).toBe('“自然灾害”领域下已有名为“水库大坝”的组别')
    const badCode = await city.request({ method: 'POST', url: '/api/expert-groups', payload: { code: '1dam', domain: 'natural', name: '大坝' } })
    expect(badCode.json().message).toBe('“组别代码”的值“1dam”格式不正确')
    const expert = await addResource(w.wuxing, 'expert', { regionCode: WUXING, name: '沈建华', responsiblePersonId: w.head, detail: { domain: 'natural', groupCode: 'dam' } })
    expect(expert.detail.groupName).toBe('水库大坝')
  })
})
