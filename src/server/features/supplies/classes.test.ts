import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { addSupply } from './test-fixtures.js'

let app: FastifyInstance
let city: Session
let county: Session
let otherCounty: Session

beforeAll(async () => {
  app = await testApp()
  city = await signIn(app, { role: 'city_manager', regionCode: '330500000000' })
  county = await signIn(app, { role: 'county_manager', regionCode: '330502000000' })
  otherCounty = await signIn(app, { role: 'county_manager', regionCode: '330503000000' })
})
afterAll(async () => { await app.close() })

const addClass = (s: Session, payload: Record<string, unknown>) => s.request({ method: 'POST', url: '/api/supply-classes', payload })
type Row = { code: string; name: string; parentCode: string | null; level: number; keywords: string[]; builtin: boolean; lineCount: number }

describe('supply classes', () => {
  it('lists the standard 大类 flat, with line counts of the caller’s jurisdiction only', async () => {
    await addSupply(county, { regionCode: '330502100000', name: '冲锋舟', unit: '艘', quantity: 2 })
    await addSupply(otherCounty, { regionCode: '330503001000', name: '冲锋舟', unit: '艘', quantity: 1 })
    await addSupply(otherCounty, { regionCode: '330503001000', name: '橡皮艇', unit: '艘', quantity: 1 })
    const res = await county.request({ url: '/api/supply-classes' })
    expect(res.statusCode).toBe(200)
    const rows: Row[] = res.json()
    expect(rows.map((c) => [c.code, c.level, c.parentCode, c.builtin])).toEqual([
      ['1000000', 1, null, true], ['2000000', 1, null, true], ['3000000', 1, null, true], ['9000000', 1, null, true],
    ])
    expect(rows.find((c) => c.code === '2000000')).toMatchObject({ name: '应急装备及配套物资', lineCount: 1 })
    expect(rows.find((c) => c.code === '2000000')!.keywords).toContain('救生衣')
    const cityRows: Row[] = (await city.request({ url: '/api/supply-classes' })).json()
    expect(cityRows.find((c) => c.code === '2000000')!.lineCount).toBe(3)
  })

  it('adds classes below existing parents only, with codes.manage', async () => {
    const denied = await addClass(county, { code: '2010000', name: '水上救援装备', keywords: ['舟'] })
    expect(denied.statusCode).toBe(403)
    const mid = await addClass(city, { code: '2010000', name: '水上救援装备', keywords: [' 舟 ', '艇', '舟', ''] })
    expect(mid.statusCode).toBe(201)
    expect(mid.json()).toMatchObject({ code: '2010000', parentCode: '2000000', level: 2, keywords: ['舟', '艇'], builtin: false })
    const small = await addClass(city, { code: '2010100', name: '救生器材', keywords: ['救生'] })
    expect(small.json()).toMatchObject({ parentCode: '2010000', level: 3 })
    const fine = await addClass(city, { code: '2010101', name: '救生衣', keywords: ['救生衣'] })
    expect(fine.json()).toMatchObject({ parentCode: '2010100', level: 4 })
    const orphan = await addClass(city, { code: '2020100', name: '无上级', keywords: [] })
    expect(orphan.statusCode).toBe(400)
    expect(orphan.json().message).toBe('“分类编码”的值“2020100”的上级分类“2020000”不存在，请先建立上级分类')
    // 中类 digits 00 with a 小类: the parent would be the 大类, skipping a level.
    const skip = await addClass(city, { code: '2000100', name: '跳级', keywords: [] })
    expect(skip.statusCode).toBe(400)
    const top = await addClass(city, { code: '4000000', name: '新大类', keywords: [] })
    expect(top.json().message).toBe('“分类编码”的值“4000000”是大类编码；大类由国家标准规定，不能新增')
    const format = await addClass(city, { code: '201', name: '短', keywords: [] })
    expect(format.statusCode).toBe(400)
    expect(format.json().message).toBe('“分类编码”的值“201”格式不正确')
    const dup = await addClass(city, { code: '2010000', name: '重复', keywords: [] })
    expect(dup.statusCode).toBe(409)
    expect(dup.json().message).toBe('分类编码“2010000”已存在')
    // The new finer class now classifies lines by its keyword.
    const line = await addSupply(county, { regionCode: '330502100000', name: '成人救生衣', unit: '件', quantity: 10 })
    expect(line).toMatchObject({ classCode: '2010101', className: '救生衣', topClassName: '应急装备及配套物资' })
    const filtered = (await county.request({ url: '/api/supplies?classCode=2010000' })).json()
    expect(filtered.items.map((s: { name: string }) => s.name)).toEqual(['成人救生衣'])
  })

  it('lets builtin classes change keywords only, and refuses to delete builtin or used classes', async () => {
    const rename = await city.request({ method: 'PUT', url: '/api/supply-classes/1000000', payload: { name: '生活物资', keywords: ['帐篷'] } })
    expect(rename.statusCode).toBe(409)
    expect(rename.json().message).toBe('“基本生活保障物资”是国家标准规定的分类，名称不能修改，只能调整关键词')
    const keywords = await city.request({ method: 'PUT', url: '/api/supply-classes/1000000', payload: { name: '基本生活保障物资', keywords: ['帐篷', '棉被', '折叠床'] } })
    expect(keywords.statusCode).toBe(200)
    expect(keywords.json().keywords).toEqual(['帐篷', '棉被', '折叠床'])
    const builtin = await city.request({ method: 'DELETE', url: '/api/supply-classes/9000000' })
    expect(builtin.statusCode).toBe(409)
    expect(builtin.json().code).toBe('BUILTIN_CLASS')

    await addClass(city, { code: '3010000', name: '防汛材料', keywords: [] })
    await addClass(city, { code: '3010100', name: '袋类', keywords: [] })
    const parent = await city.request({ method: 'DELETE', url: '/api/supply-classes/3010000' })
    expect(parent.statusCode).toBe(409)
    expect(parent.json().message).toBe('“防汛材料”下还有下级分类“3010100”，请先删除下级分类')
    const renamed = await city.request({ method: 'PUT', url: '/api/supply-classes/3010100', payload: { name: '袋类材料', keywords: ['编织袋'] } })
    expect(renamed.json()).toMatchObject({ name: '袋类材料', keywords: ['编织袋'] })
    // Used by a line of another county: still in use, whoever asks.
    await addSupply(otherCounty, { regionCode: '330503001000', name: '编织袋', unit: '只', quantity: 100, classCode: '3010100' })
    const used = await city.request({ method: 'DELETE', url: '/api/supply-classes/3010100' })
    expect(used.statusCode).toBe(409)
    expect(used.json().code).toBe('IN_USE')
    await addClass(city, { code: '3010200', name: '桩类', keywords: [] })
    const removed = await city.request({ method: 'DELETE', url: '/api/supply-classes/3010200' })
    expect(removed.statusCode).toBe(200)
    expect((await city.request({ method: 'DELETE', url: '/api/supply-classes/3010200' })).statusCode).toBe(404)
    const actions = await app.db.selectFrom('auditLog').select('action').where('entity', '=', 'supply_class').where('entityId', '=', '3010200').orderBy('id').execute()
    expect(actions.map((a) => a.action)).toEqual(['supply_class.created', 'supply_class.deleted'])
  })
})
