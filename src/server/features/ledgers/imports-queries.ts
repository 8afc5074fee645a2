import { annexByKey } from '../../../domain/ledgers/annexes.js'
import type { Db } from '../../db/database.js'
import { codeInScope, inScope, scopeOf, type Scope } from '../../db/scope.js'
import { notFound, outOfScope } from '../../errors.js'
import type { LedgerMapping } from './import-mapping.js'
import { displayRow } from './import-targets.js'
import type { CommitSummary, ImportDetail, ImportListQuery, ImportMeta, ImportRow, Problem, RowsQuery } from './schema.js'

/**
 * Reading imports back: the batch with its meta and summary, its rows for the preview, and the
 * history of a region. An import belongs to the region it was made for; the scope applies to it.
 *
 * `ledger_import.summary` holds `{ meta, result }`: what the reader found in the file (title,
 * 填报单位, columns) from parsing on, and the per-entity counts once committed. While the file
 * is parsed it also holds the parse's heartbeat (import-cleanup.ts).
 */
export type StoredSummary = { meta?: ImportMeta; result?: CommitSummary; heartbeatAt?: string }

function selectImports(db: Db, scope: Scope) {
  return db.selectFrom('ledgerImport as i')
    .innerJoin('region as r', 'r.code', 'i.regionCode')
    .select([
      'i.id', 'i.annex', 'i.fileName', 'i.regionCode', 'r.fullName as regionName', 'i.status', 'i.totalRows', 'i.validRows',
      'i.errorRows', 'i.message', 'i.summary', 'i.mapping', 'i.createdAt', 'i.committedAt',
    ])
    .where(inScope('i.regionCode', scope))
}
type ImportRowDb = NonNullable<Awaited<ReturnType<ReturnType<typeof selectImports>['executeTakeFirst']>>>

function presentImport(row: ImportRowDb): ImportDetail {
  const stored = (row.summary ?? {}) as StoredSummary
  return {
    id: row.id,
    annex: row.annex,
    annexTitle: annexByKey(row.annex)?.title ?? row.annex,
    fileName: row.fileName,
    regionCode: row.regionCode,
    regionName: row.regionName,
    status: row.status,
    totalRows: row.totalRows,
    validRows: row.validRows,
    errorRows: row.errorRows,
    message: row.message,
    meta: stored.meta ?? null,
    mapping: (row.mapping ?? null) as LedgerMapping | null,
    summary: stored.result ?? null,
    createdAt: row.createdAt.toISOString(),
    committedAt: row.committedAt?.toISOString() ?? null,
  }
}

export async function getImport(db: Db, scope: Scope, id: number): Promise<ImportDetail> {
  const row = await selectImports(db, scope).where('i.id', '=', id).executeTakeFirst()
  if (!row) throw notFound('导入批次', id)
  return presentImport(row)
}

export async function listImports(db: Db, scope: Scope, query: ImportListQuery): Promise<{ items: ImportDetail[]; total: number }> {
  let within = scope
  if (query.regionCode !== undefined) {
    if (!codeInScope(query.regionCode, scope)) throw outOfScope(query.regionCode)
    within = scopeOf(query.regionCode)
  }
  const pageSize = query.pageSize ?? 20
  const base = db.selectFrom('ledgerImport as i').where(inScope('i.regionCode', scope)).where(inScope('i.regionCode', within))
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow()
  const rows = await selectImports(db, scope).where(inScope('i.regionCode', within))
    .orderBy('i.id', 'desc').limit(pageSize).offset(((query.page ?? 1) - 1) * pageSize).execute()
  return { items: rows.map(presentImport), total }
}

export async function listImportRows(db: Db, scope: Scope, id: number, query: RowsQuery): Promise<{ items: ImportRow[]; total: number }> {
  const imp = await getImport(db, scope, id)
  const keys = annexByKey(imp.annex)?.columns.map((c) => c.key) ?? []
  const pageSize = query.pageSize ?? 50
  let base = db.selectFrom('ledgerImportRow').where('importId', '=', id)
  if (query.outcome) base = base.where('outcome', '=', query.outcome)
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow()
  const rows = await base.select(['rowNo', 'outcome', 'data', 'problems'])
    .orderBy('rowNo').limit(pageSize).offset(((query.page ?? 1) - 1) * pageSize).execute()
  return {
    items: rows.map((r) => ({
      rowNo: r.rowNo, outcome: r.outcome, data: displayRow(r.data as Record<string, unknown>, keys), problems: r.problems as Problem[],
    })),
    total,
  }
}
