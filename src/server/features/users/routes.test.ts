import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, signInAs, testApp, type Session } from '../../testing/test-app.js'

const CITY = '330500000000'
const WUXING = '330502000000'
const NANXUN = '330503000000'
const NEW_PASSWORD = 'Fresh-Passw0rd'

let app: FastifyInstance
let sysadmin: Session
let secadmin: Session
let wuxingSys: Session
let nanxunSys: Session
let nanxunSec: Session
let township: string

beforeAll(async () => {
  app = await testApp()
  sysadmin = await signIn(app, { role: 'sysadmin', regionCode: CITY, username: 'city-sys' })
  secadmin = await signIn(app, { role: 'secadmin', regionCode: CITY, username: 'city-sec' })
  wuxingSys = await signIn(app, { role: 'sysadmin', regionCode: WUXING, username: 'wuxing-sys' })
  nanxunSys = await signIn(app, { role: 'sysadmin', regionCode: NANXUN, username: 'nanxun-sys' })
  nanxunSec = await signIn(app, { role: 'secadmin', regionCode: NANXUN, username: 'nanxun-sec' })
  const t = await app.db.selectFrom('region').select('code').where('level', '=', 'township').where('code', 'like', '330502%')
    .orderBy('code').limit(1).executeTakeFirstOrThrow()
  township = t.code
})
afterAll(async () => { await app.close() })

const create = (s: Session, body: Record<string, unknown>) =>
  s.request({ method: 'POST', url: '/api/users', payload: { displayName: '张三', ...body } })

/** Signs in with the one-time password and replaces it, as the account's owner does the first time. */
async function takeOver(username: string, oneTimePassword: string, password = NEW_PASSWORD): Promise<Session> {
  const first = await signInAs(app, username, oneTimePassword)
  const changed = await first.request({ method: 'POST', url: '/api/auth/password', payload: { oldPassword: oneTimePassword, newPassword: password } })
  expect(changed.statusCode).toBe(200)
  return first
}

/** A business account created by the system administrator and taken over by its owner (NEW_PASSWORD). */
async function account(username: string, role = 'viewer', regionCode = WUXING) {
  const res = await create(sysadmin, { username, role, regionCode })
  expect(res.statusCode).toBe(201)
  const u = res.json() as { id: number; version: number; regionCode: string; role: string; oneTimePassword: string }
  await takeOver(username, u.oneTimePassword)
  return u
}

describe('creating accounts (系统管理员)', () => {
  it('creates a business account that can sign in, and audits it without secrets', async () => {
    const res = await create(sysadmin, { username: 'wx.manager', role: 'county_manager', regionCode: WUXING, displayName: '李四' })
    expect(res.statusCode).toBe(201)
    const u = res.json()
    expect(u).toMatchObject({ username: 'wx.manager', displayName: '李四', role: 'county_manager', roleLabel: '区县应急管理员', regionName: '湖州市吴兴区', disabled: false, locked: false, version: 1 })
    expect(res.body).not.toMatch(/argon2|passwordHash|totpSecret/)
    await takeOver('wx.manager', u.oneTimePassword)
    await signInAs(app, 'wx.manager', NEW_PASSWORD)
    const audit = await app.db.selectFrom('auditLog').select(['actorId', 'regionCode', 'after']).where('action', '=', 'user.created').where('entityId', '=', String(u.id)).executeTakeFirstOrThrow()
    expect(audit.actorId).toBe(sysadmin.userId)
    expect(audit.regionCode).toBe(WUXING)
    expect(JSON.stringify(audit.after)).not.toMatch(/argon2/i)
    expect(JSON.stringify(audit.after)).not.toContain(u.oneTimePassword)
  })

  it('refuses a taken username, whatever its case, naming it', async () => {
    await account('dup.user')
    const res = await create(sysadmin, { username: 'DUP.user', role: 'viewer', regionCode: WUXING })
    expect(res.statusCode).toBe(409)
    expect(res.json().message).toBe('用户名“DUP.user”已被使用')
  })

  it('enforces the username format', async () => {
    const bad = await create(sysadmin, { username: '张 三', role: 'viewer', regionCode: WUXING })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toContain('用户名')
  })

  it('requires an existing role and region, and a manager at the level of the role', async () => {
    const role = await create(sysadmin, { username: 'no.role', role: 'mayor', regionCode: WUXING })
    expect(role.statusCode).toBe(400)
    expect(role.json().message).toBe('角色“mayor”不存在')
    const region = await create(sysadmin, { username: 'no.region', role: 'viewer', regionCode: '330599000000' })
    expect(region.statusCode).toBe(400)
    expect(region.json().message).toContain('330599000000')
    const level = await create(sysadmin, { username: 'wrong.level', role: 'county_manager', regionCode: township })
    expect(level.statusCode).toBe(400)
    expect(level.json().code).toBe('ROLE_LEVEL_MISMATCH')
    expect(level.json().message).toMatch(/^“区县应急管理员”须设在区县级区划，“湖州市吴兴区.+”是乡镇街道级区划$/)
    expect((await create(sysadmin, { username: 'right.level', role: 'township_manager', regionCode: township })).statusCode).toBe(201)
  })

  it('refuses a region outside the administrator’s jurisdiction', async () => {
    const res = await create(wuxingSys, { username: 'nanxun.viewer', role: 'viewer', regionCode: NANXUN })
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('OUT_OF_JURISDICTION')
    expect((await create(wuxingSys, { username: 'up.viewer', role: 'viewer', regionCode: CITY })).statusCode).toBe(403)
  })

  it('creates no administrator accounts: those roles are assigned by the security administrator', async () => {
    for (const role of ['sysadmin', 'secadmin', 'auditor']) {
      const res = await create(sysadmin, { username: `new.${role}`, role, regionCode: WUXING })
      expect(res.statusCode).toBe(403)
      expect(res.json().code).toBe('ADMIN_ROLE_RESERVED')
    }
  })

  it('is for the system administrator only', async () => {
    expect((await create(secadmin, { username: 'by.sec', role: 'viewer', regionCode: WUXING })).statusCode).toBe(403)
    const viewer = await signIn(app, { role: 'county_manager', regionCode: WUXING })
    expect((await create(viewer, { username: 'by.mgr', role: 'viewer', regionCode: WUXING })).statusCode).toBe(403)
  })
})

describe('assigning roles (安全管理员)', () => {
  it('lets the security administrator assign a business role at once, and audits the change', async () => {
    const u = await account('to.duty')
    const res = await secadmin.request({ method: 'PUT', url: `/api/users/${u.id}/role`, payload: { role: 'duty', regionCode: WUXING, version: u.version } })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ role: 'duty', roleLabel: '值班员', version: u.version + 1 })
    const audit = await app.db.selectFrom('auditLog').select(['before', 'after']).where('action', '=', 'user.role_changed').where('entityId', '=', String(u.id)).executeTakeFirstOrThrow()
    expect(audit.before).toEqual({ role: 'viewer', regionCode: WUXING })
    expect(audit.after).toEqual({ role: 'duty', regionCode: WUXING })
  })

  it('does not let the system administrator assign roles', async () => {
    const u = await account('sys.assign')
    const res = await sysadmin.request({ method: 'PUT', url: `/api/users/${u.id}/role`, payload: { role: 'duty', regionCode: WUXING, version: u.version } })
    expect(res.statusCode).toBe(403)
  })

  it('lets nobody change their own role', async () => {
    const me = await app.db.selectFrom('appUser').select('version').where('id', '=', secadmin.userId).executeTakeFirstOrThrow()
    const res = await secadmin.request({ method: 'PUT', url: `/api/users/${secadmin.userId}/role`, payload: { role: 'auditor', regionCode: CITY, version: me.version } })
    expect(res.statusCode).toBe(403)
    expect(res.json().message).toBe('不能修改本人的角色')
  })

  it('checks level, region and jurisdiction of the new assignment', async () => {
    const u = await account('move.me')
    const put = (s: Session, role: string, regionCode: string) =>
      s.request({ method: 'PUT', url: `/api/users/${u.id}/role`, payload: { role, regionCode, version: u.version } })
    expect((await put(secadmin, 'village_manager', WUXING)).json().code).toBe('ROLE_LEVEL_MISMATCH')
    expect((await put(secadmin, 'viewer', '330599000000')).statusCode).toBe(400)
    expect((await put(secadmin, 'viewer', '321000000000')).statusCode).toBe(403)
    // The Nanxun security administrator cannot reach a Wuxing account at all.
    expect((await put(nanxunSec, 'viewer', NANXUN)).statusCode).toBe(404)
    const moved = await put(secadmin, 'duty', NANXUN)
    expect(moved.statusCode).toBe(200)
    expect(moved.json()).toMatchObject({ role: 'duty', regionCode: NANXUN, regionName: '湖州市南浔区' })
  })
})

describe('editing accounts', () => {
  it('renames with optimistic concurrency: a stale version is refused', async () => {
    const u = await account('rename.me')
    const first = await sysadmin.request({ method: 'PUT', url: `/api/users/${u.id}`, payload: { displayName: '王五', disabled: false, version: u.version } })
    expect(first.statusCode).toBe(200)
    expect(first.json()).toMatchObject({ displayName: '王五', version: u.version + 1 })
    const again = await sysadmin.request({ method: 'PUT', url: `/api/users/${u.id}`, payload: { displayName: '赵六', disabled: false, version: u.version } })
    expect(again.statusCode).toBe(409)
    expect(again.json().code).toBe('STALE_VERSION')
    const audit = await app.db.selectFrom('auditLog').select(['before', 'after']).where('action', '=', 'user.updated').where('entityId', '=', String(u.id)).executeTakeFirstOrThrow()
    expect(audit.before).toMatchObject({ displayName: '张三' })
    expect(audit.after).toMatchObject({ displayName: '王五' })
  })

  it('disabling ends the account’s sessions and blocks sign-in', async () => {
    const u = await account('disable.me')
    const victim = await signInAs(app, 'disable.me', NEW_PASSWORD)
    expect((await victim.request({ url: '/api/auth/me' })).statusCode).toBe(200)
    const res = await sysadmin.request({ method: 'PUT', url: `/api/users/${u.id}`, payload: { displayName: '张三', disabled: true, version: u.version } })
    expect(res.statusCode).toBe(200)
    expect(res.json().disabled).toBe(true)
    expect(await app.db.selectFrom('session').select('id').where('userId', '=', u.id).execute()).toEqual([])
    expect((await victim.request({ url: '/api/auth/me' })).statusCode).toBe(401)
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'disable.me', password: NEW_PASSWORD } })
    expect(login.json().code).toBe('ACCOUNT_DISABLED')
  })

  it('lets nobody disable themselves', async () => {
    const me = await app.db.selectFrom('appUser').select('version').where('id', '=', sysadmin.userId).executeTakeFirstOrThrow()
    const res = await sysadmin.request({ method: 'PUT', url: `/api/users/${sysadmin.userId}`, payload: { displayName: '我', disabled: true, version: me.version } })
    expect(res.statusCode).toBe(403)
    expect(res.json().message).toBe('不能停用本人账号')
  })

  it('does not let the system administrator alone disable an administrator account', async () => {
    const auditor = await signIn(app, { role: 'auditor', regionCode: WUXING })
    const row = await app.db.selectFrom('appUser').select(['version', 'displayName']).where('id', '=', auditor.userId).executeTakeFirstOrThrow()
    const res = await sysadmin.request({ method: 'PUT', url: `/api/users/${auditor.userId}`, payload: { displayName: row.displayName, disabled: true, version: row.version } })
    expect(res.statusCode).toBe(202)
    expect(res.json().approval).toMatchObject({ kind: 'set_disabled', state: 'pending', summary: '停用审计管理员账号' })
    expect((await auditor.request({ url: '/api/auth/me' })).statusCode).toBe(200)
    expect(await app.db.selectFrom('appUser').select('disabled').where('id', '=', auditor.userId).executeTakeFirstOrThrow()).toEqual({ disabled: false })
  })

  it('is for the system administrator only', async () => {
    const u = await account('sec.edit')
    const res = await secadmin.request({ method: 'PUT', url: `/api/users/${u.id}`, payload: { displayName: 'x', disabled: true, version: u.version } })
    expect(res.statusCode).toBe(403)
  })
})

describe('passwords and lockout (安全管理员)', () => {
  it('resets a password to a one-time one: sessions end and the user must change it at next sign-in', async () => {
    const u = await account('reset.me')
    const victim = await signInAs(app, 'reset.me', NEW_PASSWORD)
    expect((await sysadmin.request({ method: 'POST', url: `/api/users/${u.id}/reset-password`, payload: {} })).statusCode).toBe(403)
    // A password sent along is not used: the server chooses.
    const res = await secadmin.request({ method: 'POST', url: `/api/users/${u.id}/reset-password`, payload: { password: 'Chosen-Passw0rd' } })
    expect(res.statusCode).toBe(200)
    const { oneTimePassword } = res.json()
    expect(oneTimePassword).toMatch(/^[A-Za-z2-9]{4}-[A-Za-z2-9]{4}-[A-Za-z2-9]{4}$/)
    expect((await victim.request({ url: '/api/auth/me' })).statusCode).toBe(401)
    const chosen = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'reset.me', password: 'Chosen-Passw0rd' } })
    expect(chosen.statusCode).toBe(401)
    const again = await signInAs(app, 'reset.me', oneTimePassword)
    expect((await again.request({ url: '/api/auth/me' })).json().user.mustChangePassword).toBe(true)
    expect((await again.request({ url: '/api/units' })).json().code).toBe('PASSWORD_CHANGE_REQUIRED')
    const audit = await app.db.selectFrom('auditLog').select(['before', 'after']).where('action', '=', 'user.password_reset').where('entityId', '=', String(u.id)).executeTakeFirstOrThrow()
    expect(audit.after).toEqual({ mustChangePassword: true })
    expect(JSON.stringify(audit)).not.toMatch(/argon2/)
    expect(JSON.stringify(audit)).not.toContain(oneTimePassword)
  })

  it('does not reset one’s own password here', async () => {
    const res = await secadmin.request({ method: 'POST', url: `/api/users/${secadmin.userId}/reset-password`, payload: {} })
    expect(res.statusCode).toBe(403)
  })

  it('unlocks an account locked by failed sign-ins', async () => {
    const u = await account('locked.out')
    for (let i = 0; i < 5; i++) await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'locked.out', password: 'wrong' } })
    const listed = await secadmin.request({ url: '/api/users?q=locked.out' })
    expect(listed.json().items[0]).toMatchObject({ username: 'locked.out', locked: true })
    expect(listed.json().items[0].lockedUntil).toEqual(expect.any(String))
    expect((await sysadmin.request({ method: 'POST', url: `/api/users/${u.id}/unlock` })).statusCode).toBe(403)
    const res = await secadmin.request({ method: 'POST', url: `/api/users/${u.id}/unlock` })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ locked: false, lockedUntil: null })
    await signInAs(app, 'locked.out', NEW_PASSWORD)
  })
})

describe('jurisdiction', () => {
  it('keeps a county administrator out of the neighbouring county’s accounts', async () => {
    const u = await account('wuxing.only')
    const list = await nanxunSys.request({ url: '/api/users?pageSize=200' })
    expect(list.statusCode).toBe(200)
    const names = list.json().items.map((i: { username: string }) => i.username)
    expect(names).toContain('nanxun-sys')
    expect(names).not.toContain('wuxing.only')
    expect(list.json().items.every((i: { regionCode: string }) => i.regionCode.startsWith('330503'))).toBe(true)
    expect((await nanxunSys.request({ url: `/api/users/${u.id}` })).statusCode).toBe(404)
    const put = await nanxunSys.request({ method: 'PUT', url: `/api/users/${u.id}`, payload: { displayName: 'x', disabled: true, version: u.version } })
    expect(put.statusCode).toBe(404)
    expect((await nanxunSec.request({ method: 'POST', url: `/api/users/${u.id}/reset-password`, payload: {} })).statusCode).toBe(404)
    expect((await nanxunSec.request({ method: 'POST', url: `/api/users/${u.id}/unlock` })).statusCode).toBe(404)
    expect((await nanxunSys.request({ url: `/api/users?regionCode=${WUXING}` })).statusCode).toBe(403)
    const still = await app.db.selectFrom('appUser').select(['displayName', 'disabled']).where('id', '=', u.id).executeTakeFirstOrThrow()
    expect(still).toEqual({ displayName: '张三', disabled: false })
  })

  it('filters the list by region, keyword and role, with a total for paging', async () => {
    await account('filter.one', 'duty')
    await account('filter.two', 'viewer')
    const byRole = await sysadmin.request({ url: `/api/users?q=filter.&role=duty&regionCode=${WUXING}` })
    expect(byRole.json()).toMatchObject({ total: 1, items: [{ username: 'filter.one', role: 'duty', roleLabel: '值班员' }] })
    const paged = await sysadmin.request({ url: '/api/users?q=filter.&pageSize=1&page=2' })
    expect(paged.json().total).toBe(2)
    expect(paged.json().items).toHaveLength(1)
    const underscore = await sysadmin.request({ url: '/api/users?q=filter_' })
    expect(underscore.json().total).toBe(0)
    expect((await sysadmin.request({ url: '/api/users/99999999999999999999' })).statusCode).toBe(400)
    expect((await sysadmin.request({ url: '/api/users?page=99999999999999999999' })).statusCode).toBe(400)
  })

  it('shows the accounts to the two account administrators and nobody else', async () => {
    expect((await secadmin.request({ url: '/api/users' })).statusCode).toBe(200)
    const auditor = await signIn(app, { role: 'auditor', regionCode: CITY })
    expect((await auditor.request({ url: '/api/users' })).statusCode).toBe(403)
    const manager = await signIn(app, { role: 'city_manager', regionCode: CITY })
    expect((await manager.request({ url: '/api/users' })).statusCode).toBe(403)
  })
})

describe('roles', () => {
  it('lists roles with labelled permissions to any signed-in user', async () => {
    const viewer = await signIn(app, { role: 'viewer', regionCode: WUXING })
    const res = await viewer.request({ url: '/api/roles' })
    expect(res.statusCode).toBe(200)
    const roles = res.json() as Array<{ key: string; level: string | null; permissions: Array<{ key: string; label: string }> }>
    expect(roles.find((r) => r.key === 'county_manager')?.level).toBe('county')
    expect(roles.find((r) => r.key === 'auditor')).toMatchObject({ label: '审计管理员', level: null, permissions: [{ key: 'audit.read', label: '查看审计日志' }] })
    expect((await app.inject({ url: '/api/roles' })).statusCode).toBe(401)
  })
})
