import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Session, signIn, testApp } from '../../testing/test-app.js'

// 扬州市江都区 has 14 townships; 仙女镇 has 64 villages (statistical tables in the template).
const JIANGDU = '321012000000'
const XIANNU = '321012100000'
const GUANGLING = '321002000000'

let app: FastifyInstance
let county: Session
beforeAll(async () => {
  app = await testApp()
  county = await signIn(app, { role: 'county_manager', regionCode: JIANGDU })
})
afterAll(async () => { await app.close() })

const get = (s: Session, url: string) => s.request({ url })

describe('GET /api/regions/root and /:code', () => {
  it('gives a county user their own county', async () => {
    const res = await get(county, '/api/regions/root')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      code: JIANGDU, name: '江都区', fullName: '扬州市江都区', level: 'county', kind: null, parentCode: '321000000000', childCount: 14,
    })
  })

  it('gives a region below with its path from the user\'s own region down', async () => {
    const res = await get(county, `/api/regions/${XIANNU}`)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ code: XIANNU, name: '仙女镇', fullName: '扬州市江都区仙女镇', level: 'township', kind: '镇', childCount: 64 })
    expect(res.json().path).toEqual([{ code: JIANGDU, name: '江都区' }, { code: XIANNU, name: '仙女镇' }])
    const village = await get(county, '/api/regions/321012100215')
    expect(village.json().path.map((p: { name: string }) => p.name)).toEqual(['江都区', '仙女镇', '横沟村委会'])
    expect(village.json().kind).toBe('村委会')
  })

  it('answers 404 for a sibling county, its townships and the city above', async () => {
    for (const code of [GUANGLING, '321002104000', '321000000000', '330502000000']) {
      const res = await get(county, `/api/regions/${code}`)
      expect(res.statusCode).toBe(404)
      expect(res.json().code).toBe('NOT_FOUND')
      expect(res.json().message).toContain(code)
    }
    expect((await get(county, `/api/regions/${GUANGLING}/children`)).statusCode).toBe(404)
  })

  it('refuses a malformed code in Chinese and strangers without a session', async () => {
    const bad = await get(county, '/api/regions/3210')
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toContain('区划代码')
    expect((await app.inject({ url: '/api/regions/root' })).statusCode).toBe(401)
  })
})

describe('GET /api/regions/:code/children', () => {
  it('lists the townships of the county with their child counts', async () => {
    const res = await get(county, `/api/regions/${JIANGDU}/children`)
    expect(res.statusCode).toBe(200)
    const rows = res.json() as Array<{ code: string; level: string; childCount: number; parentCode: string }>
    expect(rows).toHaveLength(14)
    expect(rows.every((r) => r.level === 'township' && r.parentCode === JIANGDU)).toBe(true)
    expect(rows[0]).toMatchObject({ code: XIANNU, name: '仙女镇', childCount: 64 })
  })

  it('gives a township user the villages and nothing above', async () => {
    const township = await signIn(app, { role: 'township_manager', regionCode: XIANNU })
    expect((await get(township, '/api/regions/root')).json().code).toBe(XIANNU)
    const villages = (await get(township, `/api/regions/${XIANNU}/children`)).json() as Array<{ level: string; childCount: number }>
    expect(villages).toHaveLength(64)
    expect(villages.every((v) => v.level === 'village' && v.childCount === 0)).toBe(true)
    expect((await get(township, `/api/regions/${JIANGDU}`)).statusCode).toBe(404)
  })
})

describe('GET /api/regions/search', () => {
  const search = (s: Session, q: string) => get(s, `/api/regions/search?q=${encodeURIComponent(q)}`)

  it('finds one village where the jurisdiction holds only one of that name', async () => {
    // 横沟村委会 exists in 江都区仙女镇 and in 广陵区汤汪街道; the county user sees only theirs.
    const res = await search(county, '横沟村')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      match: 'one',
      items: [{ code: '321012100215', name: '横沟村委会', fullName: '扬州市江都区仙女镇横沟村委会', level: 'village', kind: '村委会' }],
    })
  })

  it('shows the city user both and says it is ambiguous', async () => {
    const city = await signIn(app, { role: 'city_manager', regionCode: '321000000000' })
    const res = await search(city, '横沟村')
    expect(res.json().match).toBe('ambiguous')
    expect(res.json().items.map((i: { code: string }) => i.code)).toEqual(['321002005200', '321012100215'])
    expect((await search(city, '汤汪横沟村')).json().items[0].code).toBe('321002005200')
  })

  it('understands county prefixes, including the city above the user', async () => {
    for (const q of ['江都仙女镇', '扬州市江都区仙女镇', '江都区 仙女镇。', '仙女镇']) {
      const res = await search(county, q)
      expect(res.json().match, q).toBe('one')
      expect(res.json().items[0].code, q).toBe(XIANNU)
    }
  })

  it('never returns regions of a sibling county', async () => {
    // 头桥镇 and 汤汪街道 belong to 广陵区.
    for (const q of ['头桥', '头桥镇', '汤汪', '广陵区头桥镇', '扬州', '桥']) {
      const res = await search(county, q)
      expect(res.statusCode).toBe(200)
      for (const item of res.json().items as Array<{ code: string }>) expect(item.code.startsWith('321012'), `${q}: ${item.code}`).toBe(true)
    }
    expect((await search(county, '头桥镇')).json()).toEqual({ match: 'none', items: [] })
  })

  it('suggests regions containing the text when nothing matches', async () => {
    const res = await search(county, '仙')
    expect(res.json().match).toBe('none')
    expect(res.json().items.map((i: { name: string }) => i.name)).toEqual(['仙女镇', '仙女社区居委会', '双仙社区居委会'])
  })

  it('names the missing text in Chinese', async () => {
    const res = await get(county, '/api/regions/search?q=')
    expect(res.statusCode).toBe(400)
    expect(res.json().message).toContain('区划名称')
  })
})
