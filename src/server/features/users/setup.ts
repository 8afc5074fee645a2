import { sql } from 'kysely'
import { isAdminRole, roleDef, type RoleKey } from '../../../domain/auth/roles.js'
import type { Db } from '../../db/database.js'
import { AppError } from '../../errors.js'
import { recordAudit, type Actor } from '../audit/record.js'
import { hashPassword } from '../auth/passwords.js'
import { oneTimePassword } from './one-time-password.js'

/**
 * What the deployment's set-up command (`npm run admin`, cli.ts) does to accounts. Whoever runs
 * it holds the server and its database, so it stands outside 三权分立: it is how the first
 * administrators come to exist, and how an administrator account is recovered when no second
 * administrator is there to approve. It still never lets anyone choose a password: it prints a
 * one-time password its owner must replace at first login, and the log records what it did.
 */
export const SETUP_ACTOR: Actor = { id: null, name: '部署设置命令', ip: null }

const USERNAME = /^[A-Za-z0-9_.-]{3,32}$/

export type NewAdministrator = { role: RoleKey; username: string; regionCode: string; displayName?: string }

/** An administrator account (系统、安全或审计管理员) with a one-time password. */
export async function createAdministrator(db: Db, a: NewAdministrator): Promise<{ id: number; regionName: string; oneTimePassword: string }> {
  const role = roleDef(a.role)
  if (!role || !isAdminRole(role.key)) {
    throw new AppError('ADMIN_ROLE_ONLY', 400, `设置命令只创建系统、安全、审计管理员账号；“${a.role}”账号请由系统管理员在系统中创建`)
  }
  if (!USERNAME.test(a.username)) {
    throw new AppError('INVALID_FIELD', 400, `用户名“${a.username}”应为 3–32 位字母、数字、下划线、点或短横线`, [{ field: 'username', value: a.username }])
  }
  const region = await db.selectFrom('region').select('fullName').where('code', '=', a.regionCode).executeTakeFirst()
  if (!region) {
    throw new AppError('UNKNOWN_REGION', 400, `区划代码“${a.regionCode}”不存在（须为已载入的 12 位统计用区划代码；首次部署请先启动一次服务，或执行 npm run regions:load）`, [{ field: 'regionCode', value: a.regionCode }])
  }
  const password = oneTimePassword()
  const passwordHash = await hashPassword(password)
  const displayName = a.displayName?.trim() || role.label
  return db.transaction().execute(async (trx) => {
    const taken = await trx.selectFrom('appUser').select('id').where(sql`lower(username)`, '=', a.username.toLowerCase()).executeTakeFirst()
    if (taken) throw new AppError('USERNAME_TAKEN', 409, `用户名“${a.username}”已被使用`, [{ field: 'username', value: a.username }])
    const user = await trx.insertInto('appUser').values({
      username: a.username, displayName, role: role.key, regionCode: a.regionCode, passwordHash, mustChangePassword: true,
    }).returning('id').executeTakeFirstOrThrow()
    await recordAudit(trx, SETUP_ACTOR, {
      action: 'user.created', entity: 'user', entityId: user.id, regionCode: a.regionCode,
      after: { username: a.username, displayName, role: role.key, regionCode: a.regionCode, disabled: false, mustChangePassword: true, via: 'setup' },
    })
    return { id: user.id, regionName: region.fullName, oneTimePassword: password }
  })
}

/** A new one-time password for any account; its sessions end, and its owner must change it. */
export async function resetPasswordBySetup(db: Db, username: string): Promise<{ id: number; role: string; oneTimePassword: string }> {
  const password = oneTimePassword()
  const passwordHash = await hashPassword(password)
  return db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom('appUser').select(['id', 'role', 'regionCode'])
      .where(sql`lower(username)`, '=', username.toLowerCase()).forUpdate().executeTakeFirst()
    if (!user) throw new AppError('NOT_FOUND', 404, `用户名“${username}”不存在`, [{ field: 'username', value: username }])
    await trx.updateTable('appUser')
      .set({ passwordHash, mustChangePassword: true, passwordChangedAt: new Date(), updatedAt: new Date() })
      .where('id', '=', user.id).execute()
    await trx.deleteFrom('session').where('userId', '=', user.id).execute()
    await recordAudit(trx, SETUP_ACTOR, {
      action: 'user.password_reset', entity: 'user', entityId: user.id, regionCode: user.regionCode,
      after: { mustChangePassword: true, via: 'setup' },
    })
    return { id: user.id, role: user.role, oneTimePassword: password }
  })
}
