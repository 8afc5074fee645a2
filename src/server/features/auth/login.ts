import { sql, type Transaction } from 'kysely'
import type { Db } from '../../db/database.js'
import type { Database } from '../../db/types.js'
import { AppError } from '../../errors.js'
import { recordAudit, type Actor } from '../audit/record.js'
import type { RefusalRecorder } from '../audit/refusals.js'
import { dummyVerify, verifyPassword } from './passwords.js'
import { verifyTotp } from './totp.js'

/**
 * Login checks, throttles and lockout, all kept in PostgreSQL so that every server instance agrees.
 *
 * Three limits, each aimed so that an attacker cannot use it against everyone else:
 * - per account: 5 wrong passwords in a row lock it, 15 minutes the first time and twice as long
 *   for each further lock until a successful login (or the 安全管理员's unlock) resets the count;
 * - per (address, account): 10 failures within 15 minutes refuse that pair alone, unchecked;
 * - per address: beyond 30 failures within 15 minutes, every account may still be tried from it,
 *   but only by a name that has not failed there in the window: a correct password gets in, and
 *   guessing drops to one try per account per window. Behind a proxy (one address for all users)
 *   a flood of guesses therefore locks nobody out.
 *
 * A locked, disabled or unknown account answers exactly like a wrong password; only a correct
 * password learns why it cannot get in. Each of them costs one argon2 verification, so timing
 * does not tell them apart either. Refusals go to the audit log through the rate-limited
 * refusal recorder; a successful login and each new lock are audited in full.
 */

/** Wrong passwords in a row, from anywhere, before the account locks. */
export const LOCKOUT_FAILURES = 5
/** How long the first lock lasts; each further lock in a row doubles it, up to `LOCKOUT_MAX_MINUTES`. */
export const LOCKOUT_MINUTES = 15
export const LOCKOUT_MAX_MINUTES = 24 * 60
/** The window over which failures per address and per (address, account) are counted. */
export const THROTTLE_WINDOW_MINUTES = 15
/** Failures of one (address, account) pair within the window before that pair is refused. */
export const PAIR_FAILURE_LIMIT = 10
/** Failures from one address within the window before each account may fail there only once. */
export const ADDRESS_FAILURE_LIMIT = 30

/** How long a one-time password from an administrator (or the set-up command) works. */
export const ONE_TIME_PASSWORD_HOURS = 72

/** Minutes the next lock lasts, given how many locks in a row came before it. */
export function lockMinutes(previousLocks: number): number {
  return Math.min(LOCKOUT_MINUTES * 2 ** Math.min(previousLocks, 10), LOCKOUT_MAX_MINUTES)
}

type Attempt = { username: string; password: string; totp?: string; ip: string }

type Context = {
  /** Where refused attempts are audited, rate-limited per address (`app.refusals`). */
  refusals: RefusalRecorder
  /** The time of the attempt (`app.clock.now()`), so tests can let a lock expire. */
  now?: Date
}

const badCredentials = () => new AppError('BAD_CREDENTIALS', 401, '用户名或口令错误')

/** 09:30 today, or 12月7日 09:30 when the lock ends on another day (China time). */
function chinaTime(at: Date, now: Date): string {
  const day = (d: Date) => d.toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' })
  const time = at.toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'Asia/Shanghai' })
  if (day(at) === day(now)) return time
  const date = at.toLocaleDateString('zh-CN', { month: 'long', day: 'numeric', timeZone: 'Asia/Shanghai' })
  return `${date} ${time}`
}

const lockedError = (until: Date, now: Date) => new AppError('ACCOUNT_LOCKED', 423,
  `口令正确，但账号因连续登录失败已锁定至 ${chinaTime(until, now)}；请届时再登录，或联系安全管理员解锁`)

const disabledError = () => new AppError('ACCOUNT_DISABLED', 401, '口令正确，但账号已停用；请联系系统管理员')

const minutesUntil = (at: number, now: Date) => Math.max(1, Math.ceil((at - now.getTime()) / 60_000))

/**
 * Checks a login attempt and returns the account it signs in, or throws the answer to give.
 * Failures count towards the lockout and the throttles; see the file comment for the rules.
 */
export async function checkLogin(db: Db, a: Attempt, ctx: Context): Promise<{ userId: number }> {
  const now = ctx.now ?? new Date()
  // Keyed like the lookup below (case-insensitive), whether or not the account exists.
  const name = a.username.toLowerCase().slice(0, 64)
  const windowMs = THROTTLE_WINDOW_MINUTES * 60_000
  const since = new Date(now.getTime() - windowMs)

  const seen = await db.selectFrom('loginFailure')
    .select((eb) => [
      eb.fn.countAll<number>().as('fromAddress'),
      sql<number>`count(*) filter (where username = ${name})`.as('forPair'),
      sql<Date | null>`min(at) filter (where username = ${name})`.as('pairFirst'),
      sql<Date | null>`max(at) filter (where username = ${name})`.as('pairLast'),
    ])
    .where('ip', '=', a.ip).where('at', '>', since)
    .executeTakeFirstOrThrow()
  const addressOver = seen.fromAddress >= ADDRESS_FAILURE_LIMIT

  const user = await db.selectFrom('appUser')
    .select(['id', 'username', 'displayName', 'passwordHash', 'disabled', 'lockedUntil', 'totpEnabled', 'totpSecret', 'regionCode', 'mustChangePassword', 'passwordChangedAt'])
    .where(sql`lower(username)`, '=', a.username.toLowerCase())
    .executeTakeFirst()

  const refuse = async (reason: string, error: AppError, detail: Record<string, unknown> = {}) => {
    await ctx.refusals.record({ id: user?.id ?? null, name: a.username.slice(0, 64), ip: a.ip }, {
      action: 'auth.login_failed', reason, entity: 'user', entityId: user?.id ?? null,
      regionCode: user?.regionCode ?? null, detail: { status: error.status, ...detail },
    }, now.getTime())
    return error
  }

  // Throttled pairs are refused before any password is checked: no argon2 work for a flood,
  // and the answer is the same whether or not the account exists.
  if (seen.forPair >= PAIR_FAILURE_LIMIT) {
    const m = minutesUntil(seen.pairFirst!.getTime() + windowMs, now)
    throw await refuse('pair_throttled', new AppError('TOO_MANY_ATTEMPTS', 429, `该用户名从本地址登录失败次数过多，请 ${m} 分钟后再试`))
  }
  if (addressOver && seen.forPair > 0) {
    const m = minutesUntil(seen.pairLast!.getTime() + windowMs, now)
    throw await refuse('address_throttled', new AppError('TOO_MANY_ATTEMPTS', 429, `本地址登录失败次数过多，该用户名请 ${m} 分钟后再试`))
  }

  // Locked, disabled and unknown accounts cost one verification like any other, so that
  // neither the answer nor its timing says which accounts exist.
  const passwordOk = user ? await verifyPassword(user.passwordHash, a.password) : await dummyVerify(a.password)
  const locked = !!user?.lockedUntil && user.lockedUntil > now

  if (user && passwordOk) {
    if (user.disabled) throw await refuse('disabled', disabledError())
    if (locked) throw await refuse('locked', lockedError(user.lockedUntil!, now), { lockedUntil: user.lockedUntil!.toISOString() })
    // A one-time password is a message in transit: one left unused for days may have been seen by others.
    if (user.mustChangePassword && now.getTime() - user.passwordChangedAt.getTime() > ONE_TIME_PASSWORD_HOURS * 3_600_000) {
      throw await refuse('one_time_password_expired', new AppError('ONE_TIME_PASSWORD_EXPIRED', 401,
        `初始口令已超过 ${ONE_TIME_PASSWORD_HOURS} 小时未使用，已失效；请联系安全管理员重新重置口令`))
    }
    // Asking for the second factor is not a failure: the password was right.
    if (user.totpEnabled && !a.totp) throw new AppError('TOTP_REQUIRED', 401, '请输入动态口令（身份验证器中的 6 位数字）')
    if (!user.totpEnabled || verifyTotp(user.totpSecret ?? '', a.totp ?? '')) {
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('appUser')
          .set({ failedLogins: 0, lockedUntil: null, lockCount: 0, lastLoginAt: now })
          .where('id', '=', user.id).execute()
        // The pair's earlier typos were this user's own; they should not hold the user back later.
        await trx.deleteFrom('loginFailure').where('ip', '=', a.ip).where('username', '=', name).execute()
        await recordAudit(trx, { id: user.id, name: `${user.displayName}（${user.username}）`, ip: a.ip }, {
          action: 'auth.login', entity: 'user', entityId: user.id, regionCode: user.regionCode,
        })
      })
      return { userId: user.id }
    }
  }

  const reason = !user ? 'unknown_user' : user.disabled ? 'disabled' : locked ? 'locked' : passwordOk ? 'bad_totp' : 'bad_password'
  const lockedNow = await db.transaction().execute(async (trx) => {
    await trx.insertInto('loginFailure').values({ ip: a.ip, username: name, at: now }).execute()
    // Rows past the window count for nothing; this address's are cheap to clear on the (ip, at) index.
    await trx.deleteFrom('loginFailure').where('ip', '=', a.ip).where('at', '<=', since).execute()
    if (reason !== 'bad_password' && reason !== 'bad_totp') return null
    return countFailure(trx, user!.id, now, { id: user!.id, name: a.username.slice(0, 64), ip: a.ip })
  })

  const error = reason === 'bad_totp'
    ? new AppError('TOTP_INVALID', 401, '动态口令错误或已过期')
    : addressOver
      ? new AppError('TOO_MANY_ATTEMPTS', 429, `用户名或口令错误；本地址登录失败次数过多，该用户名请 ${THROTTLE_WINDOW_MINUTES} 分钟后再试`)
      : badCredentials()
  throw await refuse(lockedNow ? 'locked_now' : reason, error, lockedNow ? { lockedUntil: lockedNow.toISOString() } : {})
}

/**
 * One more wrong password for the account, under its row lock so that concurrent attempts on
 * several instances count exactly. Returns the end of the lock when this failure starts one;
 * the lock is a change of the account and is audited in full.
 */
async function countFailure(trx: Transaction<Database>, userId: number, now: Date, actor: Actor): Promise<Date | null> {
  const u = await trx.selectFrom('appUser').select(['failedLogins', 'lockedUntil', 'lockCount', 'regionCode'])
    .where('id', '=', userId).forUpdate().executeTakeFirstOrThrow()
  // Another attempt locked it meanwhile: this one is refused like the rest of the lock.
  if (u.lockedUntil && u.lockedUntil > now) return null
  const failures = u.failedLogins + 1
  if (failures < LOCKOUT_FAILURES) {
    await trx.updateTable('appUser').set({ failedLogins: failures }).where('id', '=', userId).execute()
    return null
  }
  const minutes = lockMinutes(u.lockCount)
  const lockedUntil = new Date(now.getTime() + minutes * 60_000)
  await trx.updateTable('appUser')
    .set({ failedLogins: 0, lockedUntil, lockCount: u.lockCount + 1 })
    .where('id', '=', userId).execute()
  await recordAudit(trx, actor, {
    action: 'auth.account_locked', entity: 'user', entityId: userId, regionCode: u.regionCode,
    before: { lockCount: u.lockCount }, after: { lockedUntil: lockedUntil.toISOString(), minutes, lockCount: u.lockCount + 1 },
  })
  return lockedUntil
}
