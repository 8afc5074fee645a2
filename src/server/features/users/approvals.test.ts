import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, signInAs, testApp, TEST_PASSWORD, type Session } from '../../testing/test-app.js'

const CITY = '330500000000'
const WUXING = '330502000000'
const NANXUN = '330503000000'

let app: FastifyInstance
let sys: Session
let sec: Session
let sec2: Session
let nanxunSec: Session
let cityAuditor: Session

beforeAll(async () => {
  app = await testApp()
  sys = await signIn(app, { role: 'sysadmin', regionCode: CITY, username: 'city-sys' })
  sec = await signIn(app, { role: 'secadmin', regionCode: CITY, username: 'city-sec' })
  sec2 = await signIn(app, { role: 'secadmin', regionCode: CITY, username: 'city-sec2' })
  nanxunSec = await signIn(app, { role: 'secadmin', regionCode: NANXUN, username: 'nanxun-sec' })
  cityAuditor = await signIn(app, { role: 'auditor', regionCode: CITY, username: 'city-audit' })
})
afterAll(async () => { await app.close() })

/** A Wuxing viewer created by the system administrator and taken over by its owner. */
async function account(username: string) {
  const res = await sys.request({ method: 'POST', url: '/api/users', payload: { username, displayName: '张三', role: 'viewer', regionCode: WUXING } })
  expect(res.statusCode).toBe(201)
  const { id, oneTimePassword } = res.json() as { id: number; oneTimePassword: string }
  const s = await signInAs(app, username, oneTimePassword)
  expect((await s.request({ method: 'POST', url: '/api/auth/password', payload: { oldPassword: oneTimePassword, newPassword: 'Owner-Passw0rd' } })).statusCode).toBe(200)
  return { id, session: s }
}

const userRow = (id: number) =>
  app.db.selectFrom('appUser').select(['role', 'regionCode', 'disabled', 'version', 'displayName']).where('id', '=', id).executeTakeFirstOrThrow()

const assign = (s: Session, id: number, role: string, version: number, regionCode = WUXING) =>
  s.request({ method: 'PUT', url: `/api/users/${id}/role`, payload: { role, regionCode, version } })
const approve = (s: Session, approvalId: number) => s.request({ method: 'POST', url: `/api/users/approvals/${approvalId}/approve`, payload: {} })
const reject = (s: Session, approvalId: number) => s.request({ method: 'POST', url: `/api/users/approvals/${approvalId}/reject`, payload: {} })
const pending = async (s: Session) => (await s.request({ url: '/api/users/approvals' })).json() as Array<{ id: number; target: { id: number } }>

const auditOf = (action: string, entityId: number) =>
  app.db.selectFrom('auditLog').select(['actorId', 'after']).where('action', '=', action).where('entityId', '=', String(entityId)).orderBy('id').execute()

describe('granting the auditor role', () => {
  it('is only asked for by one security administrator, and done when another administrator approves', async () => {
    const u = await account('would.audit')
    const asked = await assign(sec, u.id, 'auditor', 1)
    expect(asked.statusCode).toBe(202)
    const approval = asked.json().approval
    expect(approval).toMatchObject({
      kind: 'assign_role', kindLabel: '分配角色与辖区', state: 'pending', stateLabel: '待审批',
      summary: '角色由“只读”（湖州市吴兴区）改为“审计管理员”（湖州市吴兴区）',
      target: { id: u.id, username: 'would.audit', roleLabel: '只读' },
      requestedBy: { id: sec.userId, name: '测试secadmin（city-sec）' }, decidedBy: null,
    })
    expect(await userRow(u.id)).toMatchObject({ role: 'viewer', version: 1 })
    expect((await u.session.request({ url: '/api/audit' })).statusCode).toBe(403)

    // The requester cannot approve it himself, nor can the account concerned (no account rights).
    const own = await approve(sec, approval.id)
    expect(own.statusCode).toBe(403)
    expect(own.json().message).toBe('不能批准本人提出的申请，须由另一名管理员审批')
    expect((await approve(u.session, approval.id)).statusCode).toBe(403)
    expect((await pending(sys)).map((a) => a.id)).toContain(approval.id)
    expect(await userRow(u.id)).toMatchObject({ role: 'viewer' })

    const done = await approve(sys, approval.id)
    expect(done.statusCode).toBe(200)
    expect(done.json()).toMatchObject({
      approval: { id: approval.id, state: 'approved', stateLabel: '已批准', decidedBy: { id: sys.userId } },
      user: { id: u.id, role: 'auditor', roleLabel: '审计管理员', version: 2 },
      oneTimePassword: null,
    })
    expect((await u.session.request({ url: '/api/audit' })).statusCode).toBe(200)
    expect((await approve(sys, approval.id)).json().code).toBe('APPROVAL_DECIDED')
    expect((await pending(sys)).map((a) => a.id)).not.toContain(approval.id)

    expect(await auditOf('user.approval_requested', u.id)).toEqual([
      { actorId: sec.userId, after: expect.objectContaining({ approvalId: approval.id, kind: 'assign_role', role: 'auditor' }) },
    ])
    expect(await auditOf('user.approval_approved', u.id)).toEqual([
      { actorId: sys.userId, after: expect.objectContaining({ approvalId: approval.id, requestedBy: sec.userId }) },
    ])
    expect(await auditOf('user.role_changed', u.id)).toEqual([
      { actorId: sys.userId, after: { role: 'auditor', regionCode: WUXING, approvalId: approval.id, requestedBy: sec.userId } },
    ])
    const refused = await app.db.selectFrom('auditLog').select(['actorId', 'after']).where('action', '=', 'refused.permission').execute()
    expect(refused).toContainEqual({ actorId: sec.userId, after: expect.objectContaining({ url: `/api/users/approvals/${approval.id}/approve` }) })
  })

  it('cannot be given to oneself, nor the other administrator roles without a second administrator', async () => {
    const me = await userRow(sec.userId)
    expect((await assign(sec, sec.userId, 'auditor', me.version, CITY)).json().message).toBe('不能修改本人的角色')
    const u = await account('would.sys')
    expect((await assign(sec, u.id, 'sysadmin', 1, CITY)).statusCode).toBe(202)
    const v = await account('would.sec')
    expect((await assign(sec, v.id, 'secadmin', 1, CITY)).statusCode).toBe(202)
    expect((await userRow(u.id)).role).toBe('viewer')
    expect((await userRow(v.id)).role).toBe('viewer')
    // The system administrator cannot create one either.
    const created = await sys.request({ method: 'POST', url: '/api/users', payload: { username: 'new.audit', displayName: '审计', role: 'auditor', regionCode: CITY } })
    expect(created.json().code).toBe('ADMIN_ROLE_RESERVED')
  })
})

describe('changes to an existing auditor', () => {
  it('a password reset waits for approval, and only the approver gets the one-time password', async () => {
    const auditor = await signIn(app, { role: 'auditor', regionCode: WUXING, username: 'wx-audit' })
    const asked = await sec.request({ method: 'POST', url: `/api/users/${auditor.userId}/reset-password`, payload: {} })
    expect(asked.statusCode).toBe(202)
    expect(asked.body).not.toMatch(/oneTimePassword/)
    expect(asked.json().approval).toMatchObject({ kind: 'reset_password', target: { username: 'wx-audit', roleLabel: '审计管理员' } })
    // Nothing happened yet: the auditor is still signed in and the password still works.
    expect((await auditor.request({ url: '/api/audit' })).statusCode).toBe(200)
    await signInAs(app, 'wx-audit', TEST_PASSWORD)

    const done = await approve(sec2, asked.json().approval.id)
    expect(done.statusCode).toBe(200)
    const { oneTimePassword } = done.json()
    expect(oneTimePassword).toMatch(/^\S{4}-\S{4}-\S{4}$/)
    expect((await auditor.request({ url: '/api/audit' })).statusCode).toBe(401)
    expect((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'wx-audit', password: TEST_PASSWORD } })).statusCode).toBe(401)
    const first = await signInAs(app, 'wx-audit', oneTimePassword)
    expect((await first.request({ url: '/api/audit' })).json().code).toBe('PASSWORD_CHANGE_REQUIRED')
    expect(await auditOf('user.password_reset', auditor.userId)).toEqual([
      { actorId: sec2.userId, after: { mustChangePassword: true, approvalId: asked.json().approval.id, requestedBy: sec.userId } },
    ])
  })

  it('a role change waits too, one request at a time, and a rejection changes nothing', async () => {
    const auditor = await signIn(app, { role: 'auditor', regionCode: WUXING })
    const asked = await assign(sec, auditor.userId, 'viewer', 1)
    expect(asked.statusCode).toBe(202)
    expect(asked.json().approval.summary).toBe('角色由“审计管理员”（湖州市吴兴区）改为“只读”（湖州市吴兴区）')
    const second = await assign(sec, auditor.userId, 'duty', 1)
    expect(second.statusCode).toBe(409)
    expect(second.json().code).toBe('APPROVAL_PENDING')
    const rejected = await reject(sys, asked.json().approval.id)
    expect(rejected.statusCode).toBe(200)
    expect(rejected.json()).toMatchObject({ state: 'rejected', stateLabel: '已驳回', decidedBy: { id: sys.userId } })
    expect(await userRow(auditor.userId)).toMatchObject({ role: 'auditor', version: 1 })
    expect((await approve(sec2, asked.json().approval.id)).json().code).toBe('APPROVAL_DECIDED')
    expect(await auditOf('user.approval_rejected', auditor.userId)).toEqual([
      { actorId: sys.userId, after: expect.objectContaining({ requestedBy: sec.userId, withdrawn: false }) },
    ])
  })

  it('disabling waits for approval; the requester may withdraw his request', async () => {
    const auditor = await signIn(app, { role: 'auditor', regionCode: WUXING })
    const row = await userRow(auditor.userId)
    const body = { displayName: row.displayName, disabled: true, version: row.version }
    const first = await sys.request({ method: 'PUT', url: `/api/users/${auditor.userId}`, payload: body })
    expect(first.statusCode).toBe(202)
    expect((await reject(sys, first.json().approval.id)).json().state).toBe('rejected')
    expect(await auditOf('user.approval_rejected', auditor.userId)).toEqual([
      { actorId: sys.userId, after: expect.objectContaining({ withdrawn: true }) },
    ])

    const again = await sys.request({ method: 'PUT', url: `/api/users/${auditor.userId}`, payload: body })
    expect(again.statusCode).toBe(202)
    expect((await auditor.request({ url: '/api/audit' })).statusCode).toBe(200)
    const done = await approve(sec, again.json().approval.id)
    expect(done.statusCode).toBe(200)
    expect(done.json().user).toMatchObject({ disabled: true })
    expect((await auditor.request({ url: '/api/audit' })).statusCode).toBe(401)
  })

  it('a request made stale by a later change is refused at approval and stays open', async () => {
    const auditor = await signIn(app, { role: 'auditor', regionCode: WUXING })
    const asked = await assign(sec, auditor.userId, 'viewer', 1)
    expect(asked.statusCode).toBe(202)
    // Renaming is not a change that needs two administrators.
    const renamed = await sys.request({ method: 'PUT', url: `/api/users/${auditor.userId}`, payload: { displayName: '改名', disabled: false, version: 1 } })
    expect(renamed.statusCode).toBe(200)
    const res = await approve(sys, asked.json().approval.id)
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('STALE_VERSION')
    expect(await userRow(auditor.userId)).toMatchObject({ role: 'auditor', version: 2 })
    expect((await pending(sys)).map((a) => a.id)).toContain(asked.json().approval.id)
    expect((await reject(sec, asked.json().approval.id)).statusCode).toBe(200)
  })
})

describe('who decides', () => {
  it('not the account concerned, even when it is an administrator', async () => {
    const target = await signIn(app, { role: 'secadmin', regionCode: CITY })
    const asked = await assign(sec, target.userId, 'viewer', 1, CITY)
    expect(asked.statusCode).toBe(202)
    const id = asked.json().approval.id
    expect((await approve(target, id)).json().message).toBe('不能审批涉及本人账号的申请')
    expect((await reject(target, id)).statusCode).toBe(403)
    expect((await approve(sys, id)).statusCode).toBe(200)
    expect((await userRow(target.userId)).role).toBe('viewer')
  })

  it('only system and security administrators, and only within their jurisdiction', async () => {
    const auditor = await signIn(app, { role: 'auditor', regionCode: WUXING })
    const asked = await sec.request({ method: 'POST', url: `/api/users/${auditor.userId}/reset-password`, payload: {} })
    const id = asked.json().approval.id
    expect((await nanxunSec.request({ url: '/api/users/approvals' })).json()).toEqual([])
    expect((await approve(nanxunSec, id)).statusCode).toBe(404)
    expect((await reject(nanxunSec, id)).statusCode).toBe(404)
    for (const s of [cityAuditor, await signIn(app, { role: 'city_manager', regionCode: CITY })]) {
      expect((await s.request({ url: '/api/users/approvals' })).statusCode).toBe(403)
      expect((await approve(s, id)).statusCode).toBe(403)
    }
    const listed = await pending(sys)
    expect(listed.find((a) => a.id === id)).toMatchObject({ target: { id: auditor.userId } })
    expect((await sys.request({ url: '/api/users/approvals?state=approved' })).json().length).toBeGreaterThan(0)
    expect((await sys.request({ url: '/api/users/approvals?state=maybe' })).statusCode).toBe(400)
    expect((await approve(sys, 99999999)).statusCode).toBe(404)
    expect((await reject(sec, id)).statusCode).toBe(200)
  })
})

describe('the audit log', () => {
  it('is read by the auditor alone, and shows every request and decision by name', async () => {
    for (const s of [sys, sec]) expect((await s.request({ url: '/api/audit' })).statusCode).toBe(403)
    const res = await cityAuditor.request({ url: '/api/audit?pageSize=200' })
    expect(res.statusCode).toBe(200)
    const labels = new Set((res.json().items as Array<{ actionLabel: string }>).map((e) => e.actionLabel))
    for (const label of ['申请变更管理员账号（待另一名管理员审批）', '批准管理员账号变更', '驳回或撤回管理员账号变更', '首次登录修改一次性口令', '重置口令', '分配角色']) {
      expect(labels).toContain(label)
    }
  })
})
