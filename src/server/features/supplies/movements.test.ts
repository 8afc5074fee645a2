import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { seedDemoSupplies } from './demo.js'
import { addStoragePoint, addSupply, ledgerMismatches } from './test-fixtures.js'

let app: FastifyInstance
let wuxing: Session
let township: Session

const ZHILI = '330502100000' // 吴兴区织里镇
const BALIDIAN = '330502101000' // 吴兴区八里店镇

beforeAll(async () => {
  app = await testApp()
  wuxing = await signIn(app, { role: 'county_manager', regionCode: '330502000000' })
  township = await signIn(app, { role: 'township_manager', regionCode: ZHILI })
})
afterAll(async () => { await app.close() })

const move = (s: Session, id: number, payload: Record<string, unknown>) =>
  s.request({ method: 'POST', url: `/api/supplies/${id}/movements`, payload })
const transfer = (s: Session, id: number, payload: Record<string, unknown>) =>
  s.request({ method: 'POST', url: `/api/supplies/${id}/transfer`, payload })

describe('stock movements', () => {
  it('books 入库, 出库, 报损 and 盘点, each with its balance, and keeps the ledger invariant', async () => {
    const s = await addSupply(township, { regionCode: ZHILI, name: '救生衣', unit: '件', quantity: 120 })
    const inn = await move(township, s.id, { kind: 'in', quantity: 30, reason: '采购入库', version: s.version })
    expect(inn.statusCode).toBe(200)
    expect(inn.json()).toMatchObject({ quantity: 150, version: s.version + 1 })
    const out = await move(township, s.id, { kind: 'out', quantity: 45, reason: '发放防汛队', version: inn.json().version })
    expect(out.json().quantity).toBe(105)
    expect((await move(township, s.id, { kind: 'loss', quantity: 5, reason: '霉变', version: out.json().version })).json().quantity).toBe(100)
    const version = (await township.request({ url: `/api/supplies/${s.id}` })).json().version
    const count = await move(township, s.id, { kind: 'count', quantity: 97, reason: '汛前盘点', version })
    expect(count.statusCode).toBe(200)
    expect(count.json()).toMatchObject({ quantity: 97, version: version + 1, stale: false })
    const page = (await township.request({ url: `/api/supplies/${s.id}/movements?pageSize=10` })).json()
    expect(page.total).toBe(5)
    expect(page.items.map((m: { kind: string; kindLabel: string; delta: number; balance: number; reason: string }) =>
      [m.kind, m.kindLabel, m.delta, m.balance, m.reason])).toEqual([
      ['count', '盘点', -3, 97, '汛前盘点'],
      ['loss', '报损', -5, 100, '霉变'],
      ['out', '出库', -45, 105, '发放防汛队'],
      ['in', '入库', 30, 150, '采购入库'],
      ['in', '入库', 120, 120, '建账'],
    ])
    expect(page.items[0].actorName).toContain('测试township_manager')
    const second = (await township.request({ url: `/api/supplies/${s.id}/movements?pageSize=2&page=3` })).json()
    expect(second.items.map((m: { reason: string }) => m.reason)).toEqual(['建账'])
    const audits = await app.db.selectFrom('auditLog').select('after').where('action', '=', 'supply.stock_moved').where('entityId', '=', String(s.id)).orderBy('id').execute()
    expect(audits.map((a) => a.after)).toMatchObject([{ kind: 'in', delta: 30 }, { kind: 'out', delta: -45 }, { kind: 'loss', delta: -5 }, { kind: 'count', delta: -3, quantity: 97 }])
    expect(await ledgerMismatches(app.db)).toEqual([])
  })

  it('refuses to overdraw with the stock there is, and a count against a stale version', async () => {
    const s = await addSupply(township, { regionCode: ZHILI, name: '救生衣', unit: '件', quantity: 120 })
    const out = await move(township, s.id, { kind: 'out', quantity: 200, reason: '发放', version: s.version })
    expect(out.statusCode).toBe(409)
    expect(out.json()).toMatchObject({ code: 'INSUFFICIENT_STOCK', message: '库存不足：“救生衣”现有 120 件，不能出库 200 件' })
    const loss = await move(township, s.id, { kind: 'loss', quantity: 121, reason: '损坏', version: s.version })
    expect(loss.json().message).toBe('库存不足：“救生衣”现有 120 件，不能报损 121 件')
    const zero = await move(township, s.id, { kind: 'out', quantity: 0, reason: '发放', version: s.version })
    expect(zero.statusCode).toBe(400)
    expect(zero.json().message).toBe('“数量”的值“0”必须大于 0')
    const noVersion = await move(township, s.id, { kind: 'count', quantity: 100, reason: '盘点' })
    expect(noVersion.statusCode).toBe(400)
    const staleCount = await move(township, s.id, { kind: 'count', quantity: 100, reason: '盘点', version: s.version - 1 })
    expect(staleCount.statusCode).toBe(409)
    expect(staleCount.json().code).toBe('STALE_VERSION')
    expect((await township.request({ url: `/api/supplies/${s.id}` })).json().quantity).toBe(120)
  })

  it('handles fractional stock exactly (tons of sand)', async () => {
    const s = await addSupply(township, { regionCode: ZHILI, name: '防汛砂石', unit: '吨', quantity: 0.1 })
    const inn = await move(township, s.id, { kind: 'in', quantity: 0.2, reason: '补充', version: s.version })
    expect(inn.json().quantity).toBe(0.3)
    const out = await move(township, s.id, { kind: 'out', quantity: 0.3, reason: '堵口', version: inn.json().version })
    expect(out.json().quantity).toBe(0)
    expect((await move(township, s.id, { kind: 'out', quantity: 0.1, reason: '堵口', version: out.json().version })).json().message).toBe('库存不足：“防汛砂石”现有 0 吨，不能出库 0.1 吨')
    expect(await ledgerMismatches(app.db)).toEqual([])
  })

  it('books parallel 出库 made at one version once; the others are told the line changed, and nothing overdraws', async () => {
    const s = await addSupply(township, { regionCode: ZHILI, name: '编织袋', unit: '只', quantity: 100 })
    const results = await Promise.all(Array.from({ length: 6 }, () =>
      move(township, s.id, { kind: 'out', quantity: 30, reason: '装沙袋', version: s.version })))
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409, 409, 409, 409, 409])
    for (const r of results.filter((x) => x.statusCode === 409)) {
      expect(r.json()).toMatchObject({ code: 'STALE_VERSION', message: '物资“编织袋”已被他人修改，请刷新后再提交' })
    }
    // Each keeper looks again and books at the version now shown, until the stock runs out.
    const outcomes: string[] = []
    for (let i = 0; i < 3; i++) {
      const now = (await township.request({ url: `/api/supplies/${s.id}` })).json()
      const r = await move(township, s.id, { kind: 'out', quantity: 30, reason: '装沙袋', version: now.version })
      outcomes.push(r.statusCode === 200 ? String(r.json().quantity) : r.json().code)
    }
    expect(outcomes).toEqual(['40', '10', 'INSUFFICIENT_STOCK'])
    expect(await ledgerMismatches(app.db)).toEqual([])
  })

  it('refuses 入库, 出库, 报损 and 调拨 made against a stale version with 409, booking nothing', async () => {
    const s = await addSupply(township, { regionCode: ZHILI, name: '应急灯', unit: '盏', quantity: 50 })
    const to = await addStoragePoint(app.db, ZHILI, '织里镇前置点')
    // Another keeper issues first.
    const first = await move(township, s.id, { kind: 'out', quantity: 5, reason: '夜间巡查', version: s.version })
    expect(first.json().version).toBe(s.version + 1)
    for (const kind of ['in', 'out', 'loss', 'count']) {
      const res = await move(township, s.id, { kind, quantity: 1, reason: '按旧页面登记', version: s.version })
      expect(res.statusCode, kind).toBe(409)
      expect(res.json()).toMatchObject({ code: 'STALE_VERSION', message: '物资“应急灯”已被他人修改，请刷新后再提交' })
    }
    const staleTransfer = await transfer(township, s.id, { quantity: 1, reason: '支援', version: s.version, toStoragePointId: to })
    expect(staleTransfer.statusCode).toBe(409)
    expect(staleTransfer.json().code).toBe('STALE_VERSION')
    const missing = await move(township, s.id, { kind: 'out', quantity: 1, reason: '没带版本号' })
    expect(missing.statusCode).toBe(400)
    expect(missing.json().message).toContain('version')
    const now = (await township.request({ url: `/api/supplies/${s.id}` })).json()
    expect(now).toMatchObject({ quantity: 45, version: s.version + 1 })
    expect(await app.db.selectFrom('supply').select('id').where('storagePointId', '=', to).execute()).toEqual([])
    const moves = await app.db.selectFrom('stockMovement').select('kind').where('supplyId', '=', s.id).execute()
    expect(moves.map((m) => m.kind).sort()).toEqual(['in', 'out'])
    expect(await ledgerMismatches(app.db)).toEqual([])
  })
})

describe('transfers', () => {
  it('creates the line at the target storage point, then reuses it, with linked movements', async () => {
    const from = await addStoragePoint(app.db, ZHILI, '织里镇仓库')
    const to = await addStoragePoint(app.db, ZHILI, '轧村前置点', { lng: 120.3, lat: 30.85 })
    const s = await addSupply(township, { regionCode: ZHILI, name: '抽水泵', specification: '100 m³/h', unit: '台', quantity: 10, isEquipment: true, storagePointId: from })
    const first = await transfer(township, s.id, { quantity: 4, reason: '支援轧村', version: s.version, toStoragePointId: to })
    expect(first.statusCode).toBe(200)
    const { from: a, to: b } = first.json()
    expect(a).toMatchObject({ id: s.id, quantity: 6 })
    expect(b).toMatchObject({
      name: '抽水泵', specification: '100 m³/h', unit: '台', isEquipment: true, classCode: s.classCode, quantity: 4,
      storagePointId: to, storagePointName: '轧村前置点', regionCode: ZHILI, lng: 120.3, lat: 30.85,
    })
    const second = await transfer(township, s.id, { quantity: 1, reason: '再支援', version: a.version, toStoragePointId: to })
    expect(second.json().to).toMatchObject({ id: b.id, quantity: 5 })
    expect(second.json().from.quantity).toBe(5)
    const outs = await app.db.selectFrom('stockMovement').select(['kind', 'delta', 'counterpartSupplyId']).where('supplyId', '=', s.id).where('kind', '=', 'transfer_out').orderBy('id').execute()
    expect(outs).toEqual([{ kind: 'transfer_out', delta: -4, counterpartSupplyId: b.id }, { kind: 'transfer_out', delta: -1, counterpartSupplyId: b.id }])
    const detail = (await township.request({ url: `/api/supplies/${b.id}` })).json()
    expect(detail.movements.map((m: { kind: string; kindLabel: string; delta: number; counterpartSupplyId: number }) => [m.kind, m.kindLabel, m.delta, m.counterpartSupplyId]))
      .toEqual([['transfer_in', '调拨入库', 1, s.id], ['transfer_in', '调拨入库', 4, s.id]])
    // Back to a given line.
    const back = await transfer(township, b.id, { quantity: 5, reason: '归还', version: second.json().to.version, toSupplyId: s.id })
    expect(back.json()).toMatchObject({ from: { quantity: 0 }, to: { quantity: 10 } })
    const over = await transfer(township, b.id, { quantity: 1, reason: '归还', version: back.json().from.version, toSupplyId: s.id })
    expect(over.statusCode).toBe(409)
    expect(over.json().message).toBe('库存不足：“抽水泵”现有 0 台，不能调出 1 台')
    expect(await ledgerMismatches(app.db)).toEqual([])
  })

  it('refuses a target outside the jurisdiction, a unit mismatch and an ambiguous target', async () => {
    const s = await addSupply(township, { regionCode: ZHILI, name: '帐篷', unit: '顶', quantity: 20 })
    const elsewherePoint = await addStoragePoint(app.db, BALIDIAN, '八里店镇仓库')
    const elsewhereLine = await addSupply(wuxing, { regionCode: BALIDIAN, name: '帐篷', unit: '顶', quantity: 5 })
    const point = await transfer(township, s.id, { quantity: 1, reason: '支援', version: s.version, toStoragePointId: elsewherePoint })
    expect(point.statusCode).toBe(400)
    expect(point.json().message).toBe(`“调入储备点”的值“${elsewherePoint}”不存在或不在您的辖区内`)
    const line = await transfer(township, s.id, { quantity: 1, reason: '支援', version: s.version, toSupplyId: elsewhereLine.id })
    expect(line.statusCode).toBe(400)
    const quilts = await addSupply(township, { regionCode: ZHILI, name: '棉被', unit: '床', quantity: 5 })
    const unit = await transfer(township, s.id, { quantity: 1, reason: '支援', version: s.version, toSupplyId: quilts.id })
    expect(unit.json().message).toBe(`“调入物资”的值“${quilts.id}”的计量单位“床”与调出物资的“顶”不同`)
    const both = await transfer(township, s.id, { quantity: 1, reason: '支援', version: s.version, toSupplyId: quilts.id, toStoragePointId: elsewherePoint })
    expect(both.statusCode).toBe(400)
    // The county sees both towns and may move stock between them.
    const county = await transfer(wuxing, s.id, { quantity: 2, reason: '县级调拨', version: s.version, toStoragePointId: elsewherePoint })
    expect(county.statusCode).toBe(200)
    expect(county.json().to).toMatchObject({ regionCode: BALIDIAN, storagePointId: elsewherePoint, quantity: 2 })
    expect((await township.request({ url: `/api/supplies/${s.id}` })).json().quantity).toBe(18)
    expect(await ledgerMismatches(app.db)).toEqual([])
  })
})

describe('demo supplies', () => {
  it('puts lines at the demo storage points, each with its 建账（演示） movement, once', async () => {
    const county = '330521000000' // 德清县
    const points = await app.db.selectFrom('region').select(['code', 'level']).where('code', 'like', '330521%')
      .where('level', 'in', ['township', 'village']).orderBy('code').limit(6).execute()
    for (const p of points) {
      const id = await addStoragePoint(app.db, p.code, `${p.code}储备点（演示）`)
      await app.db.updateTable('resource').set({ isDemo: true }).where('id', '=', id).execute()
    }
    const counts = await seedDemoSupplies(app.db, county)
    expect(counts.storagePoints).toBe(6)
    const perPoint = await app.db.selectFrom('supply as s').innerJoin('region as r', 'r.code', 's.regionCode')
      .select(['s.storagePointId', 'r.level', (eb) => eb.fn.countAll<number>().as('n')])
      .where('s.isDemo', '=', true).where('s.regionCode', 'like', '330521%').groupBy(['s.storagePointId', 'r.level']).execute()
    expect(perPoint).toHaveLength(6)
    for (const p of perPoint) {
      if (p.level === 'village') expect(p.n).toBeGreaterThanOrEqual(3)
      else expect(p.n).toBeGreaterThanOrEqual(8)
    }
    const reasons = await app.db.selectFrom('stockMovement as m').innerJoin('supply as s', 's.id', 'm.supplyId')
      .select('m.reason').distinct().where('s.isDemo', '=', true).execute()
    expect(reasons).toEqual([{ reason: '建账（演示）' }])
    expect(await ledgerMismatches(app.db)).toEqual([])
    expect(await seedDemoSupplies(app.db, county)).toEqual({ lines: 0, storagePoints: 0 })
  })
})
