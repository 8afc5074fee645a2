import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, testApp, type Session } from '../../testing/test-app.js'

const CITY = '330500000000'
const WUXING = '330502000000'
const NANXUN = '330503000000'

type Entry = { id: number; action: string; actorId: number | null; actorName: string; regionCode: string | null; entityId: string | null; at: string }

let app: FastifyInstance
let auditor: Session
let wuxingAuditor: Session
let sysadmin: Session
let wuxingUser: Session
let nanxunUser: Session
let createdId: number

beforeAll(async () => {
  app = await testApp()
  auditor = await signIn(app, { role: 'auditor', regionCode: CITY })
  wuxingAuditor = await signIn(app, { role: 'auditor', regionCode: WUXING })
  sysadmin = await signIn(app, { role: 'sysadmin', regionCode: CITY, username: 'city.sys' })
  wuxingUser = await signIn(app, { role: 'viewer', regionCode: WUXING })
  nanxunUser = await signIn(app, { role: 'viewer', regionCode: NANXUN })
  const created = await sysadmin.request({
    method: 'POST', url: '/api/users',
    payload: { username: 'nx.duty', displayName: '南浔值班', role: 'duty', regionCode: NANXUN },
  })
  createdId = created.json().id
  await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody.known', password: 'x' } })
})
afterAll(async () => { await app.close() })

const list = async (s: Session, query = '') => {
  const res = await s.request({ url: `/api/audit${query}` })
  expect(res.statusCode).toBe(200)
  return res.json() as { items: Entry[]; total: number }
}

describe('who reads the audit log', () => {
  it('is the audit administrator only: the system and security administrators are refused', async () => {
    const secadmin = await signIn(app, { role: 'secadmin', regionCode: CITY })
    const manager = await signIn(app, { role: 'city_manager', regionCode: CITY })
    for (const s of [sysadmin, secadmin, manager]) {
      for (const url of ['/api/audit', '/api/audit/verify', '/api/audit/actions']) {
        const res = await s.request({ url })
        expect(res.statusCode).toBe(403)
        expect(res.json().code).toBe('FORBIDDEN')
      }
    }
    expect((await app.inject({ url: '/api/audit' })).statusCode).toBe(401)
  })
})

describe('listing', () => {
  it('lists entries newest first with their hashes', async () => {
    const page = await list(auditor)
    expect(page.total).toBeGreaterThanOrEqual(7)
    const ids = page.items.map((e) => e.id)
    expect(ids).toEqual([...ids].sort((a, b) => b - a))
    expect(page.items[0]).toMatchObject({ hash: expect.stringMatching(/^[0-9a-f]{64}$/), prevHash: expect.stringMatching(/^[0-9a-f]{64}$/) })
    const created = page.items.find((e) => e.action === 'user.created')!
    expect(created).toMatchObject({ actorId: sysadmin.userId, actionLabel: '创建账号', regionCode: NANXUN, after: { username: 'nx.duty', role: 'duty' } })
  })

  it('filters by action, entity, actor, region and time', async () => {
    const logins = await list(auditor, '?action=auth.login')
    expect(logins.items.length).toBe(logins.total)
    expect(logins.items.every((e) => e.action === 'auth.login')).toBe(true)
    expect(logins.total).toBeGreaterThanOrEqual(5)

    const byEntity = await list(auditor, `?entity=user&entityId=${createdId}`)
    expect(byEntity.items.map((e) => e.action)).toEqual(['user.created'])

    const byActor = await list(auditor, '?actor=city.sys')
    expect(byActor.items.length).toBeGreaterThan(0)
    expect(byActor.items.every((e) => e.actorId === sysadmin.userId)).toBe(true)
    // An actor filter of digits also matches the account id: the sysadmin's entries are all there.
    const byId = await list(auditor, `?actor=${sysadmin.userId}&pageSize=200`)
    expect(byId.items.map((e) => e.id)).toEqual(expect.arrayContaining(byActor.items.map((e) => e.id)))

    const nanxun = await list(auditor, `?regionCode=${NANXUN}`)
    expect(nanxun.items.map((e) => e.entityId)).toContain(String(createdId))
    expect(nanxun.items.every((e) => e.regionCode?.startsWith('330503'))).toBe(true)

    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10) // the date in China
    const all = await list(auditor, '?pageSize=200')
    expect((await list(auditor, `?from=${today}&to=${today}&pageSize=200`)).total).toBe(all.total)
    expect((await list(auditor, '?to=2020-01-01')).total).toBe(0)
    const bad = await auditor.request({ url: '/api/audit?from=yesterday' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toContain('起始时间')
  })

  it('offers the actions present in the log, labelled in Chinese', async () => {
    const res = await auditor.request({ url: '/api/audit/actions' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual(expect.arrayContaining([
      { action: 'auth.login', label: '登录' },
      { action: 'auth.login_failed', label: '登录失败' },
      { action: 'user.created', label: '创建账号' },
    ]))
  })
})

describe('jurisdiction of a county auditor', () => {
  it('sees its county’s entries and its users’ sign-ins, nothing of the neighbour or of unknown names', async () => {
    const seen = await list(wuxingAuditor, '?pageSize=200')
    const actors = new Set(seen.items.map((e) => e.actorId))
    expect(actors.has(wuxingUser.userId)).toBe(true)
    expect(actors.has(nanxunUser.userId)).toBe(false)
    expect(seen.items.some((e) => e.entityId === String(createdId))).toBe(false)
    expect(seen.items.some((e) => e.actorName === 'nobody.known')).toBe(false)
    expect(seen.items.every((e) => e.regionCode === null || e.regionCode.startsWith('330502'))).toBe(true)
    const refused = await wuxingAuditor.request({ url: `/api/audit?regionCode=${NANXUN}` })
    expect(refused.statusCode).toBe(403)
  })

  it('leaves unattributed entries to an auditor whose jurisdiction holds every account', async () => {
    const city = await list(auditor, '?action=auth.login_failed')
    expect(city.items.some((e) => e.actorName === 'nobody.known' && e.actorId === null)).toBe(true)
    // Once an account exists outside 湖州, the 湖州 auditor no longer oversees the whole deployment.
    await signIn(app, { role: 'viewer', regionCode: '321000000000' })
    const after = await list(auditor, '?action=auth.login_failed')
    expect(after.items.some((e) => e.actorName === 'nobody.known')).toBe(false)
  })
})

describe('verification', () => {
  it('verifies the chain, and records that it did', async () => {
    const count = await app.db.selectFrom('auditLog').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    const res = await auditor.request({ url: '/api/audit/verify' })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body).toMatchObject({ ok: true, checked: count.n, firstId: 1, algorithm: expect.stringMatching(/^(sm3|sha256)$/) })
    expect(body.brokenAt).toBeUndefined()
    const recorded = await list(auditor, '?action=audit.verified')
    expect(recorded.items[0]).toMatchObject({ actorId: auditor.userId, actionLabel: '校验审计日志', after: { ok: true, checked: count.n } })
  })
})
