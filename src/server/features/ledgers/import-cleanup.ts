import { sql } from 'kysely'
import type { Db } from '../../db/database.js'
import { inScope, type Scope } from '../../db/scope.js'
import { AppError, notFound } from '../../errors.js'
import { recordAudit, SYSTEM_ACTOR, type Actor } from '../audit/record.js'
import { removeLeftoverUploads } from './read/temp-files.js'

/**
 * Imports that will never finish, and imports the user no longer wants.
 *
 * A parse runs in the instance that took the upload, after the 202. If that process dies
 * (restart, crash, kill -9) the import would stay 'parsing' for ever, and its commit says to
 * wait. So a parse beats a heartbeat into `summary.heartbeatAt` while it runs, and an import
 * still parsing without a beat for HEARTBEAT_LAPSE_MS, or for longer than PARSE_TIMEOUT_MS in
 * all, is marked failed with a message saying to upload again. An instance on its own embedded
 * database knows at start that nobody else can be parsing, and gives up every such import at
 * once. Any import not committed may be deleted by its region's users.
 */

/** How often a running parse says it is alive. */
export const HEARTBEAT_MS = 20_000
/** Silence after which a parse counts as dead (several beats, so a busy moment is not death). */
export const HEARTBEAT_LAPSE_MS = 2 * 60_000
/** The longest a parse may take (200,000 rows take well under a minute). */
export const PARSE_TIMEOUT_MS = 30 * 60_000
/** How often each instance looks for dead parses. */
export const SWEEP_MS = 60_000

export const INTERRUPTED_MESSAGE = '解析中断（服务重启或超时），请重新上传'

/**
 * Marks dead parses failed (and drops their preview rows); with `atStart`, every parse, since
 * this instance alone uses the database and has just started. Also removes the upload folders
 * dead processes left behind. Returns the ids given up.
 */
export async function recoverStaleImports(db: Db, opts: { atStart?: boolean } = {}): Promise<number[]> {
  const ids = await db.transaction().execute(async (trx) => {
    const stale = await trx.updateTable('ledgerImport')
      .set({ status: 'failed', message: INTERRUPTED_MESSAGE, totalRows: 0, validRows: 0, errorRows: 0 })
      .where('status', '=', 'parsing')
      .where((eb) => eb.or([
        sql<boolean>`${opts.atStart === true}`,
        sql<boolean>`created_at < now() - make_interval(secs => ${PARSE_TIMEOUT_MS / 1000})`,
        sql<boolean>`coalesce((summary->>'heartbeatAt')::timestamptz, created_at) < now() - make_interval(secs => ${HEARTBEAT_LAPSE_MS / 1000})`,
      ]))
      .returning(['id', 'regionCode', 'fileName', 'annex']).execute()
    if (stale.length === 0) return []
    await trx.deleteFrom('ledgerImportRow').where('importId', 'in', stale.map((s) => s.id)).execute()
    // A failed import is uploaded again, not read again: its kept file goes too.
    await trx.deleteFrom('ledgerImportFile').where('importId', 'in', stale.map((s) => s.id)).execute()
    for (const s of stale) {
      await recordAudit(trx, SYSTEM_ACTOR, {
        action: 'ledger.import_interrupted', entity: 'ledger_import', entityId: s.id, regionCode: s.regionCode,
        before: { status: 'parsing' }, after: { status: 'failed', annex: s.annex, fileName: s.fileName, message: INTERRUPTED_MESSAGE },
      })
    }
    return stale.map((s) => s.id)
  })
  await removeLeftoverUploads()
  return ids
}

/**
 * Deletes an import that was not committed (parsing, previewed or failed) with its preview rows.
 * A committed one stays: it is the record of what was written. A parse still running notices
 * and stops.
 */
export async function deleteImport(db: Db, scope: Scope, actor: Actor, id: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // The lock waits for a commit in flight, which then shows as committed.
    const imp = await trx.selectFrom('ledgerImport')
      .select(['id', 'annex', 'fileName', 'regionCode', 'status', 'totalRows', 'validRows', 'errorRows', 'createdAt'])
      .where('id', '=', id).where(inScope('regionCode', scope)).forUpdate().executeTakeFirst()
    if (!imp) throw notFound('导入批次', id)
    if (imp.status === 'committed') {
      throw new AppError('IMPORT_COMMITTED', 409, `导入批次“${imp.fileName}”已经导入，不能删除：它是写入数据的记录`, [{ field: 'id', value: id }])
    }
    await trx.deleteFrom('ledgerImportRow').where('importId', '=', id).execute()
    await trx.deleteFrom('ledgerImport').where('id', '=', id).execute()
    await recordAudit(trx, actor, {
      action: 'ledger.import_deleted', entity: 'ledger_import', entityId: id, regionCode: imp.regionCode,
      before: { annex: imp.annex, fileName: imp.fileName, status: imp.status, totalRows: imp.totalRows, validRows: imp.validRows, errorRows: imp.errorRows, createdAt: imp.createdAt },
    })
  })
}
