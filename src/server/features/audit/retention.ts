import { sql } from 'kysely'
import type { Db } from '../../db/database.js'
import { recordAudit, SYSTEM_ACTOR, type Actor } from './record.js'

/** 网络安全法 Art. 21: network logs are kept at least six months; the table's trigger agrees. */
export const MIN_KEEP_DAYS = 180

const BATCH = 5000

export type PruneResult = { deleted: number; keepDays: number; throughId: number | null }

/**
 * Deletes audit entries older than `keepDays` (never fewer than 180) from the oldest end of the
 * chain, in batches. Only a prefix in id order goes: everything before the first entry young
 * enough to keep, so the rest stays one unbroken chain whose first prev_hash is the anchor
 * verification starts from. The newest entry always stays, so the chain never restarts at
 * genesis. The pruning itself is audited, with the anchor hash, when anything was deleted.
 */
export async function pruneAudit(db: Db, keepDays: number, actor: Actor = SYSTEM_ACTOR): Promise<PruneResult> {
  const keep = Number.isFinite(keepDays) ? Math.max(Math.floor(keepDays), MIN_KEEP_DAYS) : MIN_KEEP_DAYS
  const { rows: [bounds] } = await sql<{ keepFrom: number | null; throughId: number | null }>`
    with b as (
      select coalesce(
        (select min(id) from audit_log where at >= now() - make_interval(days => ${keep})),
        (select max(id) from audit_log)) as keep_from
    )
    select keep_from, (select max(id) from audit_log where id < keep_from) as through_id from b
  `.execute(db)
  const { keepFrom, throughId } = bounds
  if (keepFrom === null || throughId === null) return { deleted: 0, keepDays: keep, throughId: null }

  let deleted = 0
  for (;;) {
    // Oldest first, so an interrupted run still leaves a chain that starts at its anchor.
    const batch = await db.deleteFrom('auditLog')
      .where('id', 'in', (eb) => eb.selectFrom('auditLog').select('id').where('id', '<', keepFrom).orderBy('id').limit(BATCH))
      .executeTakeFirst()
    const n = Number(batch.numDeletedRows)
    deleted += n
    if (n < BATCH) break
  }
  if (deleted === 0) return { deleted: 0, keepDays: keep, throughId: null }

  const first = await db.selectFrom('auditLog').select(['id', 'prevHash']).where('id', '>=', keepFrom).orderBy('id').limit(1).executeTakeFirstOrThrow()
  await db.transaction().execute((trx) => recordAudit(trx, actor, {
    action: 'audit.pruned', entity: 'audit_log',
    after: { deleted, keepDays: keep, throughId, firstKeptId: first.id, anchorHash: first.prevHash },
  }))
  return { deleted, keepDays: keep, throughId }
}
