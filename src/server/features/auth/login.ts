import { sql } from 'kysely'
import type { Db } from '../../db/database.js'
import { AppError } from '../../errors.js'
import { recordAudit, type Actor } from '../audit/record.js'
import { dummyVerify, verifyPassword } from './passwords.js'
import { verifyTotp } from './totp.js'

export const LOCKOUT_FAILURES = 5
export const LOCKOUT_MINUTES = 15
/** Failures from one address within the lockout window before it is refused outright. */
export const IP_FAILURE_LIMIT = 30

type Attempt = { username: string; password: string; totp?: string; ip: string }

const badCredentials = () => new AppError('BAD_CREDENTIALS', 401, '用户名或口令错误')

function lockedMessage(until: Date): AppError {
  const t = until.toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'Asia/Shanghai' })
  return new AppError('ACCOUNT_LOCKED', 423, `连续登录失败次数过多，账号已锁定至 ${t}，请稍后再试或联系安全管理员解锁`)
}

/**
 * Checks a login attempt. Every outcome is audited; failures count towards the account lockout
 * (5 in a row → 15 minutes) and the per-address throttle, both kept in PostgreSQL so that
 * all server instances agree.
 */
export async function checkLogin(db: Db, a: Attempt): Promise<{ userId: number }> {
  const anon: Actor = { id: null, name: a.username.slice(0, 64), ip: a.ip }
  const recent = await db.selectFrom('loginFailure')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('ip', '=', a.ip)
    .where('at', '>', sql<Date>`now() - make_interval(mins => ${LOCKOUT_MINUTES})`)
    .executeTakeFirstOrThrow()
  if (recent.n >= IP_FAILURE_LIMIT) {
    throw new AppError('TOO_MANY_ATTEMPTS', 429, `该地址登录失败次数过多，请 ${LOCKOUT_MINUTES} 分钟后再试`)
  }

  const user = await db.selectFrom('appUser')
    .select(['id', 'username', 'displayName', 'passwordHash', 'disabled', 'lockedUntil', 'failedLogins', 'totpEnabled', 'totpSecret', 'regionCode'])
    .where(sql`lower(username)`, '=', a.username.toLowerCase())
    .executeTakeFirst()

  const fail = async (reason: string, error: AppError, userId: number | null) => {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('loginFailure').values({ ip: a.ip, username: a.username.slice(0, 64) }).execute()
      await recordAudit(trx, userId ? { ...anon, id: userId } : anon, {
        action: 'auth.login_failed', entity: 'user', entityId: userId, after: { reason },
      })
    })
    return error
  }

  if (!user) {
    await dummyVerify(a.password)
    throw await fail('unknown_user', badCredentials(), null)
  }
  if (user.disabled) throw await fail('disabled', new AppError('ACCOUNT_DISABLED', 401, '账号已停用，请联系系统管理员'), user.id)
  if (user.lockedUntil && user.lockedUntil > new Date()) throw await fail('locked', lockedMessage(user.lockedUntil), user.id)

  const passwordOk = await verifyPassword(user.passwordHash, a.password)
  let totpProblem: AppError | null = null
  if (passwordOk && user.totpEnabled) {
    if (!a.totp) totpProblem = new AppError('TOTP_REQUIRED', 401, '请输入动态口令（身份验证器中的 6 位数字）')
    else if (!verifyTotp(user.totpSecret ?? '', a.totp)) totpProblem = new AppError('TOTP_INVALID', 401, '动态口令错误或已过期')
  }
  // Asking for the second factor is not a failure: the password was right.
  if (totpProblem?.code === 'TOTP_REQUIRED') throw totpProblem

  if (!passwordOk || totpProblem) {
    const failures = user.failedLogins + 1
    const lock = failures >= LOCKOUT_FAILURES
    const lockedUntil = lock ? new Date(Date.now() + LOCKOUT_MINUTES * 60_000) : null
    await db.updateTable('appUser')
      .set({ failedLogins: lock ? 0 : failures, lockedUntil })
      .where('id', '=', user.id).execute()
    const error = lock ? lockedMessage(lockedUntil!) : (totpProblem ?? badCredentials())
    throw await fail(lock ? 'locked_now' : passwordOk ? 'bad_totp' : 'bad_password', error, user.id)
  }

  await db.transaction().execute(async (trx) => {
    await trx.updateTable('appUser')
      .set({ failedLogins: 0, lockedUntil: null, lastLoginAt: new Date() })
      .where('id', '=', user.id).execute()
    await recordAudit(trx, { id: user.id, name: `${user.displayName}（${user.username}）`, ip: a.ip }, {
      action: 'auth.login', entity: 'user', entityId: user.id, regionCode: user.regionCode,
    })
  })
  return { userId: user.id }
}
