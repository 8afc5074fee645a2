import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildApp, type AppOptions } from '../app.js'
import { sendEvents } from '../events/bus.js'
import { createTestDb, signIn, TEST_PASSWORD, testApp } from '../testing/test-app.js'
import { contentSecurityPolicy, xyzSource } from './security-headers.js'

const WUXING = '330502000000'
let webRoot: string

/** The app over a small built web app, with a route that fails and one that streams events. */
async function appWithWeb(opts: Partial<AppOptions> = {}): Promise<FastifyInstance> {
  const { db, drop } = await createTestDb()
  const app = await buildApp({ embedded: true, logLevel: 'silent', webRoot, ...opts, db })
  app.get('/api/test-failure', { config: { public: true }, schema: { hide: true } }, async () => { throw new Error('故意的失败') })
  app.get('/api/test-stream', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
    sendEvents(reply, req, ['test'])
    return reply
  })
  app.addHook('onClose', drop)
  await app.ready()
  return app
}

function expectSecurityHeaders(res: LightMyRequestResponse, referrer = 'strict-origin-when-cross-origin') {
  const csp = String(res.headers['content-security-policy'])
  expect(csp).toContain("default-src 'self'")
  expect(csp).toContain("script-src 'self';")
  expect(csp).toContain("frame-ancestors 'none'")
  expect(csp).toContain("object-src 'none'")
  expect(res.headers['x-frame-options']).toBe('DENY')
  expect(res.headers['x-content-type-options']).toBe('nosniff')
  expect(res.headers['referrer-policy']).toBe(referrer)
  expect(res.headers['permissions-policy']).toContain('camera=()')
  expect(res.headers['cross-origin-opener-policy']).toBe('same-origin')
}

beforeAll(async () => {
  webRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'shouwang-web-'))
  await fs.writeFile(path.join(webRoot, 'index.html'), '<!doctype html><title>守望</title><script type="module" src="/assets/app.js"></script>')
  await fs.mkdir(path.join(webRoot, 'assets'))
  await fs.writeFile(path.join(webRoot, 'assets', 'app.js'), 'console.log(1)\n')
})
afterAll(async () => { await fs.rm(webRoot, { recursive: true, force: true }) })

describe('security headers', () => {
  let app: FastifyInstance
  beforeAll(async () => { app = await appWithWeb() })
  afterAll(async () => { await app.close() })

  it('go on the web app, its files and the browser routes', async () => {
    for (const url of ['/', '/assets/app.js', '/map', '/c/some-token']) {
      const res = await app.inject({ url })
      expect(res.statusCode, url).toBe(200)
      expectSecurityHeaders(res, url.startsWith('/c/') ? 'no-referrer' : undefined)
    }
  })

  it('go on API replies, refusals, 404s, schema errors and server faults', async () => {
    const health = await app.inject({ url: '/api/health' })
    expect(health.statusCode).toBe(200)
    expectSecurityHeaders(health)

    const anonymous = await app.inject({ url: '/api/people' })
    expect(anonymous.statusCode).toBe(401)
    expectSecurityHeaders(anonymous)

    // The web app's fallback answers GETs; the router's own 404 answers the rest.
    for (const [method, url] of [['GET', '/api/no-such-thing'], ['POST', '/no-such-page']] as const) {
      const missing = await app.inject({ method, url })
      expect(missing.statusCode, url).toBeGreaterThanOrEqual(400)
      expect(missing.statusCode, url).toBeLessThan(500)
      expectSecurityHeaders(missing)
    }

    const badJson = await app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{' })
    expect(badJson.statusCode).toBe(400)
    expectSecurityHeaders(badJson)

    const fault = await app.inject({ url: '/api/test-failure' })
    expect(fault.statusCode).toBe(500)
    expect(fault.json().code).toBe('INTERNAL')
    expectSecurityHeaders(fault)

    // A URL that cannot be decoded is answered before any hook runs: still 400 in Chinese, with the headers.
    const badUrl = await app.inject({ url: '/api/people/%zz' })
    expect(badUrl.statusCode).toBe(400)
    expect(badUrl.json().message).toContain('请求地址')
    expectSecurityHeaders(badUrl)

    const confirm = await app.inject({ url: '/api/confirm/not-a-token' })
    expect(confirm.statusCode).toBeGreaterThanOrEqual(400)
    expect(confirm.statusCode).toBeLessThan(500)
    expectSecurityHeaders(confirm, 'no-referrer')
  })

  it('go on event streams, which write their own head', async () => {
    const res = await app.inject({ url: '/api/test-stream' })
    expect(res.headers['content-type']).toContain('text/event-stream')
    expect(res.body).toContain(': connected')
    expectSecurityHeaders(res)
  })
})

describe('content security policy', () => {
  it('lets tiles come only from the basemap hosts that are configured', () => {
    const none = contentSecurityPolicy({})
    expect(none).not.toContain('tianditu')
    expect(none).toContain("img-src 'self' data: blob:;")
    expect(none).toContain("connect-src 'self';")
    const both = contentSecurityPolicy({ SHOUWANG_TIANDITU_TK: 'abc', SHOUWANG_XYZ_TEMPLATE: 'https://Tiles.Example.cn:8443/{z}/{x}/{y}.png' })
    expect(both).toContain("img-src 'self' data: blob: https://*.tianditu.gov.cn https://tiles.example.cn:8443;")
    expect(both).toContain("connect-src 'self' https://*.tianditu.gov.cn https://tiles.example.cn:8443;")
  })

  it('reads the origin of an XYZ template and nothing that could break out of the header', () => {
    expect(xyzSource('http://10.1.2.3/tiles/{z}/{x}/{y}.png')).toBe('http://10.1.2.3')
    expect(xyzSource('https://{a}.tile.example.cn/{z}/{x}/{y}.png')).toBe('https://*.tile.example.cn')
    expect(xyzSource('/tiles/{z}/{x}/{y}.png')).toBeNull()
    expect(xyzSource("https://evil.example; script-src 'unsafe-inline'/{z}")).toBeNull()
    expect(xyzSource('javascript:alert(1)')).toBeNull()
  })

  it('is what the app sends when 天地图 is configured', async () => {
    vi.stubEnv('SHOUWANG_TIANDITU_TK', 'test-key')
    const app = await testApp()
    try {
      const res = await app.inject({ url: '/api/health' })
      expect(res.headers['content-security-policy']).toContain('https://*.tianditu.gov.cn')
    } finally {
      vi.unstubAllEnvs()
      await app.close()
    }
  })
})

describe('session cookie', () => {
  const login = (app: FastifyInstance, username: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/api/auth/login', headers, payload: { username, password: TEST_PASSWORD } })
  const sessionCookie = (res: LightMyRequestResponse) => {
    expect(res.statusCode, res.body).toBe(200)
    const cookie = res.cookies.find((c) => c.name === 'sw_session')
    expect(cookie).toBeDefined()
    return cookie!
  }

  it('is Secure over HTTPS through a trusted proxy, and not over plain HTTP', async () => {
    const app = await testApp({ trustProxy: true })
    try {
      const username = `proxy_${process.pid}`
      await signIn(app, { role: 'viewer', regionCode: WUXING, username })
      const https = sessionCookie(await login(app, username, { 'x-forwarded-proto': 'https' }))
      expect(https.secure).toBe(true)
      expect(https.httpOnly).toBe(true)
      expect(https.sameSite).toBe('Strict')
      const plain = sessionCookie(await login(app, username))
      expect(plain.secure).toBeFalsy()
    } finally {
      await app.close()
    }
  })

  it('ignores X-Forwarded-Proto from an untrusted client, and is Secure whenever configured', async () => {
    const direct = await testApp({ trustProxy: false })
    const configured = await testApp({ cookieSecure: true })
    try {
      const username = `direct_${process.pid}`
      await signIn(direct, { role: 'viewer', regionCode: WUXING, username })
      expect(sessionCookie(await login(direct, username, { 'x-forwarded-proto': 'https' })).secure).toBeFalsy()
      await signIn(configured, { role: 'viewer', regionCode: WUXING, username })
      expect(sessionCookie(await login(configured, username)).secure).toBe(true)
    } finally {
      await direct.close()
      await configured.close()
    }
  })
})
