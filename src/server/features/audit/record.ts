import crypto from 'node:crypto'
import { sql, type Transaction } from 'kysely'
import type { Database } from '../../db/types.js'

/** Who did something, and from where. `id` is null for the system itself and for unknown logins. */
export type Actor = { id: number | null; name: string; ip: string | null }

export const SYSTEM_ACTOR: Actor = { id: null, name: '系统', ip: null }

export type AuditEntry = {
  action: string
  entity: string
  entityId?: string | number | null
  regionCode?: string | null
  before?: unknown
  after?: unknown
}

// Any constant shared by all writers: the lock orders appends so the chain has no forks.
export const AUDIT_CHAIN_LOCK = 0x5357_4155 // "SWAU"
export const GENESIS_HASH = '0'.repeat(64)

/** SM3 (GB/T 32905) when this Node's OpenSSL has it, as 商用密码 asks for log integrity. */
export const AUDIT_HASH = crypto.getHashes().includes('sm3') ? 'sm3' : 'sha256'

/** JSON with object keys sorted at every depth, so jsonb's reordering cannot change the hash. */
export function canonicalJson(value: unknown): string {
  if (value === undefined || value === null) return 'null'
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

export type ChainedFields = {
  at: string
  actorId: number | null
  actorName: string
  ip: string | null
  action: string
  entity: string
  entityId: string | null
  regionCode: string | null
  before: unknown
  after: unknown
}

export function chainHash(prevHash: string, f: ChainedFields): string {
  return crypto.createHash(AUDIT_HASH).update(`${prevHash}\n${canonicalJson(f)}`).digest('hex')
}

/** Plain JSON (dates as ISO strings), exactly as jsonb will give it back. */
function plain(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value))
}

/**
 * Appends one entry to the audit log inside the caller's transaction, chained to the previous
 * entry by hash. Call it last in the transaction: the chain lock is held until commit.
 */
export async function recordAudit(trx: Transaction<Database>, actor: Actor, entry: AuditEntry): Promise<void> {
  await sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`.execute(trx)
  const last = await trx.selectFrom('auditLog').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst()
  const prevHash = last?.hash ?? GENESIS_HASH
  const fields: ChainedFields = {
    at: new Date().toISOString(),
    actorId: actor.id,
    actorName: actor.name,
    ip: actor.ip,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId == null ? null : String(entry.entityId),
    regionCode: entry.regionCode ?? null,
    before: plain(entry.before),
    after: plain(entry.after),
  }
  await trx.insertInto('auditLog').values({
    ...fields,
    before: fields.before === null ? null : JSON.stringify(fields.before),
    after: fields.after === null ? null : JSON.stringify(fields.after),
    prevHash,
    hash: chainHash(prevHash, fields),
  }).execute()
}
