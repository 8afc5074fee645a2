import { sql, type Transaction } from 'kysely'
import { Value } from 'typebox/value'
import { accountChangeNeedsApproval, roleChangeNeedsApproval } from '../../../domain/auth/approvals.js'
import { isAdminRole, roleDef, type RoleDef } from '../../../domain/auth/roles.js'
import { REGION_LEVEL_LABELS } from '../../../domain/regions/code.js'
import type { Db } from '../../db/database.js'
import { codeInScope, inScope, scopeOf, type Scope } from '../../db/scope.js'
import type { Database } from '../../db/types.js'
import { AppError, forbidden, notFound, outOfScope, stale } from '../../errors.js'
import { containsPattern } from '../../shared/like.js'
import { paging } from '../../shared/paging.js'
import { recordAudit, type Actor } from '../audit/record.js'
import { hashPassword } from '../auth/passwords.js'
import { closeApproval, fileApproval, takePending } from './approvals.js'
import { oneTimePassword } from './one-time-password.js'
import {
  AssignRoleBody, UpdateUserBody,
  type Approval, type Approved, type CreatedUser, type CreateUserBody, type User, type UserListQuery,
} from './schema.js'

/**
 * 等保 三权分立, as this module enforces it:
 * - 系统管理员 (users.manage) creates accounts of business roles only (managers, reporter, duty,
 *   viewer), edits names and disables/enables accounts; it never assigns roles.
 * - 安全管理员 (users.security) is the only one who assigns roles and jurisdictions; it also resets
 *   passwords and unlocks accounts.
 * - 审计管理员 has no say over accounts at all.
 * - No administrator chooses another person's password: a created or reset account gets a
 *   one-time password from the server, shown once, which its owner must replace at first login.
 * - No administrator changes an administrator account alone: giving or taking an administrator
 *   role, resetting an administrator's password and disabling or enabling one are filed as a
 *   request that a second administrator approves (approvals.ts). Administrator accounts are
 *   otherwise created only by the deployment's set-up command (setup.ts).
 * - Nobody changes their own role, disables themselves or resets their own password here, nor
 *   decides a request about their own account.
 * Everyone acts only on accounts inside their own jurisdiction, and only assigns regions in it.
 */

/** The administrator acting: who (for the self-rules), where, and how the audit log names them. */
export type Caller = { userId: number; scope: Scope; actor: Actor }

/** What an administrator's change came to: done at once, or filed for a second administrator. */
export type Outcome<T> = { done: T } | { pending: Approval }

type Trx = Transaction<Database>

/** Audit fields of a change made by approving a request: who asked, and which request. */
type Via = { approvalId: number; requestedBy: number }

function userQuery(db: Db, scope: Scope) {
  return db.selectFrom('appUser as u')
    .innerJoin('region as r', 'r.code', 'u.regionCode')
    .where(inScope('u.regionCode', scope))
}

const USER_COLUMNS = [
  'u.id', 'u.username', 'u.displayName', 'u.role', 'u.regionCode', 'r.fullName as regionName', 'u.disabled',
  'u.lockedUntil', 'u.totpEnabled', 'u.lastLoginAt', 'u.isDemo', 'u.mustChangePassword', 'u.version',
] as const

function selectUser(db: Db, scope: Scope) {
  return userQuery(db, scope).select(USER_COLUMNS)
}

type UserRow = {
  id: number; username: string; displayName: string; role: string; regionCode: string; regionName: string
  disabled: boolean; lockedUntil: Date | null; totpEnabled: boolean; lastLoginAt: Date | null; isDemo: boolean; mustChangePassword: boolean; version: number
}

function presentUser(u: UserRow): User {
  return {
    ...u,
    roleLabel: roleDef(u.role)?.label ?? u.role,
    locked: u.lockedUntil !== null && u.lockedUntil > new Date(),
    lockedUntil: u.lockedUntil?.toISOString() ?? null,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
  }
}

/** The fields an administrator changes, as recorded before/after in the audit log. */
const audited = (u: { displayName: string; disabled: boolean; role: string; regionCode: string }) =>
  ({ displayName: u.displayName, disabled: u.disabled, role: u.role, regionCode: u.regionCode })

export async function listUsers(db: Db, scope: Scope, f: UserListQuery): Promise<{ items: User[]; total: number }> {
  if (f.regionCode && !codeInScope(f.regionCode, scope)) throw outOfScope(f.regionCode)
  const { limit, offset } = paging(f)
  const like = f.q ? containsPattern(f.q) : null
  const filtered = userQuery(db, scope)
    .$if(!!f.regionCode, (q) => q.where(inScope('u.regionCode', scopeOf(f.regionCode!))))
    .$if(!!f.role, (q) => q.where('u.role', '=', f.role!))
    .$if(like !== null, (q) => q.where((eb) => eb.or([eb('u.username', 'ilike', like!), eb('u.displayName', 'ilike', like!)])))
  const [rows, count] = await Promise.all([
    filtered.select(USER_COLUMNS).orderBy('u.regionCode').orderBy('u.username')
      .limit(limit).offset(offset).execute(),
    filtered.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { items: rows.map(presentUser), total: count.n }
}

export async function getUser(db: Db, scope: Scope, id: number): Promise<User> {
  const row = await selectUser(db, scope).where('u.id', '=', id).executeTakeFirst()
  if (!row) throw notFound('账号', id)
  return presentUser(row)
}

function roleOrThrow(key: string): RoleDef {
  const role = roleDef(key)
  if (!role) throw new AppError('UNKNOWN_ROLE', 400, `角色“${key}”不存在`, [{ field: 'role', value: key }])
  return role
}

/** The region an account is to belong to: inside the caller's jurisdiction, loaded, and of the role's level. */
async function regionForRole(db: Db, scope: Scope, code: string, role: RoleDef) {
  if (!codeInScope(code, scope)) throw outOfScope(code)
  const region = await db.selectFrom('region').select(['code', 'level', 'fullName']).where('code', '=', code).executeTakeFirst()
  if (!region) throw new AppError('UNKNOWN_REGION', 400, `区划代码“${code}”不存在`, [{ field: 'regionCode', value: code }])
  if (role.level && role.level !== region.level) {
    const labels: Record<string, string> = REGION_LEVEL_LABELS
    throw new AppError('ROLE_LEVEL_MISMATCH', 400,
      `“${role.label}”须设在${labels[role.level]}区划，“${region.fullName}”是${labels[region.level] ?? region.level}区划`,
      [{ field: 'regionCode', value: code }])
  }
  return region
}

const usernameTaken = (username: string) =>
  new AppError('USERNAME_TAKEN', 409, `用户名“${username}”已被使用`, [{ field: 'username', value: username }])

/** A new account with a one-time password, for the administrator to hand over; returned once. */
export async function createUser(db: Db, caller: Caller, body: CreateUserBody): Promise<CreatedUser> {
  const role = roleOrThrow(body.role)
  if (isAdminRole(role.key)) {
    throw new AppError('ADMIN_ROLE_RESERVED', 403, `系统管理员只能创建业务角色的账号；“${role.label}”角色须由安全管理员申请、另一名管理员批准后分配`, [{ field: 'role', value: body.role }])
  }
  await regionForRole(db, caller.scope, body.regionCode, role)
  const existing = await db.selectFrom('appUser').select('id').where(sql`lower(username)`, '=', body.username.toLowerCase()).executeTakeFirst()
  if (existing) throw usernameTaken(body.username)
  const password = oneTimePassword()
  const passwordHash = await hashPassword(password)

  return db.transaction().execute(async (trx) => {
    const inserted = await trx.insertInto('appUser').values({
      username: body.username, displayName: body.displayName, role: role.key, regionCode: body.regionCode, passwordHash,
      mustChangePassword: true,
    }).returning('id').executeTakeFirstOrThrow().catch((err: unknown) => {
      // Two administrators creating the same name at once: the unique index decides.
      if ((err as { code?: string }).code === '23505') throw usernameTaken(body.username)
      throw err
    })
    const user = await getUser(trx, caller.scope, inserted.id)
    await recordAudit(trx, caller.actor, {
      action: 'user.created', entity: 'user', entityId: user.id, regionCode: user.regionCode,
      after: { username: user.username, ...audited(user), mustChangePassword: true },
    })
    return { ...user, oneTimePassword: password }
  })
}

async function currentUser(db: Db, scope: Scope, id: number) {
  const row = await db.selectFrom('appUser')
    .select(['id', 'username', 'displayName', 'role', 'regionCode', 'disabled', 'failedLogins', 'lockedUntil', 'lockCount', 'version'])
    .where('id', '=', id).where(inScope('regionCode', scope))
    .forUpdate().executeTakeFirst()
  if (!row) throw notFound('账号', id)
  return row
}

async function regionName(db: Db, code: string): Promise<string> {
  const r = await db.selectFrom('region').select('fullName').where('code', '=', code).executeTakeFirst()
  return r?.fullName ?? code
}

const roleLabel = (key: string) => roleDef(key)?.label ?? key

type Current = Awaited<ReturnType<typeof currentUser>>

export async function updateUser(db: Db, caller: Caller, id: number, body: UpdateUserBody): Promise<Outcome<User>> {
  return db.transaction().execute(async (trx) => {
    const before = await currentUser(trx, caller.scope, id)
    if (body.disabled && id === caller.userId) throw forbidden('不能停用本人账号')
    if (before.version !== body.version) throw stale('该账号')
    if (body.disabled !== before.disabled && accountChangeNeedsApproval(before.role)) {
      const summary = `${body.disabled ? '停用' : '启用'}${roleLabel(before.role)}账号`
        + (body.displayName !== before.displayName ? `，姓名改为“${body.displayName}”` : '')
      return { pending: await fileApproval(trx, caller, { kind: 'set_disabled', target: before, payload: { ...body }, summary }) }
    }
    return { done: await applyUpdate(trx, caller, before, body) }
  })
}

async function applyUpdate(trx: Trx, caller: Caller, before: Current, body: UpdateUserBody, via?: Via): Promise<User> {
  const updated = await trx.updateTable('appUser')
    .set({ displayName: body.displayName, disabled: body.disabled, version: sql`version + 1`, updatedAt: new Date() })
    .where('id', '=', before.id).where('version', '=', body.version)
    .returning('id').executeTakeFirst()
  if (!updated) throw stale('该账号')
  // A disabled account must not keep working through a session opened before.
  if (body.disabled) await trx.deleteFrom('session').where('userId', '=', before.id).execute()
  const user = await getUser(trx, caller.scope, before.id)
  await recordAudit(trx, caller.actor, {
    action: 'user.updated', entity: 'user', entityId: before.id, regionCode: user.regionCode,
    before: audited(before), after: { ...audited(user), ...via },
  })
  return user
}

export async function assignRole(db: Db, caller: Caller, id: number, body: AssignRoleBody): Promise<Outcome<User>> {
  if (id === caller.userId) throw forbidden('不能修改本人的角色')
  const role = roleOrThrow(body.role)
  const region = await regionForRole(db, caller.scope, body.regionCode, role)
  return db.transaction().execute(async (trx) => {
    const before = await currentUser(trx, caller.scope, id)
    if (before.version !== body.version) throw stale('该账号')
    if (roleChangeNeedsApproval(before.role, role.key)) {
      const summary = `角色由“${roleLabel(before.role)}”（${await regionName(trx, before.regionCode)}）改为“${role.label}”（${region.fullName}）`
      return { pending: await fileApproval(trx, caller, { kind: 'assign_role', target: before, payload: { ...body }, summary }) }
    }
    return { done: await applyRole(trx, caller, before, role, body) }
  })
}

async function applyRole(trx: Trx, caller: Caller, before: Current, role: RoleDef, body: AssignRoleBody, via?: Via): Promise<User> {
  const updated = await trx.updateTable('appUser')
    .set({ role: role.key, regionCode: body.regionCode, version: sql`version + 1`, updatedAt: new Date() })
    .where('id', '=', before.id).where('version', '=', body.version)
    .returning('id').executeTakeFirst()
  if (!updated) throw stale('该账号')
  const user = await getUser(trx, caller.scope, before.id)
  // Filed under the new region; `before` keeps the old one for whoever audits the move.
  await recordAudit(trx, caller.actor, {
    action: 'user.role_changed', entity: 'user', entityId: before.id, regionCode: user.regionCode,
    before: { role: before.role, regionCode: before.regionCode }, after: { role: user.role, regionCode: user.regionCode, ...via },
  })
  return user
}

/** A one-time password for someone else's account; an administrator's waits for a second administrator. */
export async function resetPassword(db: Db, caller: Caller, id: number): Promise<Outcome<{ oneTimePassword: string }>> {
  if (id === caller.userId) throw forbidden('不能在此重置本人口令，请在个人设置中修改口令')
  return db.transaction().execute(async (trx) => {
    const target = await currentUser(trx, caller.scope, id)
    if (accountChangeNeedsApproval(target.role)) {
      const summary = `重置${roleLabel(target.role)}的口令（批准后由审批人获得一次性口令，本人首次登录须修改）`
      return { pending: await fileApproval(trx, caller, { kind: 'reset_password', target, payload: {}, summary }) }
    }
    return { done: { oneTimePassword: await applyReset(trx, caller.actor, target) } }
  })
}

async function applyReset(trx: Trx, actor: Actor, target: Current, via?: Via): Promise<string> {
  const password = oneTimePassword()
  await trx.updateTable('appUser')
    .set({ passwordHash: await hashPassword(password), mustChangePassword: true, passwordChangedAt: new Date(), updatedAt: new Date() })
    .where('id', '=', target.id).execute()
  // Whoever knew the old password may be signed in with it.
  await trx.deleteFrom('session').where('userId', '=', target.id).execute()
  await recordAudit(trx, actor, {
    action: 'user.password_reset', entity: 'user', entityId: target.id, regionCode: target.regionCode,
    after: { mustChangePassword: true, ...via },
  })
  return password
}

/**
 * Approves a pending request: a second administrator, neither the requester nor the account
 * concerned, makes the change under his own jurisdiction and name, in the same transaction.
 */
export async function approveChange(db: Db, caller: Caller, approvalId: number): Promise<Approved> {
  return db.transaction().execute(async (trx) => {
    const a = await takePending(trx, caller.scope, approvalId)
    if (a.requestedBy === caller.userId) throw forbidden('不能批准本人提出的申请，须由另一名管理员审批')
    if (a.targetUserId === caller.userId) throw forbidden('不能审批涉及本人账号的申请')
    const target = await currentUser(trx, caller.scope, a.targetUserId)
    const via: Via = { approvalId: a.id, requestedBy: a.requestedBy }
    let user: User
    let password: string | null = null
    if (a.kind === 'assign_role' && Value.Check(AssignRoleBody, a.payload)) {
      const role = roleOrThrow(a.payload.role)
      await regionForRole(trx, caller.scope, a.payload.regionCode, role)
      user = await applyRole(trx, caller, target, role, a.payload, via)
    } else if (a.kind === 'set_disabled' && Value.Check(UpdateUserBody, a.payload)) {
      user = await applyUpdate(trx, caller, target, a.payload, via)
    } else if (a.kind === 'reset_password') {
      password = await applyReset(trx, caller.actor, target, via)
      user = await getUser(trx, caller.scope, target.id)
    } else {
      throw new AppError('APPROVAL_INVALID', 409, `审批申请“${a.id}”的内容无法识别，请驳回后重新申请`)
    }
    const approval = await closeApproval(trx, caller, a, 'approved')
    return { approval, user, oneTimePassword: password }
  })
}

/** Rejects a request; its requester may withdraw it, the account concerned may not veto it. */
export async function rejectChange(db: Db, caller: Caller, approvalId: number): Promise<Approval> {
  return db.transaction().execute(async (trx) => {
    const a = await takePending(trx, caller.scope, approvalId)
    if (a.targetUserId === caller.userId) throw forbidden('不能审批涉及本人账号的申请')
    return closeApproval(trx, caller, a, 'rejected')
  })
}

export async function unlockUser(db: Db, caller: Caller, id: number): Promise<User> {
  return db.transaction().execute(async (trx) => {
    const before = await currentUser(trx, caller.scope, id)
    // The back-off starts over, and the account's throttled (address, name) pairs are cleared:
    // after an unlock the user can sign in at once, from wherever the failures came.
    await trx.updateTable('appUser').set({ failedLogins: 0, lockedUntil: null, lockCount: 0 }).where('id', '=', id).execute()
    await trx.deleteFrom('loginFailure').where('username', '=', before.username.toLowerCase()).execute()
    const user = await getUser(trx, caller.scope, id)
    await recordAudit(trx, caller.actor, {
      action: 'user.unlocked', entity: 'user', entityId: id, regionCode: before.regionCode,
      before: { failedLogins: before.failedLogins, lockedUntil: before.lockedUntil, lockCount: before.lockCount },
      after: { failedLogins: 0, lockedUntil: null, lockCount: 0 },
    })
    return user
  })
}
