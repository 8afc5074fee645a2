import Fastify, { type FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, testApp, type Session } from '../testing/test-app.js'
import { describePgError, errorsPlugin, shownValue } from './errors.js'
import { findHostileValue, MAX_DEPTH } from './validation.js'

let app: FastifyInstance
let county: Session
beforeAll(async () => {
  app = await testApp()
  county = await signIn(app, { role: 'county_manager', regionCode: '330502000000' })
})
afterAll(async () => { await app.close() })

describe('the walk after the schema', () => {
  const schema = {
    type: 'object',
    properties: {
      name: { type: 'string', title: '名称' },
      detail: { anyOf: [{ type: 'object', properties: { areaM2: { type: 'number', title: '面积（m²）' } } }, { type: 'null' }] },
      polygons: { type: 'array', items: { type: 'array', items: [{ type: 'number', title: '纬度' }, { type: 'number', title: '经度' }] } },
    },
  }

  it('finds a non-finite number, a NUL in a value or a key, and names the field by its title', () => {
    expect(findHostileValue({ name: 'ok', detail: { areaM2: 12 } }, schema)).toBeNull()
    expect(findHostileValue({ detail: { areaM2: Infinity } }, schema)).toMatchObject({ keyword: 'finite', instancePath: '/detail/areaM2', parentSchema: { title: '面积（m²）' } })
    expect(findHostileValue({ polygons: [[30, 120], [NaN, 120]] }, schema)).toMatchObject({ keyword: 'finite', instancePath: '/polygons/1/0', parentSchema: { title: '纬度' } })
    expect(findHostileValue({ name: 'a\u0000b' }, schema)).toMatchObject({ keyword: 'controlCharacter', instancePath: '/name', parentSchema: { title: '名称' } })
    expect(findHostileValue({ detail: { 'k\u0000': 1 } }, schema)).toMatchObject({ keyword: 'controlCharacter', instancePath: '/detail' })
    expect(findHostileValue(-0)).toBeNull()
  })

  it('stops at its depth limit without recursing, however deep the input', () => {
    let deep: unknown = 1
    for (let i = 0; i < 100_000; i++) deep = [deep]
    expect(findHostileValue(deep)).toMatchObject({ keyword: 'maxDepth', params: { limit: MAX_DEPTH } })
  })

  it('quotes a refused value briefly, whatever its depth or length', () => {
    let deep: unknown = 1
    for (let i = 0; i < 100_000; i++) deep = [deep]
    expect(shownValue(deep)).toBe('[["…"]]')
    expect(shownValue('x'.repeat(1000))).toBe(`${'x'.repeat(80)}…`)
    expect(shownValue({ a: 1 })).toBe('{"a":1}')
  })
})

describe('through the API', () => {
  it('refuses a NUL in a nested body field, a query value and a query name, in Chinese', async () => {
    const res = await county.request({
      method: 'POST', url: '/api/resources/storage_point',
      payload: { regionCode: '330502001000', name: '储备点', detail: { storageKind: 'point' }, address: '织里\u0000镇' },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'VALIDATION', message: '“地址”含有不允许的控制字符', details: [{ field: 'address' }] })
    expect((await county.request({ url: '/api/people?q=%00' })).json().message).toContain('含有不允许的控制字符')
    // A route without a query schema ignores its query, but not a NUL in it.
    const unschemed = await county.request({ url: '/api/regions/root?x%00=1' })
    expect(unschemed.statusCode).toBe(400)
    expect(unschemed.json().message).toBe('“查询参数”含有不允许的控制字符')
  })

  it('refuses "1e999" in a query number, which coercion would turn into Infinity', async () => {
    const res = await county.request({ url: '/api/people?page=1e999' })
    expect(res.statusCode).toBe(400)
    expect(res.json().message).toBe('“页码”的值“Infinity”不是有限的数值')
  })

  it('refuses a number or a boolean for a text field of a body, and a text for a number', async () => {
    const payload = { regionCode: '330502001000', name: '储备点', detail: { storageKind: 'point' } }
    const number = await county.request({ method: 'POST', url: '/api/resources/storage_point', payload: { ...payload, address: 12 } })
    expect(number.json().message).toBe('“地址”的值“12”类型不对，应为文本或空')
    const text = await county.request({ method: 'POST', url: '/api/resources/storage_point', payload: { ...payload, detail: { storageKind: 'point', areaM2: '12' } } })
    expect(text.json().message).toBe('“面积（m²）”的值“12”类型不对，应为数字或空')
    expect(await app.db.selectFrom('resource').select('id').execute()).toEqual([])
  })

  it('answers a 5000-deep body to a public route with a 400, not a blown stack', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: deep, headers: { 'content-type': 'application/json' } })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('VALIDATION')
  })
})

describe('the last line of defence', () => {
  it('turns the database refusing NUL in text into a 400', async () => {
    const err = await sql`select ${'a\u0000b'}::text`.execute(app.db).then(() => null, (e) => e)
    expect(err.code).toBe('22021')
    expect(describePgError(err)).toMatchObject({ status: 400, code: 'BAD_TEXT' })
    const regex = await sql`select 'a' ~ ${'('}`.execute(app.db).then(() => null, (e) => e)
    expect(describePgError(regex)).toMatchObject({ status: 400, code: 'BAD_TEXT' })
  })

  it('answers a stack overflow on input with a 400 in Chinese', async () => {
    const bare = Fastify({ logger: false })
    await bare.register(errorsPlugin)
    const depth = (v: unknown): number => (Array.isArray(v) ? 1 + depth(v[0]) : 0)
    bare.post('/depth', async (req) => ({ depth: depth(req.body) }))
    // JSON.parse takes any depth; recursive code after it does not.
    const payload = `${'['.repeat(400_000)}1${']'.repeat(400_000)}`
    const res = await bare.inject({ method: 'POST', url: '/depth', payload, headers: { 'content-type': 'application/json' } })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'INPUT_TOO_COMPLEX', message: '请求内容嵌套过深或过于复杂' })
    await bare.close()
  })
})
