import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { testApp } from '../../testing/test-app.js'

let app: FastifyInstance
beforeAll(async () => { app = await testApp() })
afterAll(async () => { await app.close() })

it('answers health with the database state without signing in', async () => {
  const res = await app.inject({ url: '/api/health' })
  expect(res.statusCode).toBe(200)
  expect(res.json()).toMatchObject({ status: 'ok', database: { ok: true, embedded: true } })
  expect(res.json().database.version).toMatch(/^\d+/)
})

it('documents every API route in the OpenAPI document, with a Chinese tag', async () => {
  const res = await app.inject({ url: '/api/openapi.json' })
  expect(res.statusCode).toBe(200)
  const doc = res.json()
  expect(doc.openapi).toMatch(/^3\./)
  const documented = new Set<string>()
  for (const [path, ops] of Object.entries<Record<string, { tags?: string[] }>>(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      documented.add(`${method.toUpperCase()} ${path}`)
      expect(op.tags?.[0], `${method} ${path}`).toMatch(/\p{Script=Han}/u)
    }
  }
  const apiRoutes = app.routeList.filter((r) => r.url.startsWith('/api/') && !r.schema?.hide && r.method !== 'HEAD')
  expect(apiRoutes.length).toBeGreaterThan(5)
  for (const r of apiRoutes) {
    const methods = Array.isArray(r.method) ? r.method : [r.method]
    const path = r.url.replace(/:(\w+)/g, '{$1}')
    for (const m of methods) expect(documented, `${m} ${path}`).toContain(`${m} ${path}`)
  }
})

it('answers unknown routes and broken JSON with Chinese messages, never 500', async () => {
  const missing = await app.inject({ url: '/api/no-such-thing' })
  expect(missing.statusCode).toBe(404)
  expect(missing.json().message).toContain('接口不存在')
  const broken = await app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":' })
  expect(broken.statusCode).toBe(400)
  expect(broken.json().message).toBe('请求内容不是有效的 JSON')
})
