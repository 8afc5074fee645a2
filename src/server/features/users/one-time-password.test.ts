import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { passwordProblem } from '../../../domain/auth/password.js'
import { signIn, signInAs, testApp, type Session } from '../../testing/test-app.js'
import { oneTimePassword } from './one-time-password.js'

const CITY = '330500000000'
const WUXING = '330502000000'

let app: FastifyInstance
let sysadmin: Session

beforeAll(async () => {
  app = await testApp()
  sysadmin = await signIn(app, { role: 'sysadmin', regionCode: CITY, username: 'city-sys' })
})
afterAll(async () => { await app.close() })

async function createManager(username: string) {
  const res = await sysadmin.request({ method: 'POST', url: '/api/users', payload: { username, displayName: '市级管理员', role: 'city_manager', regionCode: CITY } })
  expect(res.statusCode).toBe(201)
  return res.json() as { id: number; oneTimePassword: string }
}

const changePassword = (s: Session, oldPassword: string, newPassword: string) =>
  s.request({ method: 'POST', url: '/api/auth/password', payload: { oldPassword, newPassword } })

describe('one-time passwords', () => {
  it('are chosen by the server, pass the policy, and differ every time', () => {
    const many = Array.from({ length: 200 }, oneTimePassword)
    expect(new Set(many).size).toBe(200)
    for (const p of many) {
      expect(p).toMatch(/^[A-HJ-NP-Za-km-z2-9]{4}-[A-HJ-NP-Za-km-z2-9]{4}-[A-HJ-NP-Za-km-z2-9]{4}$/)
      expect(passwordProblem(p)).toBeNull()
    }
  })

  it('leave the system administrator no way to choose the password of an account he creates', async () => {
    const res = await sysadmin.request({
      method: 'POST', url: '/api/users',
      payload: { username: 'chosen.pw', displayName: '张三', role: 'city_manager', regionCode: CITY, password: 'Mine-Passw0rd!' },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().message).toContain('不认识的字段“password”')
    expect(await app.db.selectFrom('appUser').select('id').where('username', '=', 'chosen.pw').execute()).toEqual([])
  })
})

describe('an account created by the system administrator', () => {
  it('can do nothing with its one-time password but say who it is, change it, or leave', async () => {
    const u = await createManager('city.mgr')
    expect((await sysadmin.request({ url: `/api/users/${u.id}` })).json().mustChangePassword).toBe(true)
    const s = await signInAs(app, 'city.mgr', u.oneTimePassword)
    const me = await s.request({ url: '/api/auth/me' })
    expect(me.statusCode).toBe(200)
    expect(me.json().user).toMatchObject({ username: 'city.mgr', mustChangePassword: true })

    // Reading, revealing phones, issuing warnings, even setting up TOTP: all refused alike.
    const attempts = [
      { method: 'GET' as const, url: '/api/units' },
      { method: 'GET' as const, url: `/api/people?regionCode=${WUXING}` },
      { method: 'POST' as const, url: '/api/people/1/reveal', payload: {} },
      { method: 'POST' as const, url: '/api/warnings', payload: {} },
      { method: 'POST' as const, url: '/api/auth/totp/setup', payload: {} },
      { method: 'GET' as const, url: '/api/users' },
    ]
    for (const a of attempts) {
      const res = await s.request(a)
      expect(res.statusCode, `${a.method} ${a.url}`).toBe(403)
      expect(res.json()).toMatchObject({ code: 'PASSWORD_CHANGE_REQUIRED', message: '请先修改初始口令' })
    }

    // The owner replaces it; the password the administrator saw stops working at once.
    expect((await changePassword(s, u.oneTimePassword, u.oneTimePassword)).json().code).toBe('SAME_PASSWORD')
    expect((await changePassword(s, u.oneTimePassword, 'weakpass')).json().code).toBe('WEAK_PASSWORD')
    expect((await changePassword(s, u.oneTimePassword, 'Owner-Passw0rd')).statusCode).toBe(200)
    expect((await s.request({ url: '/api/units' })).statusCode).toBe(200)
    expect((await s.request({ url: '/api/auth/me' })).json().user.mustChangePassword).toBe(false)
    expect((await sysadmin.request({ url: `/api/users/${u.id}` })).json().mustChangePassword).toBe(false)
    const old = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'city.mgr', password: u.oneTimePassword } })
    expect(old.statusCode).toBe(401)
    await signInAs(app, 'city.mgr', 'Owner-Passw0rd')

    const audit = await app.db.selectFrom('auditLog').select(['action', 'actorId', 'after'])
      .where('entity', '=', 'user').where('entityId', '=', String(u.id)).orderBy('id').execute()
    expect(audit.map((a) => a.action)).toEqual(['user.created', 'auth.login', 'user.initial_password_changed', 'auth.login_failed', 'auth.login'])
    expect(audit[0]).toMatchObject({ actorId: sysadmin.userId, after: { mustChangePassword: true } })
    expect(audit[2].actorId).toBe(u.id)
    expect(JSON.stringify(audit)).not.toContain(u.oneTimePassword)
  })

  it('stops working when left unused for three days', async () => {
    const created = await createManager('otp-stale')
    await app.db.updateTable('appUser').set({ passwordChangedAt: new Date(Date.now() - 73 * 3_600_000) }).where('id', '=', created.id).execute()
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'otp-stale', password: created.oneTimePassword } })
    expect(res.statusCode).toBe(401)
    expect(res.json().code).toBe('ONE_TIME_PASSWORD_EXPIRED')
    expect(res.json().message).toContain('安全管理员')
    // A wrong password learns nothing about it.
    const wrong = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'otp-stale', password: 'Wrong-Passw0rd' } })
    expect(wrong.json().code).toBe('BAD_CREDENTIALS')
  })

  it('may sign out while the change is due', async () => {
    const u = await createManager('leaves.early')
    const s = await signInAs(app, 'leaves.early', u.oneTimePassword)
    expect((await s.request({ method: 'POST', url: '/api/auth/logout', payload: {} })).statusCode).toBe(200)
    expect((await s.request({ url: '/api/auth/me' })).statusCode).toBe(401)
  })

  it('still needs the CSRF token for the change', async () => {
    const u = await createManager('csrf.first')
    const s = await signInAs(app, 'csrf.first', u.oneTimePassword)
    const res = await app.inject({
      method: 'POST', url: '/api/auth/password', headers: { cookie: s.cookie },
      payload: { oldPassword: u.oneTimePassword, newPassword: 'Owner-Passw0rd' },
    })
    expect(res.json().code).toBe('CSRF')
  })

  it('leaves accounts with an ordinary password alone', async () => {
    const viewer = await signIn(app, { role: 'viewer', regionCode: WUXING })
    expect((await viewer.request({ url: '/api/auth/me' })).json().user.mustChangePassword).toBe(false)
    expect((await viewer.request({ url: '/api/units' })).statusCode).toBe(200)
  })
})
