import crypto from 'node:crypto'
import type { Db } from '../../db/database.js'
import { roleDef, type Permission } from '../../../domain/auth/roles.js'

export const SESSION_COOKIE = 'sw_session'

export type SignedInUser = {
  id: number
  username: string
  displayName: string
  role: string
  regionCode: string
  permissions: readonly Permission[]
  /** The directory person this account stands for (their in-app inbox), if linked. */
  personId: number | null
}

const sessionId = (token: string) => crypto.createHash('sha256').update(token).digest('hex')

/** Opens a session; returns the cookie value (only its hash is stored) and the CSRF token. */
export async function openSession(db: Db, userId: number, ip: string | null, userAgent: string | null) {
  const token = crypto.randomBytes(32).toString('base64url')
  const csrfToken = crypto.randomBytes(24).toString('base64url')
  await db.insertInto('session').values({ id: sessionId(token), userId, csrfToken, ip, userAgent, lastSeenAt: new Date() }).execute()
  return { token, csrfToken }
}

export async function closeSession(db: Db, token: string): Promise<void> {
  await db.deleteFrom('session').where('id', '=', sessionId(token)).execute()
}

export type SessionLookup =
  | { state: 'none' }
  | { state: 'expired' }
  /** `mustChangePassword`: the account still has a one-time password an administrator was given. */
  | { state: 'ok'; user: SignedInUser; csrfToken: string; mustChangePassword: boolean }

/**
 * Finds the session behind a cookie and slides its idle deadline. Sessions idle longer than
 * `idleMinutes` are deleted (GB/T 22239: 超时自动退出); disabled accounts lose theirs at once.
 */
export async function lookupSession(db: Db, token: string, idleMinutes: number): Promise<SessionLookup> {
  const id = sessionId(token)
  const row = await db.selectFrom('session as s')
    .innerJoin('appUser as u', 'u.id', 's.userId')
    .select(['s.csrfToken', 's.lastSeenAt', 'u.id', 'u.username', 'u.displayName', 'u.role', 'u.regionCode', 'u.disabled', 'u.personId', 'u.mustChangePassword'])
    .where('s.id', '=', id)
    .executeTakeFirst()
  if (!row) return { state: 'none' }
  const idleMs = Date.now() - row.lastSeenAt.getTime()
  if (row.disabled || idleMs > idleMinutes * 60_000) {
    await db.deleteFrom('session').where('id', '=', id).execute()
    return { state: 'expired' }
  }
  // Touch at most once a minute: a page of parallel requests should not queue on one row.
  if (idleMs > 60_000) await db.updateTable('session').set({ lastSeenAt: new Date() }).where('id', '=', id).execute()
  return {
    state: 'ok',
    csrfToken: row.csrfToken,
    mustChangePassword: row.mustChangePassword,
    user: {
      id: row.id,
      username: row.username,
      displayName: row.displayName,
      role: row.role,
      regionCode: row.regionCode,
      permissions: roleDef(row.role)?.permissions ?? [],
      personId: row.personId,
    },
  }
}
