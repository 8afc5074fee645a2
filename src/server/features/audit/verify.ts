import type { Db } from '../../db/database.js'
import { AUDIT_HASH, chainHash } from './record.js'

export type VerifyResult = {
  ok: boolean
  checked: number
  firstId: number | null
  lastId: number | null
  algorithm: string
  brokenAt?: { id: number; reason: string }
}

export type VerifyRange = { from?: Date; to?: Date }

const CONTENT_CHANGED = '该条记录的内容与写入时不一致：记录被改动过'
const LINK_BROKEN = '该条记录与前一条衔接不上：其前有记录被删除、插入或改动过'

/** Ids bounding the entries written within the range; ids, not times, give the chain's order. */
async function idRange(db: Db, range: VerifyRange): Promise<{ firstId: number; lastId: number } | null> {
  const first = await db.selectFrom('auditLog').select('id')
    .$if(!!range.from, (q) => q.where('at', '>=', range.from!))
    .orderBy('id').limit(1).executeTakeFirst()
  const last = await db.selectFrom('auditLog').select('id')
    .$if(!!range.to, (q) => q.where('at', '<', range.to!))
    .orderBy('id', 'desc').limit(1).executeTakeFirst()
  if (!first || !last || first.id > last.id) return null
  return { firstId: first.id, lastId: last.id }
}

/**
 * Walks the hash chain in id order, a batch at a time, recomputing every entry's hash from its
 * stored columns and checking that each entry points at the hash of the one before it.
 *
 * The first entry of the range is linked to the entry just before it when there is one. When
 * there is none, its own prev_hash is the anchor: the genesis hash, or after pruning
 * (retention.ts) the hash of the last entry removed, which the `audit.pruned` entry records.
 *
 * Exactness: `at` was hashed as `toISOString()` of a JS Date, stored with millisecond precision,
 * and comes back as the same Date; before/after were hashed as plain JSON and jsonb returns
 * equal values (canonicalJson sorts keys; jsonb keeps numbers' digits, so doubles parse back
 * to themselves).
 */
export async function verifyChain(db: Db, range: VerifyRange = {}, batchSize = 1000): Promise<VerifyResult> {
  const base = { algorithm: AUDIT_HASH }
  const ids = await idRange(db, range)
  if (!ids) return { ...base, ok: true, checked: 0, firstId: null, lastId: null }
  const done = (checked: number, brokenAt?: VerifyResult['brokenAt']): VerifyResult =>
    ({ ...base, ok: !brokenAt, checked, firstId: ids.firstId, lastId: ids.lastId, ...(brokenAt ? { brokenAt } : {}) })

  const previous = await db.selectFrom('auditLog').select('hash')
    .where('id', '<', ids.firstId).orderBy('id', 'desc').limit(1).executeTakeFirst()
  let expectedPrev: string | null = previous?.hash ?? null
  let checked = 0
  let cursor = ids.firstId

  for (;;) {
    const rows = await db.selectFrom('auditLog')
      .select(['id', 'at', 'actorId', 'actorName', 'ip', 'action', 'entity', 'entityId', 'regionCode', 'before', 'after', 'prevHash', 'hash'])
      .where('id', '>=', cursor).where('id', '<=', ids.lastId)
      .orderBy('id').limit(batchSize).execute()
    for (const r of rows) {
      if (expectedPrev !== null && r.prevHash !== expectedPrev) return done(checked, { id: r.id, reason: LINK_BROKEN })
      const recomputed = chainHash(r.prevHash, {
        at: r.at.toISOString(),
        actorId: r.actorId,
        actorName: r.actorName,
        ip: r.ip,
        action: r.action,
        entity: r.entity,
        entityId: r.entityId,
        regionCode: r.regionCode,
        before: r.before ?? null,
        after: r.after ?? null,
      })
      if (recomputed !== r.hash) return done(checked, { id: r.id, reason: CONTENT_CHANGED })
      expectedPrev = r.hash
      checked++
    }
    if (rows.length < batchSize) return done(checked)
    cursor = rows[rows.length - 1].id + 1
  }
}
