import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, TEST_PASSWORD, testApp } from '../../testing/test-app.js'
import { totpAt } from './totp.js'

let app: FastifyInstance
beforeAll(async () => { app = await testApp() })
afterAll(async () => { await app.close() })

const login = (username: string, password: string, totp?: string) =>
  app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password, totp } })

describe('login', () => {
  it('signs in with an httpOnly SameSite cookie, stores an argon2id hash and audits the login', async () => {
    const s = await signIn(app, { role: 'county_manager', regionCode: '330502000000', username: 'wuxing' })
    const row = await app.db.selectFrom('appUser').select('passwordHash').where('id', '=', s.userId).executeTakeFirstOrThrow()
    expect(row.passwordHash.startsWith('$argon2id$')).toBe(true)
    const res = await login('WUXING', TEST_PASSWORD)
    expect(res.statusCode).toBe(200)
    const cookie = res.headers['set-cookie'] as string
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Strict/i)
    expect(res.json().user.regionName).toBe('湖州市吴兴区')
    const audit = await app.db.selectFrom('auditLog').select('action').where('action', '=', 'auth.login').where('actorId', '=', s.userId).execute()
    expect(audit.length).toBeGreaterThanOrEqual(2)
  })

  it('gives one Chinese message for unknown users and wrong passwords alike', async () => {
    await signIn(app, { role: 'viewer', regionCode: '330502000000', username: 'alike' })
    const a = await login('nobody-here', 'x')
    const b = await login('alike', 'wrong-password')
    expect(a.statusCode).toBe(401)
    expect(b.statusCode).toBe(401)
    expect(a.json().message).toBe('用户名或口令错误')
    expect(b.json().message).toBe('用户名或口令错误')
  })

  it('locks the account for 15 minutes after 5 failures, and says so only to the right password', async () => {
    await signIn(app, { role: 'viewer', regionCode: '330502000000', username: 'locky' })
    for (let i = 0; i < 5; i++) expect((await login('locky', 'bad')).json().code).toBe('BAD_CREDENTIALS')
    expect((await login('locky', 'bad')).statusCode).toBe(401)
    const right = await login('locky', TEST_PASSWORD)
    expect(right.statusCode).toBe(423)
    expect(right.json().message).toContain('锁定')
    const u = await app.db.selectFrom('appUser').select('lockedUntil').where('username', '=', 'locky').executeTakeFirstOrThrow()
    const minutes = (u.lockedUntil!.getTime() - Date.now()) / 60_000
    expect(minutes).toBeGreaterThan(14)
    expect(minutes).toBeLessThanOrEqual(15)
  })

  it('rejects writes without the CSRF token and expires idle sessions', async () => {
    const s = await signIn(app, { role: 'viewer', regionCode: '330502000000' })
    const noToken = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: s.cookie } })
    expect(noToken.statusCode).toBe(403)
    expect(noToken.json().code).toBe('CSRF')
    await app.db.updateTable('session').set({ lastSeenAt: new Date(Date.now() - 31 * 60_000) }).where('userId', '=', s.userId).execute()
    const me = await s.request({ url: '/api/auth/me' })
    expect(me.statusCode).toBe(401)
    expect(me.json().code).toBe('SESSION_EXPIRED')
  })

  it('requires the second factor once TOTP is enabled', async () => {
    const s = await signIn(app, { role: 'viewer', regionCode: '330502000000', username: 'totpuser' })
    const setup = await s.request({ method: 'POST', url: '/api/auth/totp/setup' })
    expect(setup.statusCode).toBe(200)
    const { secret } = setup.json()
    expect((await s.request({ method: 'POST', url: '/api/auth/totp/enable', payload: { code: '000000' } })).statusCode).toBe(400)
    expect((await s.request({ method: 'POST', url: '/api/auth/totp/enable', payload: { code: totpAt(secret, Date.now()) } })).statusCode).toBe(200)
    const without = await login('totpuser', TEST_PASSWORD)
    expect(without.statusCode).toBe(401)
    expect(without.json().code).toBe('TOTP_REQUIRED')
    expect((await login('totpuser', TEST_PASSWORD, totpAt(secret, Date.now()))).statusCode).toBe(200)
  })

  it('enforces the password policy on change', async () => {
    const s = await signIn(app, { role: 'viewer', regionCode: '330502000000' })
    const weak = await s.request({ method: 'POST', url: '/api/auth/password', payload: { oldPassword: TEST_PASSWORD, newPassword: 'abcdefgh' } })
    expect(weak.statusCode).toBe(400)
    expect(weak.json().message).toContain('三类')
    const ok = await s.request({ method: 'POST', url: '/api/auth/password', payload: { oldPassword: TEST_PASSWORD, newPassword: 'New-Passw0rd' } })
    expect(ok.statusCode).toBe(200)
  })

  it('names the missing field in Chinese when the body is incomplete', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'x' } })
    expect(res.statusCode).toBe(400)
    expect(res.json().message).toContain('password')
  })
})
