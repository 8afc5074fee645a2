import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { addStoragePoint, addSupply, addTeam } from './test-fixtures.js'
import { chinaToday } from '../../../domain/calendar.js'

let app: FastifyInstance
let wuxing: Session
let nanxun: Session
let viewer: Session
let pointId: number
let teamId: number

const ZHILI = '330502100000' // 吴兴区织里镇

beforeAll(async () => {
  app = await testApp()
  wuxing = await signIn(app, { role: 'county_manager', regionCode: '330502000000' })
  nanxun = await signIn(app, { role: 'county_manager', regionCode: '330503000000' })
  viewer = await signIn(app, { role: 'viewer', regionCode: '330502000000' })
  pointId = await addStoragePoint(app.db, ZHILI, '织里镇防汛物资仓库', { lng: 120.262, lat: 30.841 })
  teamId = await addTeam(app.db, ZHILI, '织里镇综合应急救援队')
})
afterAll(async () => { await app.close() })

const day = (offset: number) => {
  const d = new Date(`${chinaToday()}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + offset)
  return d.toISOString().slice(0, 10)
}

describe('supply lines', () => {
  it('creates a line at a storage point, books the opening stock as 建账 and audits it', async () => {
    const unit = (await wuxing.request({ method: 'POST', url: '/api/units', payload: { regionCode: ZHILI, name: '织里镇应急管理站', kind: 'township_station' } })).json()
    const person = (await wuxing.request({ method: 'POST', url: '/api/people', payload: { regionCode: ZHILI, name: '沈建华', post: '站长', mobile: '13857200002' } })).json()
    const res = await wuxing.request({
      method: 'POST', url: '/api/supplies',
      payload: {
        regionCode: ZHILI, name: '救生衣', specification: '成人 船用', unit: '件', quantity: 120, storagePointId: pointId,
        teamId, holderUnitId: unit.id, responsiblePersonId: person.id, liaisonPersonId: person.id, purchasedOn: '2023-05-01', expiresOn: '2028-05-01',
      },
    })
    expect(res.statusCode).toBe(201)
    const s = res.json()
    expect(s).toMatchObject({
      regionCode: ZHILI, regionName: '湖州市吴兴区织里镇', classCode: '2000000', className: '应急装备及配套物资',
      topClassName: '应急装备及配套物资', name: '救生衣', unit: '件', isEquipment: false, quantity: 120,
      storagePointId: pointId, storagePointName: '织里镇防汛物资仓库', teamId, teamName: '织里镇综合应急救援队',
      holderUnitId: unit.id, holderUnitName: '织里镇应急管理站', reserveForm: 'physical', reserveFormLabel: '实物储备',
      condition: 'good', conditionLabel: '完好', expired: false, maintenanceDue: false, stale: false,
      responsible: { id: person.id, name: '沈建华', post: '站长', mobile: '138****0002' },
      liaison: { id: person.id, name: '沈建华', post: '站长', mobile: '138****0002' },
      // Inherited from the storage point: the line has no coordinates of its own.
      lng: 120.262, lat: 30.841, version: 2,
    })
    expect(s.confirmedByName).toContain('测试county_manager')
    const detail = (await wuxing.request({ url: `/api/supplies/${s.id}` })).json()
    expect(detail.movements).toMatchObject([{ kind: 'in', kindLabel: '入库', delta: 120, balance: 120, reason: '建账', counterpartSupplyId: null }])
    expect(detail.history).toMatchObject([{ action: 'supply.created', actionLabel: '新增物资装备' }])
    const audit = await app.db.selectFrom('auditLog').select(['regionCode', 'after']).where('action', '=', 'supply.created').where('entityId', '=', String(s.id)).executeTakeFirstOrThrow()
    expect(audit).toMatchObject({ regionCode: ZHILI, after: { name: '救生衣', quantity: 120 } })
  })

  it('classifies by name over the class table and falls back to 其他', async () => {
    const classOf = async (name: string, extra: Record<string, unknown> = {}) =>
      (await addSupply(wuxing, { regionCode: ZHILI, name, unit: '件', quantity: 1, ...extra })).classCode
    expect(await classOf('冲锋舟')).toBe('2000000')
    expect(await classOf('防汛编织袋')).toBe('3000000')
    expect(await classOf('单人帐篷')).toBe('1000000')
    expect(await classOf('奇怪的东西')).toBe('9000000')
    // A finer local class with its own keyword wins over the 大类.
    await app.db.insertInto('supplyClass').values({ code: '2010000', name: '水上救援装备', parentCode: '2000000', level: 2, keywords: ['舟', '艇'] }).execute()
    expect(await classOf('冲锋舟')).toBe('2010000')
    expect(await classOf('冲锋舟', { classCode: '3000000' })).toBe('3000000')
    const unknown = await wuxing.request({ method: 'POST', url: '/api/supplies', payload: { regionCode: ZHILI, name: '冲锋舟', unit: '艘', quantity: 1, classCode: '4000000' } })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().message).toBe('“物资分类”的值“4000000”不存在')
  })

  it('refuses quantity in an edit, and a stale version', async () => {
    const s = await addSupply(wuxing, { regionCode: ZHILI, name: '抽水泵', unit: '台', quantity: 4, isEquipment: true })
    const base = { regionCode: ZHILI, name: '抽水泵', unit: '台', isEquipment: true, specification: '100 m³/h', version: s.version }
    const withQuantity = await wuxing.request({ method: 'PUT', url: `/api/supplies/${s.id}`, payload: { ...base, quantity: 10 } })
    expect(withQuantity.statusCode).toBe(400)
    expect(withQuantity.json().message).toBe('数量不能在修改信息时直接更改，库存变动请通过入库、出库、报损或盘点登记')
    const ok = await wuxing.request({ method: 'PUT', url: `/api/supplies/${s.id}`, payload: base })
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toMatchObject({ specification: '100 m³/h', quantity: 4, version: s.version + 1 })
    const again = await wuxing.request({ method: 'PUT', url: `/api/supplies/${s.id}`, payload: base })
    expect(again.statusCode).toBe(409)
    expect(again.json()).toMatchObject({ code: 'STALE_VERSION', message: '物资“抽水泵”已被他人修改，请刷新后再提交' })
    const del = await wuxing.request({ method: 'DELETE', url: `/api/supplies/${s.id}?version=${s.version}` })
    expect(del.statusCode).toBe(409)
    const gone = await wuxing.request({ method: 'DELETE', url: `/api/supplies/${s.id}?version=${s.version + 1}` })
    expect(gone.statusCode).toBe(200)
    expect((await wuxing.request({ url: `/api/supplies/${s.id}` })).statusCode).toBe(404)
    expect(await app.db.selectFrom('stockMovement').select('id').where('supplyId', '=', s.id).execute()).toEqual([])
  })

  it('keeps another county out: 403 for its region, 404 for its lines, 400 for its storage point', async () => {
    const mine = await addSupply(wuxing, { regionCode: ZHILI, name: '铁锹', unit: '把', quantity: 50 })
    const theirs = await addSupply(nanxun, { regionCode: '330503001000', name: '铁锹', unit: '把', quantity: 30 })
    const region = await wuxing.request({ method: 'POST', url: '/api/supplies', payload: { regionCode: '330503001000', name: '铁锹', unit: '把', quantity: 1 } })
    expect(region.statusCode).toBe(403)
    expect(region.json().code).toBe('OUT_OF_JURISDICTION')
    for (const url of [`/api/supplies/${theirs.id}`, `/api/supplies/${theirs.id}/movements`]) {
      expect((await wuxing.request({ url })).statusCode).toBe(404)
    }
    const put = await wuxing.request({ method: 'PUT', url: `/api/supplies/${theirs.id}`, payload: { regionCode: ZHILI, name: 'x', unit: '把', version: 1 } })
    expect(put.statusCode).toBe(404)
    const list = await wuxing.request({ url: `/api/supplies?q=${encodeURIComponent('铁锹')}` })
    expect(list.json().items.map((s: { id: number }) => s.id)).toEqual([mine.id])
    const nanxunPoint = await addStoragePoint(app.db, '330503001000', '南浔镇仓库')
    const point = await wuxing.request({ method: 'POST', url: '/api/supplies', payload: { regionCode: ZHILI, name: '铁锹', unit: '把', quantity: 1, storagePointId: nanxunPoint } })
    expect(point.statusCode).toBe(400)
    expect(point.json().message).toBe(`“储备点”的值“${nanxunPoint}”不存在或不在您的辖区内`)
    // A team is not a storage point.
    const wrongKind = await wuxing.request({ method: 'POST', url: '/api/supplies', payload: { regionCode: ZHILI, name: '铁锹', unit: '把', quantity: 1, storagePointId: teamId } })
    expect(wrongKind.statusCode).toBe(400)
    const denied = await viewer.request({ method: 'POST', url: '/api/supplies', payload: { regionCode: ZHILI, name: '铁锹', unit: '把', quantity: 1 } })
    expect(denied.statusCode).toBe(403)
    expect((await viewer.request({ url: `/api/supplies/${mine.id}` })).statusCode).toBe(200)
  })

  it('filters by expiry, maintenance, class, condition, freshness and storage point, and sorts', async () => {
    const region = '330502101000'
    const expired = await addSupply(wuxing, { regionCode: region, name: '救生圈', unit: '只', quantity: 10, expiresOn: day(-3) })
    const soon = await addSupply(wuxing, { regionCode: region, name: '救生衣', unit: '件', quantity: 30, expiresOn: day(20) })
    const later = await addSupply(wuxing, { regionCode: region, name: '棉被', unit: '床', quantity: 80, expiresOn: day(400) })
    const due = await addSupply(wuxing, { regionCode: region, name: '发电机', unit: '台', quantity: 2, isEquipment: true, maintainedOn: day(-100), maintenanceCycleDays: 90 })
    const fine = await addSupply(wuxing, { regionCode: region, name: '油锯', unit: '台', quantity: 3, isEquipment: true, maintainedOn: day(-10), maintenanceCycleDays: 90, condition: 'repair', storagePointId: pointId })
    await app.db.updateTable('supply').set({ confirmedAt: sql`now() - interval '200 days'` }).where('id', '=', later.id).execute()
    const ids = async (query: string) => {
      const res = await wuxing.request({ url: `/api/supplies?regionCode=${region}&${query}` })
      expect(res.statusCode).toBe(200)
      return res.json().items.map((s: { id: number }) => s.id)
    }
    expect(await ids('expired=true')).toEqual([expired.id])
    expect(await ids('expiringWithinDays=30')).toEqual([soon.id])
    expect(await ids('maintenanceDue=true')).toEqual([due.id])
    expect(await ids('isEquipment=true&sort=quantity&order=desc')).toEqual([fine.id, due.id])
    expect(await ids('condition=repair')).toEqual([fine.id])
    expect(await ids(`storagePointId=${pointId}`)).toEqual([fine.id])
    expect(await ids('fresh=false')).toEqual([later.id])
    expect(await ids('classCode=1000000')).toEqual([later.id])
    expect(await ids('sort=expiresOn')).toEqual([expired.id, soon.id, later.id, due.id, fine.id])
    const page = (await wuxing.request({ url: `/api/supplies?regionCode=${region}&sort=name&pageSize=2&page=2` })).json()
    expect(page.total).toBe(5)
    expect(page.items).toHaveLength(2)
    const item = (await wuxing.request({ url: `/api/supplies/${expired.id}` })).json()
    expect(item).toMatchObject({ expired: true, daysToExpiry: -3 })
    expect((await wuxing.request({ url: `/api/supplies/${later.id}` })).json().stale).toBe(true)
  })

  it('names bad input in Chinese instead of failing', async () => {
    const bad = async (payload: Record<string, unknown>) => {
      const res = await wuxing.request({ method: 'POST', url: '/api/supplies', payload: { regionCode: ZHILI, name: '雨衣', unit: '件', quantity: 1, ...payload } })
      expect(res.statusCode).toBe(400)
      return res.json().message
    }
    expect(await bad({ quantity: -1 })).toBe('“数量”的值“-1”不能小于 0')
    expect(await bad({ condition: 'broken' })).toBe('“状态”的值“broken”不是允许的取值')
    expect(await bad({ expiresOn: '2024-02-30' })).toBe('“有效期至”的值“2024-02-30”格式不正确')
    expect(await bad({ purchasedOn: '2024-05-01', expiresOn: '2024-04-01' })).toBe('“有效期至”的值“2024-04-01”早于购置日期 2024-05-01')
    expect(await bad({ lng: 120.1 })).toBe('“纬度”的值“null”应与另一坐标一起填写')
    expect(await bad({ name: '  ' })).toBe('“名称”的值“  ”不能为空')
  })
})
