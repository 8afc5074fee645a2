import crypto from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../../db/types.js'
import { AppError } from '../../errors.js'

/**
 * Personal confirm links (一键确认): who, which warning and revision, until when, signed with a
 * secret only the server knows, so a link works on a phone without logging in and cannot be
 * made up for someone else. Short, because it travels in an SMS.
 */
export type ConfirmClaim = { warningId: number; personId: number; revision: number; expiresAt: Date }

const SECRET_KEY = 'confirm_token_secret'
const SIG_BYTES = 16 // 128 bits of HMAC-SHA256: enough against forgery, short in an SMS
const HOUR = 3_600_000

export const invalidToken = () => new AppError('CONFIRM_INVALID', 400, '确认链接无效')
export const expiredToken = () => new AppError('CONFIRM_EXPIRED', 410, '确认链接已过期')

const secrets = new WeakMap<object, Promise<Buffer>>()

/** The deployment's signing secret, made once on first use and kept in `setting`. */
export function confirmSecret(db: Kysely<Database>): Promise<Buffer> {
  let s = secrets.get(db)
  if (!s) {
    s = loadSecret(db)
    secrets.set(db, s)
    s.catch(() => secrets.delete(db))
  }
  return s
}

async function loadSecret(db: Kysely<Database>): Promise<Buffer> {
  const fresh = crypto.randomBytes(32).toString('hex')
  // Two instances starting together both try; the first insert wins and both read it back.
  await db.insertInto('setting').values({ key: SECRET_KEY, value: JSON.stringify(fresh) })
    .onConflict((oc) => oc.column('key').doNothing()).execute()
  const row = await db.selectFrom('setting').select(sql<string>`value #>> '{}'`.as('hex'))
    .where('key', '=', SECRET_KEY).executeTakeFirstOrThrow()
  return Buffer.from(row.hex, 'hex')
}

/** Until when a link works: the warning's expiry or 72 h after issue, whichever is later, at most 7 days. */
export function tokenExpiry(issuedAt: Date, expires: Date | null): Date {
  const issued = issuedAt.getTime()
  const wanted = Math.max(expires?.getTime() ?? 0, issued + 72 * HOUR)
  return new Date(Math.min(wanted, issued + 7 * 24 * HOUR))
}

const b36 = (n: number) => n.toString(36)

function sign(secret: Buffer, body: string): string {
  return crypto.createHmac('sha256', secret).update(body).digest().subarray(0, SIG_BYTES).toString('base64url')
}

/** `<warning>.<person>.<revision>.<expiry seconds>.<signature>`, numbers in base 36. */
export async function signConfirmToken(db: Kysely<Database>, claim: ConfirmClaim): Promise<string> {
  const body = [claim.warningId, claim.personId, claim.revision, Math.floor(claim.expiresAt.getTime() / 1000)].map(b36).join('.')
  return `${body}.${sign(await confirmSecret(db), body)}`
}

/** The claim of a genuine, unexpired token; AppError 400 for a forged one, 410 for an expired one. */
export async function verifyConfirmToken(db: Kysely<Database>, token: string, now: Date): Promise<ConfirmClaim> {
  const m = /^([0-9a-z]{1,13})\.([0-9a-z]{1,13})\.([0-9a-z]{1,6})\.([0-9a-z]{1,10})\.([A-Za-z0-9_-]{22})$/.exec(token)
  if (!m) throw invalidToken()
  const body = m.slice(1, 5).join('.')
  const expected = Buffer.from(sign(await confirmSecret(db), body))
  const given = Buffer.from(m[5])
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) throw invalidToken()
  const [warningId, personId, revision, exp] = m.slice(1, 5).map((s) => parseInt(s, 36))
  const expiresAt = new Date(exp * 1000)
  if (expiresAt.getTime() <= now.getTime()) throw expiredToken()
  return { warningId, personId, revision, expiresAt }
}
