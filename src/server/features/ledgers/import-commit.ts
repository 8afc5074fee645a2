import { sql } from 'kysely'
import { annexByKey } from '../../../domain/ledgers/annexes.js'
import type { Db } from '../../db/database.js'
import { inScope, type Scope } from '../../db/scope.js'
import { AppError, notFound } from '../../errors.js'
import { recordAudit, type Actor } from '../audit/record.js'
import { targetFrom, type ContactTarget, type SupplyTarget, type Target, type TeamTarget } from './import-targets.js'
import { ChunkWriter, type Tally } from './import-write.js'
import type { StoredSummary } from './imports-queries.js'
import type { CommitSummary } from './schema.js'

/**
 * Taking a previewed import in: the rows judged 'create' or 'update' are written in ONE
 * transaction, a chunk of rows per statement; rows with problems are skipped. Anything failing
 * rolls the whole import back (nothing half-written) and leaves it 'failed' with the reason.
 *
 * Audit: one `ledger.imported` entry with the counts, not one per record. The import's own rows
 * (`ledger_import_row`: every row's data, outcome and problems, kept with the import) and the
 * stock movements (carrying `import_id`) are the per-record trail; a hundred thousand audit
 * entries serialised on the audit chain lock would add nothing to them.
 */

const CHUNK = 5000
// Serialises commits, so two imports never create the same person or storage point twice.
const LEDGER_COMMIT_LOCK = 0x534c_4543 // "SLEC"

const ENTITY_OF: Record<Target['kind'], keyof Tally> = { supply: 'supply', team: 'team', contact: 'person' }

const alreadyDone = (status: string) => new AppError('IMPORT_NOT_PREVIEWED', 409, ({
  committed: '该批次已经导入，不能重复提交',
  committing: '该批次正在提交，请稍候刷新查看结果',
  parsing: '该批次仍在解析，请等解析完成、核对预览后再提交',
  failed: '该批次已失败，请重新上传文件',
} as Record<string, string>)[status] ?? `该批次状态为“${status}”，不能提交`)

export async function commitImport(db: Db, scope: Scope, actor: Actor, id: number): Promise<CommitSummary> {
  try {
    return await db.transaction().execute(async (trx) => {
      const imp = await trx.updateTable('ledgerImport').set({ status: 'committing' })
        .where('id', '=', id).where(inScope('regionCode', scope)).where('status', '=', 'previewed')
        .returning(['id', 'annex', 'fileName', 'regionCode', 'summary', 'errorRows']).executeTakeFirst()
      if (!imp) {
        const found = await trx.selectFrom('ledgerImport').select('status').where('id', '=', id).where(inScope('regionCode', scope)).executeTakeFirst()
        if (!found) throw notFound('导入批次', id)
        throw alreadyDone(found.status)
      }
      const annex = annexByKey(imp.annex)
      if (!annex) throw notFound('附件', imp.annex)
      await sql`select pg_advisory_xact_lock(${LEDGER_COMMIT_LOCK})`.execute(trx)

      const writer = new ChunkWriter(trx, id, imp.regionCode, actor)
      // The rows were written by the finished parse and no longer change: the next chunk is read
      // on another connection while this transaction writes the current one.
      // Its targets are also unpacked then, while the database runs the current chunk's statement.
      type Chunk = { last: number; targets: Target[] }
      const readChunk = async (after: number): Promise<Chunk> => {
        const rows = await db.selectFrom('ledgerImportRow').select(['rowNo', sql<Target>`data->'target'`.as('target')])
          .where('importId', '=', id).where('outcome', 'in', ['create', 'update']).where('rowNo', '>', after)
          .orderBy('rowNo').limit(CHUNK).execute()
        return { last: rows.length < CHUNK ? -1 : rows[rows.length - 1].rowNo, targets: rows.map((r) => targetFrom(r.target)) }
      }
      let next = readChunk(-1)
      let written = 0
      for (;;) {
        const { last, targets } = await next
        if (targets.length === 0) break
        next = last < 0 ? Promise.resolve({ last, targets: [] }) : readChunk(last)
        next.catch(() => {})
        written += targets.length
        await writer.supplies(targets.filter((t): t is SupplyTarget => t.kind === 'supply'))
        await writer.teams(targets.filter((t): t is TeamTarget => t.kind === 'team'))
        await writer.contacts(targets.filter((t): t is ContactTarget => t.kind === 'contact'))
      }

      await writer.finish()
      const result = summaryOf(writer.tally, ENTITY_OF[kindOf(annex.entity)])
      const stored: StoredSummary = { ...((imp.summary ?? {}) as StoredSummary), result }
      await trx.updateTable('ledgerImport')
        .set({ status: 'committed', committedAt: new Date(), summary: JSON.stringify(stored), message: null })
        .where('id', '=', id).execute()
      await recordAudit(trx, actor, {
        action: 'ledger.imported', entity: 'ledger_import', entityId: id, regionCode: imp.regionCode,
        after: { annex: annex.key, title: annex.title, fileName: imp.fileName, rowsWritten: written, rowsSkipped: imp.errorRows, movements: writer.movements, summary: result },
      })
      return result
    })
  } catch (err) {
    if (err instanceof AppError) throw err
    // The transaction is gone; record why, so the history shows it, and say so.
    const message = `提交失败，已全部撤销，没有写入任何数据：${reasonOf(err)}`
    await db.updateTable('ledgerImport').set({ status: 'failed', message })
      .where('id', '=', id).where(inScope('regionCode', scope)).where('status', '=', 'previewed').execute()
    throw new AppError('IMPORT_COMMIT_FAILED', 422, message)
  }
}

function kindOf(entity: string): Target['kind'] {
  return entity === 'person' ? 'contact' : entity === 'team' ? 'team' : 'supply'
}

/** Counts per entity the import touched; the annex's main entity is always listed. */
function summaryOf(tally: Tally, main: keyof Tally): CommitSummary {
  const out: CommitSummary = {}
  for (const [entity, c] of Object.entries(tally)) {
    if (entity === main || c.created + c.updated + c.unchanged > 0) out[entity] = c
  }
  return out
}

function reasonOf(err: unknown): string {
  const e = err as { code?: string; detail?: string; message?: string }
  const known: Record<string, string> = {
    '23505': '与已有记录重复',
    '23503': '引用的记录（队伍、人员等）已被删除',
    '23514': '数据不符合约束',
    '40P01': '与其他操作冲突，请稍后重试',
  }
  const why = (e.code && known[e.code]) ?? '数据库写入出错'
  return e.detail ? `${why}（${e.detail}）` : why
}
