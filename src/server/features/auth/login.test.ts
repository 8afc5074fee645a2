import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fakeClock } from '../../jobs/clock.js'
import { signIn, TEST_PASSWORD, testApp } from '../../testing/test-app.js'
import { REFUSALS_PER_WINDOW, REFUSAL_WINDOW_MS } from '../audit/refusals.js'
import { ADDRESS_FAILURE_LIMIT, LOCKOUT_FAILURES, lockMinutes, PAIR_FAILURE_LIMIT, THROTTLE_WINDOW_MINUTES } from './login.js'
import { hashPassword } from './passwords.js'

const WUXING = '330502000000'
const MIN = 60_000

let app: FastifyInstance
const clock = fakeClock('2026-12-07T01:00:00Z') // 09:00 in China
let passwordHash: string
beforeAll(async () => {
  app = await testApp({ clock })
  passwordHash = await hashPassword(TEST_PASSWORD)
})
afterAll(async () => { await app.close() })

/** An account that has never signed in, so no test's login clears its state by accident. */
async function account(username: string, extra: { disabled?: boolean } = {}) {
  return app.db.insertInto('appUser')
    .values({ username, displayName: `测试${username}`, role: 'viewer', regionCode: WUXING, passwordHash, ...extra })
    .returning('id').executeTakeFirstOrThrow()
}

const login = (from: string, username: string, password: string) =>
  app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: from, payload: { username, password } })

const failuresFrom = async (ip: string) => (await app.db.selectFrom('loginFailure')
  .select((eb) => eb.fn.countAll<number>().as('n')).where('ip', '=', ip).executeTakeFirstOrThrow()).n

const lockOf = (id: number) => app.db.selectFrom('appUser').select(['lockedUntil', 'lockCount', 'failedLogins'])
  .where('id', '=', id).executeTakeFirstOrThrow()

describe('one address shared by everyone (a proxy)', () => {
  it('lets a correct password in after 30+ failures from the same address, while guessing stays at one try per name', async () => {
    const proxy = '10.9.0.1'
    const victim = await account('proxy.victim')
    await account('proxy.bystander')
    // A guesser behind the proxy: many names, a few tries each, well past the address limit.
    const names = Array.from({ length: 12 }, (_, i) => `guess${i}`)
    for (let round = 0; round < 3; round++) {
      for (const n of names) await login(proxy, n, `wrong-${round}`)
    }
    await login(proxy, 'proxy.victim', 'wrong')
    expect(await failuresFrom(proxy)).toBeGreaterThanOrEqual(ADDRESS_FAILURE_LIMIT)

    // An account that has not failed from here still gets in with its password.
    const ok = await login(proxy, 'proxy.bystander', TEST_PASSWORD)
    expect(ok.statusCode).toBe(200)

    // A name that failed here in the window is refused unchecked, even with the right password…
    const held = await login(proxy, 'proxy.victim', TEST_PASSWORD)
    expect(held.statusCode).toBe(429)
    expect(held.json().code).toBe('TOO_MANY_ATTEMPTS')
    // …but only from here; the account itself is not locked by someone else's guessing.
    expect((await login('10.9.0.2', 'proxy.victim', TEST_PASSWORD)).statusCode).toBe(200)
    expect((await lockOf(victim.id)).lockedUntil).toBeNull()

    // A fresh name gets one checked try: wrong → 429 that still says the password was wrong,
    // and its next try (even the right password) waits for the window.
    const fresh = await account('proxy.fresh')
    const first = await login(proxy, 'proxy.fresh', 'wrong')
    expect(first.statusCode).toBe(429)
    expect(first.json().message).toContain('用户名或口令错误')
    const before = await failuresFrom(proxy)
    expect((await login(proxy, 'proxy.fresh', TEST_PASSWORD)).statusCode).toBe(429)
    expect(await failuresFrom(proxy)).toBe(before) // throttled tries are not checked, so not counted
    expect((await lockOf(fresh.id)).failedLogins).toBe(1)
  })
})

describe('per (address, account) throttle', () => {
  it('refuses the pair after 10 failures, for that pair only, whether or not the account exists', async () => {
    const a = '10.8.0.1'
    const real = await account('pair.real')
    for (let i = 0; i < PAIR_FAILURE_LIMIT; i++) {
      expect((await login(a, 'pair.ghost', `x${i}`)).statusCode).toBe(401)
      expect((await login(a, 'pair.real', `x${i}`)).statusCode).toBe(401)
    }
    const ghost = await login(a, 'pair.ghost', 'x')
    const known = await login(a, 'PAIR.REAL', TEST_PASSWORD)
    expect(ghost.statusCode).toBe(429)
    expect(known.statusCode).toBe(429)
    expect(known.json()).toEqual(ghost.json())
    expect(ghost.json().message).toMatch(/请 1[45] 分钟后再试/)
    // Another name from the same address and the same name from another address are unaffected.
    await account('pair.other')
    expect((await login(a, 'pair.other', TEST_PASSWORD)).statusCode).toBe(200)
    expect((await login('10.8.0.2', 'pair.ghost', 'x')).statusCode).toBe(401)
    // Once the pair's failures leave the window (and the 15-minute lock has ended), it gets in.
    clock.advance((THROTTLE_WINDOW_MINUTES + 1) * MIN)
    expect((await login(a, 'pair.real', TEST_PASSWORD)).statusCode).toBe(200)
    expect(await lockOf(real.id)).toMatchObject({ lockedUntil: null, lockCount: 0 })
  })
})

describe('answers that tell nothing', () => {
  it('answers a locked, a disabled and an unknown account exactly like a wrong password', async () => {
    await account('same.plain')
    const locked = await account('same.locked')
    await account('same.disabled', { disabled: true })
    for (let i = 0; i < LOCKOUT_FAILURES; i++) await login('10.7.0.1', 'same.locked', 'bad')
    expect((await lockOf(locked.id)).lockedUntil).not.toBeNull()

    const answers = await Promise.all([
      login('10.7.0.2', 'same.plain', 'bad'),
      login('10.7.0.3', 'same.locked', 'bad'),
      login('10.7.0.4', 'same.disabled', 'bad'),
      login('10.7.0.5', 'same.nobody', 'bad'),
    ])
    for (const r of answers) {
      expect(r.statusCode).toBe(401)
      expect(r.json()).toEqual({ code: 'BAD_CREDENTIALS', message: '用户名或口令错误', details: [] })
    }
  })

  it('explains a lock, with its end and whom to ask, only to the right password', async () => {
    const u = await account('explain.locked')
    for (let i = 0; i < LOCKOUT_FAILURES; i++) {
      const r = await login('10.6.0.1', 'explain.locked', 'bad')
      expect(r.json().code).toBe('BAD_CREDENTIALS')
    }
    const { lockedUntil } = await lockOf(u.id)
    const hhmm = lockedUntil!.toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'Asia/Shanghai' })
    const res = await login('10.6.0.2', 'explain.locked', TEST_PASSWORD)
    expect(res.statusCode).toBe(423)
    expect(res.json().code).toBe('ACCOUNT_LOCKED')
    expect(res.json().message).toContain(`锁定至 ${hhmm}`)
    expect(res.json().message).toContain('安全管理员')

    await account('explain.disabled', { disabled: true })
    const off = await login('10.6.0.3', 'explain.disabled', TEST_PASSWORD)
    expect(off.json().code).toBe('ACCOUNT_DISABLED')
    expect(off.json().message).toContain('停用')
  })
})

describe('lockout back-off', () => {
  it('locks for 15 minutes, then 30, then 60, and starts over after a successful login', async () => {
    const u = await account('backoff')
    const lockFor = async () => {
      for (let i = 0; i < LOCKOUT_FAILURES; i++) expect((await login('10.5.0.1', 'backoff', 'bad')).statusCode).toBe(401)
      const { lockedUntil } = await lockOf(u.id)
      return Math.round((lockedUntil!.getTime() - clock.now().getTime()) / MIN)
    }
    expect(await lockFor()).toBe(15)
    // Still locked a minute before the end; wrong passwords then do not extend the lock.
    clock.advance(14 * MIN)
    const first = await lockOf(u.id)
    for (let i = 0; i < LOCKOUT_FAILURES; i++) expect((await login('10.5.0.2', 'backoff', 'bad')).statusCode).toBe(401)
    expect(await lockOf(u.id)).toEqual(first)
    expect((await login('10.5.0.3', 'backoff', TEST_PASSWORD)).statusCode).toBe(423)
    clock.advance(2 * MIN)
    expect(await lockFor()).toBe(30)
    clock.advance(31 * MIN)
    expect(await lockFor()).toBe(60)
    expect(lockMinutes(20)).toBe(24 * 60)

    clock.advance(61 * MIN)
    expect((await login('10.5.0.1', 'backoff', TEST_PASSWORD)).statusCode).toBe(200)
    expect(await lockOf(u.id)).toMatchObject({ lockedUntil: null, lockCount: 0, failedLogins: 0 })
    expect(await lockFor()).toBe(15)

    const locks = await app.db.selectFrom('auditLog').select(['after']).where('action', '=', 'auth.account_locked')
      .where('entityId', '=', String(u.id)).orderBy('id').execute()
    expect(locks.map((l) => (l.after as { minutes: number }).minutes)).toEqual([15, 30, 60, 15])
  })
})

describe('unlock by the 安全管理员', () => {
  it('unlocks at once, also from the throttled address, restarts the back-off and is audited', async () => {
    const secadmin = await signIn(app, { role: 'secadmin', regionCode: '330500000000' })
    const u = await account('unlock.me')
    const office = '10.4.0.1'
    for (let i = 0; i < PAIR_FAILURE_LIMIT; i++) await login(office, 'unlock.me', 'bad')
    expect((await login(office, 'unlock.me', TEST_PASSWORD)).statusCode).toBe(429)
    expect(await lockOf(u.id)).toMatchObject({ lockCount: 1 })

    const res = await secadmin.request({ method: 'POST', url: `/api/users/${u.id}/unlock` })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ locked: false, lockedUntil: null })
    const audit = await app.db.selectFrom('auditLog').select(['actorId', 'before', 'after'])
      .where('action', '=', 'user.unlocked').where('entityId', '=', String(u.id)).executeTakeFirstOrThrow()
    expect(audit.actorId).toBe(secadmin.userId)
    expect(audit.before).toMatchObject({ lockCount: 1 })
    expect(audit.after).toMatchObject({ lockedUntil: null, lockCount: 0 })

    expect((await login(office, 'unlock.me', TEST_PASSWORD)).statusCode).toBe(200)
  })
})

describe('audit of logins', () => {
  it('records each successful login once', async () => {
    const u = await account('audited.once')
    expect((await login('10.3.0.1', 'audited.once', TEST_PASSWORD)).statusCode).toBe(200)
    const rows = await app.db.selectFrom('auditLog').select(['action', 'regionCode']).where('actorId', '=', u.id).execute()
    expect(rows).toEqual([{ action: 'auth.login', regionCode: WUXING }])
  })

  it('audits refused logins, but 200 of them from one address make only a bounded number of entries', async () => {
    const flood = '10.2.0.1'
    const target = await account('flooded')
    const names = ['flooded', ...Array.from({ length: 19 }, (_, i) => `flood${i}`)]
    const statuses = new Map<number, number>()
    for (let i = 0; i < 200; i++) {
      const r = await login(flood, names[i % names.length], `guess-${i}`)
      statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1)
    }
    expect(statuses.get(200)).toBeUndefined()
    expect(statuses.get(429)).toBeGreaterThan(100)

    const refused = () => app.db.selectFrom('auditLog').select(['after', 'entityId']).where('action', '=', 'auth.login_failed')
      .where('ip', '=', flood).orderBy('id').execute()
    const written = await refused()
    expect(written.length).toBe(REFUSALS_PER_WINDOW)
    expect(written.some((r) => r.entityId === String(target.id))).toBe(true)
    const lockRows = await app.db.selectFrom('auditLog').select('id').where('action', '=', 'auth.account_locked')
      .where('ip', '=', flood).execute()
    expect(lockRows.length).toBeLessThanOrEqual(1)

    // The next refusal after the window says how many were folded: every attempt is accounted for.
    clock.advance(REFUSAL_WINDOW_MS)
    expect((await login(flood, 'flood0', 'again')).statusCode).toBe(429)
    const after = await refused()
    expect(after.length).toBe(REFUSALS_PER_WINDOW + 1)
    expect(after.at(-1)!.after).toMatchObject({ reason: 'address_throttled', foldedBefore: 200 - REFUSALS_PER_WINDOW })
  })
})
