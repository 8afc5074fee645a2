import { sql, type Transaction } from 'kysely'
import { annexByKey, type Annex } from '../../../domain/ledgers/annexes.js'
import type { Db } from '../../db/database.js'
import { inScope, type Scope } from '../../db/scope.js'
import type { Database } from '../../db/types.js'
import { AppError, notFound } from '../../errors.js'
import { recordAudit, type Actor } from '../audit/record.js'
import { limitProblems, shortValue } from './import-limits.js'
import { targetFrom, type ContactTarget, type SupplyTarget, type Target, type TeamTarget } from './import-targets.js'
import { isTableTarget } from './import-targets-tables.js'
import { dropUpload } from './import-file.js'
import { ChunkWriter, type Tally } from './import-write.js'
import type { StoredSummary } from './imports-queries.js'
import type { CommitSummary } from './schema.js'

/**
 * Taking a previewed import in: the rows judged 'create' or 'update' are written in ONE
 * transaction, a chunk of rows per statement; rows with problems are skipped. Anything failing
 * rolls the whole import back (nothing half-written) and leaves it 'failed' with the reason.
 *
 * A row the preview called valid is one the database takes (import-limits.ts); each chunk is
 * checked again before it is written, with the teams and classes it points at, since they may
 * have gone since the preview. Should the database still refuse, the chunk is halved in
 * throw-away transactions until the row is found, and the message names it in Chinese — never
 * the database's own words.
 *
 * Audit: one `ledger.imported` entry with the counts, not one per record. The import's own rows
 * (`ledger_import_row`: every row's data, outcome and problems, kept with the import) and the
 * stock movements (carrying `import_id`) are the per-record trail; a hundred thousand audit
 * entries serialised on the audit chain lock would add nothing to them.
 */

const CHUNK = 5000
// Serialises commits, so two imports never create the same person or storage point twice.
const LEDGER_COMMIT_LOCK = 0x534c_4543 // "SLEC"

/** The entity an annex's rows are counted as first (its own records). */
const MAIN_ENTITY: Record<Annex['entity'], keyof Tally> = {
  supply: 'supply', team: 'team', person: 'person', expert: 'expert', shelter: 'shelter', riskPoint: 'riskPoint',
  storagePoint: 'storagePoint', supplier: 'supplier', leadingGroup: 'groupMember',
}

const alreadyDone = (status: string) => new AppError('IMPORT_NOT_PREVIEWED', 409, ({
  committed: '该批次已经导入，不能重复提交',
  committing: '该批次正在提交，请稍候刷新查看结果',
  parsing: '该批次仍在解析，请等解析完成、核对预览后再提交（解析中断的批次会被标记为失败，可删除后重新上传）',
  failed: '该批次已失败，请重新上传文件（失败的批次可以删除）',
  mapping: '该批次还需确认表格各列的对应关系，请先完成列对应、核对预览后再提交',
} as Record<string, string>)[status] ?? `该批次状态为“${status}”，不能提交`)

type ChunkRow = { rowNo: number; teamName: string | null; target: Target }

export async function commitImport(db: Db, scope: Scope, actor: Actor, id: number): Promise<CommitSummary> {
  // The chunk being written, to look for the row in should the database refuse it.
  const at: { rows: ChunkRow[] | null; regionCode: string } = { rows: null, regionCode: '' }
  try {
    return await db.transaction().execute(async (trx) => {
      const imp = await trx.updateTable('ledgerImport').set({ status: 'committing' })
        .where('id', '=', id).where(inScope('regionCode', scope)).where('status', '=', 'previewed')
        .returning(['id', 'annex', 'fileName', 'regionCode', 'summary', 'errorRows', 'validRows']).executeTakeFirst()
      if (!imp) {
        const found = await trx.selectFrom('ledgerImport').select('status').where('id', '=', id).where(inScope('regionCode', scope)).executeTakeFirst()
        if (!found) throw notFound('导入批次', id)
        throw alreadyDone(found.status)
      }
      const annex = annexByKey(imp.annex)
      if (!annex) throw notFound('附件', imp.annex)
      // Nothing to take in is not a success to report.
      if (imp.validRows === 0) {
        throw new AppError('IMPORT_NOTHING_VALID', 409, `“${imp.fileName}”没有可导入的有效行（${imp.errorRows} 行都有问题），不能提交。请检查列的对应关系或修改表格后重新上传`)
      }
      at.regionCode = imp.regionCode
      await sql`select pg_advisory_xact_lock(${LEDGER_COMMIT_LOCK})`.execute(trx)

      const writer = new ChunkWriter(trx, id, imp.regionCode, actor)
      // The rows were written by the finished parse and no longer change: the next chunk is read
      // on another connection while this transaction writes the current one.
      // Its targets are also unpacked then, while the database runs the current chunk's statement.
      type Chunk = { last: number; rows: ChunkRow[] }
      const readChunk = async (after: number): Promise<Chunk> => {
        const rows = await db.selectFrom('ledgerImportRow')
          .select(['rowNo', sql<Target>`data->'target'`.as('target'), sql<string | null>`data->>'teamName'`.as('teamName')])
          // Unchanged rows too: the commit counts them as the preview did, and writes nothing for them.
          .where('importId', '=', id).where('outcome', 'in', ['create', 'update', 'unchanged']).where('rowNo', '>', after)
          .orderBy('rowNo').limit(CHUNK).execute()
        return {
          last: rows.length < CHUNK ? -1 : rows[rows.length - 1].rowNo,
          rows: rows.map((r) => ({ rowNo: r.rowNo, teamName: r.teamName, target: targetFrom(r.target) })),
        }
      }
      let next = readChunk(-1)
      let written = 0
      for (;;) {
        const { last, rows } = await next
        if (rows.length === 0) break
        next = last < 0 ? Promise.resolve({ last, rows: [] }) : readChunk(last)
        next.catch(() => {})
        await checkChunk(trx, annex, rows)
        at.rows = rows
        written += rows.length
        await writeTargets(writer, rows.map((r) => r.target))
      }
      at.rows = null

      await writer.finish()
      await dropUpload(trx, id)
      const result = summaryOf(writer.tally, MAIN_ENTITY[annex.entity])
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
    if (err instanceof AppError && err.code !== 'IMPORT_ROW_INVALID') throw err
    // The transaction is gone; record why, so the history shows it, and say so.
    let failure: AppError
    if (err instanceof AppError) failure = err
    else {
      const rows = at.rows
      const row = rows ? await findFailingRow(db, id, at.regionCode, actor, rows).catch(() => null) : null
      const where = row !== null ? `第 ${row} 行` : rows ? `第 ${rows[0].rowNo}–${rows[rows.length - 1].rowNo} 行中有数据` : ''
      failure = new AppError('IMPORT_COMMIT_FAILED', 422,
        `提交失败，已全部撤销，没有写入任何数据：${where}${reasonOf(err)}${row !== null ? '，请改正该行后重新上传' : ''}`, row !== null ? [{ row }] : [])
    }
    await db.updateTable('ledgerImport').set({ status: 'failed', message: failure.message })
      .where('id', '=', id).where(inScope('regionCode', scope)).where('status', '=', 'previewed').execute()
    throw failure
  }
}

async function writeTargets(writer: ChunkWriter, targets: Target[]): Promise<void> {
  await writer.supplies(targets.filter((t): t is SupplyTarget => t.kind === 'supply'))
  await writer.teams(targets.filter((t): t is TeamTarget => t.kind === 'team'))
  await writer.contacts(targets.filter((t): t is ContactTarget => t.kind === 'contact'))
  await writer.tables(targets.filter(isTableTarget))
}

function columnLabel(annex: Annex, key: string): string {
  const c = annex.columns.find((col) => col.key === key)
  return c ? (c.parent ? `${c.parent[0]}/${c.labels[0]}` : c.labels[0]) : key
}

const rowRefused = (annex: Annex, row: number, column: string, value: string, reason: string) => {
  const where = `第 ${row} 行“${columnLabel(annex, column)}”列`
  return new AppError('IMPORT_ROW_INVALID', 422,
    `提交失败，已全部撤销，没有写入任何数据：${where}${value ? `的值“${shortValue(value)}”` : ''}${reason}，请改正后重新上传`,
    [{ row, field: column, value }])
}

/**
 * A chunk checked again just before it is written: every value fits (a preview made by an
 * older version may not have checked), and the teams and classes it points at still exist.
 */
async function checkChunk(trx: Transaction<Database>, annex: Annex, rows: ChunkRow[]): Promise<void> {
  for (const r of rows) {
    const p = limitProblems(r.target)[0]
    if (p) throw rowRefused(annex, r.rowNo, p.column, p.value, p.reason)
  }
  const supplies = rows.filter((r): r is ChunkRow & { target: SupplyTarget } => r.target.kind === 'supply')
  if (supplies.length === 0) return
  const teamIds = [...new Set(supplies.flatMap((r) => (r.target.teamId === null ? [] : [r.target.teamId])))]
  if (teamIds.length > 0) {
    const found = new Set((await trx.selectFrom('resource').select('id').where('kind', '=', 'team').where('id', 'in', teamIds).execute()).map((t) => t.id))
    const lost = supplies.find((r) => r.target.teamId !== null && !found.has(r.target.teamId))
    if (lost) throw rowRefused(annex, lost.rowNo, 'teamName', lost.teamName ?? '', '的队伍在预览之后已被删除')
  }
  const classes = [...new Set(supplies.map((r) => r.target.classCode))]
  const known = new Set((await trx.selectFrom('supplyClass').select('code').where('code', 'in', classes).execute()).map((c) => c.code))
  const unclassed = supplies.find((r) => !known.has(r.target.classCode))
  if (unclassed) throw rowRefused(annex, unclassed.rowNo, 'name', unclassed.target.name, `归入的物资分类“${unclassed.target.classCode}”在预览之后已被删除`)
}

const ROLLBACK = Symbol('rollback')

/**
 * The row of `rows` the database refuses, found by writing halves of them in transactions that
 * are always rolled back; null when the rows go in on their own (the failure needed earlier
 * chunks). Runs only after a commit failed, so its cost (a few dozen statements) does not matter.
 */
async function findFailingRow(db: Db, importId: number, regionCode: string, actor: Actor, rows: ChunkRow[]): Promise<number | null> {
  const goesIn = async (part: ChunkRow[]): Promise<boolean> => {
    try {
      await db.transaction().execute(async (trx) => {
        const writer = new ChunkWriter(trx, importId, regionCode, actor)
        await writeTargets(writer, part.map((r) => r.target))
        await writer.finish()
        throw ROLLBACK
      })
    } catch (e) {
      return e === ROLLBACK
    }
    return true
  }
  if (await goesIn(rows)) return null
  let suspects = rows
  while (suspects.length > 1) {
    const half = suspects.slice(0, suspects.length >> 1)
    suspects = (await goesIn(half)) ? suspects.slice(half.length) : half
  }
  return (await goesIn(suspects)) ? null : suspects[0].rowNo
}

/** Counts per entity the import touched; the annex's main entity is always listed. */
function summaryOf(tally: Tally, main: keyof Tally): CommitSummary {
  const out: CommitSummary = {}
  for (const [entity, c] of Object.entries(tally)) {
    if (entity === main || c.created + c.updated + c.unchanged > 0) out[entity] = c
  }
  return out
}

/** Why the database refused, in Chinese; its own message and detail (tables, keys, internals) stay out. */
function reasonOf(err: unknown): string {
  const code = (err as { code?: string }).code
  const known: Record<string, string> = {
    '23505': '与已有记录重复',
    '23503': '引用的记录（队伍、人员、分类等）已被删除',
    '23514': '不符合数据约束（如数量、人数不能为负数）',
    '23502': '缺少必填的内容',
    '22001': '内容过长',
    '54000': '内容过长，超出数据库的上限',
    '22003': '数值超出允许的范围',
    '22P02': '数值或日期的格式不正确',
    '22007': '日期的格式不正确',
    '22008': '日期超出允许的范围',
    '22021': '含有无法保存的字符',
    '22P05': '含有无法保存的字符',
    '40P01': '与其他操作冲突，请稍后重试',
    '40001': '与其他操作冲突，请稍后重试',
  }
  return (code && known[code]) ?? '数据库写入出错'
}
