import { sql } from 'kysely'
import { roleDef, type RoleDef, type RoleKey } from '../../../domain/auth/roles.js'
import { REGION_LEVEL_LABELS } from '../../../domain/regions/code.js'
import type { Db } from '../../db/database.js'
import { codeInScope, inScope, scopeOf, type Scope } from '../../db/scope.js'
import { AppError, forbidden, notFound, outOfScope, stale } from '../../errors.js'
import { recordAudit, type Actor } from '../audit/record.js'
import { assertPasswordPolicy, hashPassword } from '../auth/passwords.js'
import type { AssignRoleBody, CreateUserBody, UpdateUserBody, User, UserListQuery } from './schema.js'

/**
 * 等保 三权分立, as this module enforces it:
 * - 系统管理员 (users.manage) creates accounts of business roles only (managers, reporter, duty,
 *   viewer), edits names and disables/enables accounts; it never assigns roles, and cannot
 *   disable an account holding one of the three administrator roles, so that it cannot silence
 *   the security or audit administrator.
 * - 安全管理员 (users.security) is the only one who assigns roles and jurisdictions, the three
 *   administrator roles included; it also resets passwords and unlocks accounts.
 * - 审计管理员 has no say over accounts at all.
 * - Nobody changes their own role, disables themselves or resets their own password here.
 * Everyone acts only on accounts inside their own jurisdiction, and only assigns regions in it.
 */
export const ADMIN_ROLES: readonly RoleKey[] = ['sysadmin', 'secadmin', 'auditor']

export function isAdminRole(role: string): boolean {
  return ADMIN_ROLES.some((r) => r === role)
}

/** The administrator acting: who (for the self-rules), where, and how the audit log names them. */
export type Caller = { userId: number; scope: Scope; actor: Actor }

const PASSWORD_MUST_CHANGE = new Date(0) // older than any maximum age: the next sign-in must change it

function userQuery(db: Db, scope: Scope) {
  return db.selectFrom('appUser as u')
    .innerJoin('region as r', 'r.code', 'u.regionCode')
    .where(inScope('u.regionCode', scope))
}

const USER_COLUMNS = [
  'u.id', 'u.username', 'u.displayName', 'u.role', 'u.regionCode', 'r.fullName as regionName', 'u.disabled',
  'u.lockedUntil', 'u.totpEnabled', 'u.lastLoginAt', 'u.isDemo', 'u.version',
] as const

function selectUser(db: Db, scope: Scope) {
  return userQuery(db, scope).select(USER_COLUMNS)
}

type UserRow = {
  id: number; username: string; displayName: string; role: string; regionCode: string; regionName: string
  disabled: boolean; lockedUntil: Date | null; totpEnabled: boolean; lastLoginAt: Date | null; isDemo: boolean; version: number
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
  const pageSize = f.pageSize ?? 20
  const page = f.page ?? 1
  const like = f.q ? `%${f.q.replace(/[\\%_]/g, '\\$&')}%` : null
  const filtered = userQuery(db, scope)
    .$if(!!f.regionCode, (q) => q.where(inScope('u.regionCode', scopeOf(f.regionCode!))))
    .$if(!!f.role, (q) => q.where('u.role', '=', f.role!))
    .$if(like !== null, (q) => q.where((eb) => eb.or([eb('u.username', 'ilike', like!), eb('u.displayName', 'ilike', like!)])))
  const [rows, count] = await Promise.all([
    filtered.select(USER_COLUMNS).orderBy('u.regionCode').orderBy('u.username')
      .limit(pageSize).offset((page - 1) * pageSize).execute(),
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

export async function createUser(db: Db, caller: Caller, body: CreateUserBody): Promise<User> {
  const role = roleOrThrow(body.role)
  if (isAdminRole(role.key)) {
    throw new AppError('ADMIN_ROLE_RESERVED', 403, `系统管理员只能创建业务角色的账号；“${role.label}”角色须由安全管理员分配`, [{ field: 'role', value: body.role }])
  }
  await regionForRole(db, caller.scope, body.regionCode, role)
  assertPasswordPolicy(body.password)
  const existing = await db.selectFrom('appUser').select('id').where(sql`lower(username)`, '=', body.username.toLowerCase()).executeTakeFirst()
  if (existing) throw usernameTaken(body.username)
  const passwordHash = await hashPassword(body.password)

  return db.transaction().execute(async (trx) => {
    const inserted = await trx.insertInto('appUser').values({
      username: body.username, displayName: body.displayName, role: role.key, regionCode: body.regionCode, passwordHash,
    }).returning('id').executeTakeFirstOrThrow().catch((err: unknown) => {
      // Two administrators creating the same name at once: the unique index decides.
      if ((err as { code?: string }).code === '23505') throw usernameTaken(body.username)
      throw err
    })
    const user = await getUser(trx, caller.scope, inserted.id)
    await recordAudit(trx, caller.actor, {
      action: 'user.created', entity: 'user', entityId: user.id, regionCode: user.regionCode,
      after: { username: user.username, ...audited(user) },
    })
    return user
  })
}

async function currentUser(db: Db, scope: Scope, id: number) {
  const row = await db.selectFrom('appUser')
    .select(['id', 'username', 'displayName', 'role', 'regionCode', 'disabled', 'failedLogins', 'lockedUntil', 'version'])
    .where('id', '=', id).where(inScope('regionCode', scope))
    .forUpdate().executeTakeFirst()
  if (!row) throw notFound('账号', id)
  return row
}

export async function updateUser(db: Db, caller: Caller, id: number, body: UpdateUserBody): Promise<User> {
  return db.transaction().execute(async (trx) => {
    const before = await currentUser(trx, caller.scope, id)
    if (body.disabled && id === caller.userId) throw forbidden('不能停用本人账号')
    if (body.disabled !== before.disabled && isAdminRole(before.role)) {
      throw forbidden(`“${before.username}”是${roleDef(before.role)?.label ?? before.role}账号，不能由系统管理员停用或启用；请先由安全管理员调整其角色`)
    }
    const updated = await trx.updateTable('appUser')
      .set({ displayName: body.displayName, disabled: body.disabled, version: sql`version + 1`, updatedAt: new Date() })
      .where('id', '=', id).where('version', '=', body.version)
      .returning('id').executeTakeFirst()
    if (!updated) throw stale('该账号')
    // A disabled account must not keep working through a session opened before.
    if (body.disabled) await trx.deleteFrom('session').where('userId', '=', id).execute()
    const user = await getUser(trx, caller.scope, id)
    await recordAudit(trx, caller.actor, {
      action: 'user.updated', entity: 'user', entityId: id, regionCode: user.regionCode,
      before: audited(before), after: audited(user),
    })
    return user
  })
}

export async function assignRole(db: Db, caller: Caller, id: number, body: AssignRoleBody): Promise<User> {
  if (id === caller.userId) throw forbidden('不能修改本人的角色')
  const role = roleOrThrow(body.role)
  await regionForRole(db, caller.scope, body.regionCode, role)
  return db.transaction().execute(async (trx) => {
    const before = await currentUser(trx, caller.scope, id)
    const updated = await trx.updateTable('appUser')
      .set({ role: role.key, regionCode: body.regionCode, version: sql`version + 1`, updatedAt: new Date() })
      .where('id', '=', id).where('version', '=', body.version)
      .returning('id').executeTakeFirst()
    if (!updated) throw stale('该账号')
    const user = await getUser(trx, caller.scope, id)
    // Filed under the new region; `before` keeps the old one for whoever audits the move.
    await recordAudit(trx, caller.actor, {
      action: 'user.role_changed', entity: 'user', entityId: id, regionCode: user.regionCode,
      before: { role: before.role, regionCode: before.regionCode }, after: { role: user.role, regionCode: user.regionCode },
    })
    return user
  })
}

export async function resetPassword(db: Db, caller: Caller, id: number, password: string): Promise<void> {
  if (id === caller.userId) throw forbidden('不能在此重置本人口令，请在个人设置中修改口令')
  assertPasswordPolicy(password)
  const passwordHash = await hashPassword(password)
  await db.transaction().execute(async (trx) => {
    const target = await currentUser(trx, caller.scope, id)
    await trx.updateTable('appUser')
      .set({ passwordHash, passwordChangedAt: PASSWORD_MUST_CHANGE, updatedAt: new Date() })
      .where('id', '=', id).execute()
    // Whoever knew the old password may be signed in with it.
    await trx.deleteFrom('session').where('userId', '=', id).execute()
    await recordAudit(trx, caller.actor, {
      action: 'user.password_reset', entity: 'user', entityId: id, regionCode: target.regionCode,
      after: { mustChangePassword: true },
    })
  })
}

export async function unlockUser(db: Db, caller: Caller, id: number): Promise<User> {
  return db.transaction().execute(async (trx) => {
    const before = await currentUser(trx, caller.scope, id)
    await trx.updateTable('appUser').set({ failedLogins: 0, lockedUntil: null }).where('id', '=', id).execute()
    const user = await getUser(trx, caller.scope, id)
    await recordAudit(trx, caller.actor, {
      action: 'user.unlocked', entity: 'user', entityId: id, regionCode: before.regionCode,
      before: { failedLogins: before.failedLogins, lockedUntil: before.lockedUntil }, after: { failedLogins: 0, lockedUntil: null },
    })
    return user
  })
}
