import { sql } from 'kysely'
import type { Annex } from '../../../domain/ledgers/annexes.js'
import { mappingTargets } from '../../../domain/ledgers/mapping.js'
import type { Db } from '../../db/database.js'
import { HEARTBEAT_MS } from './import-cleanup.js'
import { dropUpload, keepUpload } from './import-file.js'
import { keysOf, ledgerSpec, needsOf, rememberedMapping, type LedgerMapping, type MappingNeed, type MappingSource } from './import-mapping.js'
import { classify, matchPeople, nothingImportedYet, personChanges } from './import-outcome.js'
import { RowResolver } from './import-resolve.js'
import { personKey, storedRow, withoutNulls, type Target } from './import-targets.js'
import type { StoredSummary } from './imports-queries.js'
import { openLedger, type OpenedLedger } from './read/read-ledger.js'
import { LedgerFileError, type CellProblem, type LedgerMeta, type LedgerRow } from './read/types.js'
import type { ImportMeta, Outcome } from './schema.js'

/**
 * The background half of an upload: read the saved file row by row, resolve each row to what
 * it would write, judge it against what is stored, and keep every row with its outcome and
 * problems in `ledger_import_row`, a thousand at a time. Nothing outside the import's own
 * tables is written until the user commits. A file that cannot be read leaves the import
 * 'failed' with the reader's Chinese message and no rows.
 *
 * The columns are read as the user mapped them for this import, else as they mapped the same
 * layout before (import-mapping.ts), else as recognised. When a required column is missing, or
 * no column says where rows belong, the parse stops before the rows with the import in
 * 'mapping': the user maps the columns and the file is read again.
 *
 * While it runs the parse beats a heartbeat into the import (see import-cleanup.ts); once the
 * import is no longer 'parsing' — deleted by the user, or given up as dead — it stops and
 * writes nothing more. The row limit is the reader's (DEFAULT_MAX_ROWS, as the README states).
 */

const BATCH = 1000
// Progress reaches ledger_import.total_rows every this many rows.
const PROGRESS_EVERY = 5000
// Batches being written at once (each holds a pooled connection meanwhile).
const SAVERS = 2

export type ParseJob = {
  db: Db
  importId: number
  annex: Annex
  regionCode: string
  filePath: string
  fileName: string
  /** The columns as the user mapped them for this import; null on the first reading. */
  mapping: LedgerMapping | null
  /** Keep the upload with the import (first reading), so a new mapping can read it again. */
  keepFile: boolean
  /** Where unexpected failures are logged (the user sees a generic message). */
  logError: (err: unknown) => void
}

type Parsed = { rowNo: number; data: Record<string, unknown>; problems: CellProblem[]; outcome: Outcome; target: Target | null }

/** The import was deleted or given up while the parse ran. */
class ImportGone extends Error {}

export async function parseImport(job: ParseJob): Promise<void> {
  const { db, importId, annex } = job
  // Batches are judged one after another (a duplicate must name the earlier row) while the
  // reader reads on, and up to SAVERS of them are saved at once, each on a connection of its own:
  // the unzipping and the database work on different cores instead of waiting for each other.
  let judged: Promise<unknown> = Promise.resolve()
  const saving: Array<Promise<void>> = []
  let ledger: OpenedLedger | null = null
  let gone = false
  const beat = async (summary = sql<string>`coalesce(summary, '{}'::jsonb)`) => {
    const r = await db.updateTable('ledgerImport').set({ summary: sql<string>`${summary} || jsonb_build_object('heartbeatAt', now())` })
      .where('id', '=', importId).where('status', '=', 'parsing').executeTakeFirst()
    if (Number(r.numUpdatedRows) === 0) gone = true
  }
  const heart = setInterval(() => { beat().catch(() => {}) }, HEARTBEAT_MS)
  heart.unref()
  try {
    await beat()
    if (job.keepFile) await keepUpload(db, importId, job.filePath)
    let mapping = job.mapping
    let source: MappingSource = mapping ? 'user' : 'auto'
    ledger = await openLedger({ filePath: job.filePath }, job.fileName, ledgerSpec(annex), {
      lenient: true,
      mapColumns: async (found) => {
        if (!mapping) {
          mapping = await rememberedMapping(db, annex.key, job.regionCode, found.fingerprint)
          if (mapping) source = 'saved'
        }
        const keys = mapping ? keysOf(mapping, found) : null
        if (mapping && !keys) {
          // Made for another header: recognised afresh.
          mapping = null
          source = 'auto'
        }
        return keys
      },
    })
    const { meta, rows } = ledger
    const needs = needsOf(annex, meta, mapping)
    const stored: StoredSummary = { meta: presentMeta(annex, meta, source, needs) }
    if (needs.length > 0) {
      // The rows wait until the user has said how to read them.
      const asked = await db.updateTable('ledgerImport').set({
        status: 'mapping', totalRows: 0, validRows: 0, errorRows: 0, message: needs.map((n) => n.message).join('；'), summary: JSON.stringify(stored),
      }).where('id', '=', importId).where('status', '=', 'parsing').executeTakeFirst()
      if (Number(asked.numUpdatedRows) === 0) throw new ImportGone()
      return
    }
    await beat(sql<string>`${JSON.stringify(stored)}::jsonb`)
    if (gone) throw new ImportGone()
    const resolver = await RowResolver.create(db, annex, job.regionCode, meta, mapping)
    const firstLedger = (await nothingImportedYet(db, annex.entity, job.regionCode)) && !resolver.holdsRecords
    const firstRowOf = new Map<string, number>()
    const expected: Expected = { rows: { create: 0, update: 0, unchanged: 0 }, people: new Map() }
    const around: Around = { last: null }
    const counts = { total: 0, valid: 0, errors: 0 }
    let batch: LedgerRow[] = []
    const save = async (parsed: Parsed[]) => {
      await saveRows(db, importId, parsed)
      const before = counts.total
      counts.total += parsed.length
      counts.errors += parsed.filter((p) => p.outcome === 'error').length
      counts.valid = counts.total - counts.errors
      if (Math.floor(counts.total / PROGRESS_EVERY) > Math.floor(before / PROGRESS_EVERY)) {
        await db.updateTable('ledgerImport').set({ totalRows: counts.total, validRows: counts.valid, errorRows: counts.errors })
          .where('id', '=', importId).where('status', '=', 'parsing').execute()
      }
    }
    const flush = async () => {
      await judged
      if (saving.length >= SAVERS) await saving.shift()
      const rows = batch
      batch = []
      const parsed = judge(db, resolver, annex, rows, firstRowOf, firstLedger, expected, around)
      judged = parsed
      const saved = parsed.then(save)
      // Keep the rejections for the awaits above; the reader must not stop on an unhandled one.
      parsed.catch(() => {})
      saved.catch(() => {})
      saving.push(saved)
    }
    for await (const row of rows) {
      if (gone) throw new ImportGone()
      batch.push(row)
      if (batch.length >= BATCH) await flush()
    }
    await flush()
    await judged
    while (saving.length > 0) await saving.shift()
    // The heartbeat is left out of the summary: the parse is over.
    stored.meta!.expected = expectedCounts(annex, expected)
    const done = await db.updateTable('ledgerImport').set({
      status: 'previewed', totalRows: counts.total, validRows: counts.valid, errorRows: counts.errors,
      message: counts.total === 0 ? '表格中没有读到数据行' : null, summary: JSON.stringify(stored),
    }).where('id', '=', importId).where('status', '=', 'parsing').executeTakeFirst()
    if (Number(done.numUpdatedRows) === 0) throw new ImportGone()
  } catch (err) {
    // Batches still being saved must land before their rows are cleared away.
    await Promise.allSettled([judged, ...saving])
    try {
      const stillOurs = await db.selectFrom('ledgerImport').select('id').where('id', '=', importId).where('status', '=', 'parsing').executeTakeFirst()
      // A deleted or given-up import is no fault of the file: nothing to log or to say.
      if (!(err instanceof LedgerFileError) && !(err instanceof ImportGone) && stillOurs) job.logError(err)
      const message = err instanceof LedgerFileError ? err.message : '读取文件时出错，请确认文件是 Excel 或 CSV 格式的台账后重新上传'
      await db.deleteFrom('ledgerImportRow').where('importId', '=', importId).execute()
      // A file that cannot be read is not read again by another mapping.
      if (stillOurs) await dropUpload(db, importId)
      await db.updateTable('ledgerImport').set({ status: 'failed', message, totalRows: 0, validRows: 0, errorRows: 0, summary: sql<string>`summary - 'heartbeatAt'` })
        .where('id', '=', importId).where('status', '=', 'parsing').execute()
    } catch (cleanup) {
      // The database itself failed; the sweep gives the import up once its heartbeat lapses.
      job.logError(cleanup)
    }
  } finally {
    clearInterval(heart)
    await ledger?.close()
  }
}

/** What the preview shows of the file: column keys as the labels users know, and how each column was read. */
function presentMeta(annex: Annex, meta: LedgerMeta, source: MappingSource, needs: MappingNeed[]): ImportMeta {
  const own = new Set(annex.columns.map((c) => c.key))
  // A place column the file lacks is not missing when another column, or the user, places the rows.
  const targets = mappingTargets(annex)
  const placed = meta.sheetColumns.some((c) => c.key !== null && targets.some((t) => t.key === c.key && t.place))
  if (placed) for (const t of targets) if (t.place) own.delete(t.key)
  const label = (key: string) => {
    const c = annex.columns.find((col) => col.key === key)
    return c ? (c.parent ? `${c.parent[0]}/${c.labels[0]}` : c.labels[0]) : key
  }
  return {
    title: meta.title, fillUnit: meta.fillUnit, fillDate: meta.fillDate, sheetName: meta.sheetName,
    columnsFound: meta.columnsFound,
    // The columns read on import only are not missing when a ledger lacks them.
    columnsMissing: meta.columnsMissing.filter((k) => own.has(k) && k !== 'seq').map(label),
    sheetColumns: meta.sheetColumns, fingerprint: meta.fingerprint, mappingSource: source, needs,
  }
}

/** What the commit is expected to write of the annex's own records, counted as the commit counts them. */
type Expected = { rows: Record<'create' | 'update' | 'unchanged', number>; people: Map<string, 'create' | 'update' | 'unchanged'> }

/** The place of the last row resolved, for the rows after it. */
type Around = { last: string | null }

function expectedCounts(annex: Annex, e: Expected): { created: number; updated: number; unchanged: number } {
  if (annex.entity === 'person') {
    const values = [...e.people.values()]
    const n = (o: string) => values.filter((v) => v === o).length
    return { created: n('create'), updated: n('update'), unchanged: n('unchanged') }
  }
  return { created: e.rows.create, updated: e.rows.update, unchanged: e.rows.unchanged }
}

/**
 * Regions the rows around a row agree on, deepest first: the township both lie in, else the
 * county. A name fitting several regions is settled by them only if one candidate lies inside.
 */
function neighbourHints(before: string | null, after: string | null): string[] {
  const codes = [before, after].filter((c): c is string => c !== null)
  if (codes.length === 0) return []
  const hints: string[] = []
  for (const len of [9, 6]) {
    const prefixes = new Set(codes.map((c) => c.slice(0, len)))
    const [only] = prefixes
    if (prefixes.size === 1 && !/^0+$/.test(only.slice(len - 3))) hints.push(only.padEnd(12, '0'))
  }
  return hints
}

async function judge(
  db: Db, resolver: RowResolver, annex: Annex, rows: LedgerRow[], firstRowOf: Map<string, number>, firstLedger: boolean,
  expected: Expected, around: Around,
): Promise<Parsed[]> {
  const resolved: Array<{ target: Target | null; problems: CellProblem[] }> = []
  for (const row of rows) resolved.push(await resolver.resolve(row))
  // Names fitting several regions, settled by the rows around them where those agree.
  let before = around.last
  for (let i = 0; i < rows.length; i++) {
    const here = resolved[i]
    if (here.target) {
      before = here.target.regionCode
      continue
    }
    if (!here.problems.some((p) => p.candidates)) continue
    const after = resolved.slice(i + 1).find((r) => r.target)?.target?.regionCode ?? null
    const hints = neighbourHints(before, after)
    if (hints.length > 0) {
      resolved[i] = await resolver.resolve(rows[i], hints)
      if (resolved[i].target) before = resolved[i].target!.regionCode
    }
  }
  around.last = before
  const parsed: Parsed[] = []
  for (const [i, row] of rows.entries()) {
    const { target, problems } = resolved[i]
    const cells: Record<string, unknown> = {}
    // Refused cells show what was written; accepted ones their normalised value.
    for (const c of annex.columns) cells[c.key] = row.values[c.key] ?? (row.raw[c.key] || null)
    let valid = target
    if (target) {
      const key = `${target.regionCode}|${target.importKey}`
      const first = firstRowOf.get(key)
      if (first !== undefined) {
        const column = annex.entity === 'person' ? (annex.key === 'annex6' ? 'village' : 'township') : 'name'
        const label = resolver.columnLabel(column)
        const value = String(row.raw[column] ?? '')
        problems.push({
          row: row.row, column, columnLabel: label, value,
          message: `第 ${row.row} 行“${label}”列的值“${value}”与第 ${first} 行是同一条记录，请合并为一行后再导入`,
        })
        valid = null
      } else {
        firstRowOf.set(key, row.row)
      }
    }
    parsed.push({ rowNo: row.row, data: storedRow(cells, valid), problems, outcome: 'error', target: valid })
  }
  const valid = parsed.filter((p) => p.target !== null)
  const outcomes = await classify(db, valid.map((p) => p.target as Target), firstLedger)
  valid.forEach((p, i) => {
    p.outcome = outcomes[i]
    if (p.outcome === 'create' || p.outcome === 'update' || p.outcome === 'unchanged') expected.rows[p.outcome]++
  })
  if (annex.entity === 'person') await expectPeople(db, valid.map((p) => p.target as Target), expected)
  return parsed
}

/** People of contact rows as the commit counts them: each stored person once, each new one once. */
async function expectPeople(db: Db, targets: Target[], expected: Expected): Promise<void> {
  const refs = targets.flatMap((t) => (t.kind === 'contact' ? t.people : []))
  const stored = await matchPeople(db, refs)
  refs.forEach((ref, i) => {
    const s = stored[i]
    const key = s ? `id:${s.id}` : `new:${personKey(ref)}`
    const before = expected.people.get(key)
    const now = s === null ? 'create' : personChanges(ref, s) ? 'update' : 'unchanged'
    if (before === undefined || (before === 'unchanged' && now === 'update')) expected.people.set(key, now)
  })
}

/** One multi-row insert per batch; the rows travel as one JSON document (cheaper than a jsonb[] literal). */
async function saveRows(db: Db, importId: number, rows: Parsed[]): Promise<void> {
  if (rows.length === 0) return
  const doc = JSON.stringify(rows.map((r) => ({
    row_no: r.rowNo, data: r.data, problems: r.problems.length > 0 ? r.problems : null, outcome: r.outcome,
  })), withoutNulls)
  await sql`
    insert into ledger_import_row (import_id, row_no, data, problems, outcome)
    select ${importId}, row_no, data, coalesce(problems, '[]'), outcome
    from jsonb_to_recordset(${doc}::jsonb) as r(row_no int, data jsonb, problems jsonb, outcome text)
  `.execute(db)
}
