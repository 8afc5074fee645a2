import crypto from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/types.js'
import { AppError } from '../../../errors.js'

/**
 * Personal confirm links (一键确认): who and which warning, signed with a secret only the server
 * knows, so a link works on a phone without logging in and cannot be made up for someone else.
 * As short as it can be, because it travels in an SMS whose single segment holds 70 characters
 * with the signature: `<warning>.<person>.<signature>`, about 20 characters. Until when it works
 * follows from the warning itself (tokenExpiry), read when the link is opened. Links of the
 * earlier, longer form (`<warning>.<person>.<revision>.<expiry>.<signature>`) keep working.
 */
export type ConfirmClaim = { warningId: number; personId: number; revision: number; expiresAt: Date }

const SECRET_KEY = 'confirm_token_secret'
const SIG_BYTES = 16 // the earlier form: 128 bits
// 72 bits of HMAC-SHA256: a forgery can only be tried online, one request at a time, and 2^72
// tries stay out of reach even against every recipient of a province-wide warning at once.
const SHORT_SIG_BYTES = 9
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

// The secret as a key object, made once: from a plain buffer every HMAC would import the key anew,
// which is half the cost of signing the 10^5 links of a province-wide warning.
const keys = new WeakMap<Buffer, crypto.KeyObject>()

function sign(secret: Buffer, body: string, bytes = SIG_BYTES): string {
  let key = keys.get(secret)
  if (!key) keys.set(secret, (key = crypto.createSecretKey(secret)))
  return crypto.createHmac('sha256', key).update(body).digest().subarray(0, bytes).toString('base64url')
}

// "c2." keeps a short signature from ever standing for a body of the earlier form.
const shortBody = (warningId: string, personId: string) => `c2.${warningId}.${personId}`

/** `<warning>.<person>.<signature>`, numbers in base 36. */
export async function signConfirmToken(db: Kysely<Database>, claim: { warningId: number; personId: number }): Promise<string> {
  return (await confirmTokenSigner(db))(claim)
}

/** signConfirmToken with the secret read once: for the dispatcher, which signs a link per message. */
export async function confirmTokenSigner(db: Kysely<Database>): Promise<(claim: { warningId: number; personId: number }) => string> {
  const secret = await confirmSecret(db)
  return (claim) => {
    const [w, p] = [b36(claim.warningId), b36(claim.personId)]
    return `${w}.${p}.${sign(secret, shortBody(w, p), SHORT_SIG_BYTES)}`
  }
}

function sameSignature(expected: string, given: string): boolean {
  const [a, b] = [Buffer.from(expected), Buffer.from(given)]
  return a.length === b.length && crypto.timingSafeEqual(a, b)
}

type LinkWarning = { revision: number; expiresAt: Date } | null
const linkWarnings = new WeakMap<object, Map<number, { value: LinkWarning; until: number }>>()
const LINK_CACHE_MS = 10_000

/**
 * Revision and link expiry of a warning. Taps come in thousands within minutes of a warning, all
 * about the same few warnings, so the answer is kept for ten seconds: an expiry moved by an
 * update takes effect that much later.
 */
async function linkWarning(db: Kysely<Database>, warningId: number): Promise<LinkWarning> {
  let cache = linkWarnings.get(db)
  if (!cache) linkWarnings.set(db, (cache = new Map()))
  const hit = cache.get(warningId)
  if (hit && hit.until > Date.now()) return hit.value
  const row = await db.selectFrom('warning').select(['revision', 'issuedAt', 'onset', 'expires']).where('id', '=', warningId).executeTakeFirst()
  const value = row ? { revision: row.revision, expiresAt: tokenExpiry(row.issuedAt ?? row.onset, row.expires) } : null
  if (cache.size > 1000) cache.clear()
  cache.set(warningId, { value, until: Date.now() + LINK_CACHE_MS })
  return value
}

/** The claim of a genuine, unexpired token; AppError 400 for a forged one, 410 for an expired one. */
export async function verifyConfirmToken(db: Kysely<Database>, token: string, now: Date): Promise<ConfirmClaim> {
  const short = /^([0-9a-z]{1,13})\.([0-9a-z]{1,13})\.([A-Za-z0-9_-]{12})$/.exec(token)
  if (short) {
    if (!sameSignature(sign(await confirmSecret(db), shortBody(short[1], short[2]), SHORT_SIG_BYTES), short[3])) throw invalidToken()
    const [warningId, personId] = [parseInt(short[1], 36), parseInt(short[2], 36)]
    const w = await linkWarning(db, warningId)
    if (!w) throw invalidToken()
    if (w.expiresAt.getTime() <= now.getTime()) throw expiredToken()
    return { warningId, personId, revision: w.revision, expiresAt: w.expiresAt }
  }
  const m = /^([0-9a-z]{1,13})\.([0-9a-z]{1,13})\.([0-9a-z]{1,6})\.([0-9a-z]{1,10})\.([A-Za-z0-9_-]{22})$/.exec(token)
  if (!m) throw invalidToken()
  if (!sameSignature(sign(await confirmSecret(db), m.slice(1, 5).join('.')), m[5])) throw invalidToken()
  const [warningId, personId, revision, exp] = m.slice(1, 5).map((s) => parseInt(s, 36))
  const expiresAt = new Date(exp * 1000)
  if (expiresAt.getTime() <= now.getTime()) throw expiredToken()
  return { warningId, personId, revision, expiresAt }
}
