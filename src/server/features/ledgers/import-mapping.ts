import { sql, type Kysely } from 'kysely'
import { annexByKey, type Annex } from '../../../domain/ledgers/annexes.js'
import { headerKey, mappingTargets, type MappingTarget } from '../../../domain/ledgers/mapping.js'
import { isWithin } from '../../../domain/regions/code.js'
import type { Db } from '../../db/database.js'
import type { Database } from '../../db/types.js'
import { codeInScope, inScope, type Scope } from '../../db/scope.js'
import { AppError, notFound, outOfScope } from '../../errors.js'
import { recordAudit, type Actor } from '../audit/record.js'
import type { StoredSummary } from './imports-queries.js'
import type { LedgerMeta, SheetSpec } from './read/types.js'
import type { MappingBody } from './schema.js'

/**
 * The column mapping of an import: how each column of the file is read, where rows go when no
 * column says, and which region an ambiguous name means. Recognised by the reader, corrected
 * by the user in the preview, and remembered per region, annex and header fingerprint so the
 * next file of the same layout is read the same way without asking.
 */

export type ColumnChoice = { index: number; label: string; key: string | null }
export type RegionChoice = { column: string; text: string; regionCode: string }

export type LedgerMapping = {
  columns: ColumnChoice[]
  /** Every row belongs to this region (or below it), as the user chose when no column says. */
  placement: { regionCode: string } | null
  regions: RegionChoice[]
}

/** Where the mapping of a parse came from. */
export type MappingSource = 'auto' | 'saved' | 'user'

/** What stops a parse before its rows: the user must map a column or say where rows belong. */
export type MappingNeed = { code: 'MISSING_COLUMNS' | 'NO_PLACEMENT'; message: string; keys?: string[] }

const specs = new WeakMap<Annex, SheetSpec>()

/** What the reader looks for in a ledger of `annex`: its columns and what imports read besides. */
export function ledgerSpec(annex: Annex): SheetSpec {
  let spec = specs.get(annex)
  if (!spec) {
    spec = {
      columns: mappingTargets(annex).map((t) => ({
        key: t.key, labels: t.labels, type: t.type,
        ...(t.parent ? { parent: t.parent } : {}), ...(t.required ? { required: true } : {}), ...(t.fillDown ? { fillDown: true } : {}),
        ...(t.enumLabels ? { enumLabels: t.enumLabels } : {}), ...(t.person ? { person: t.person } : {}),
        ...(t.place ? { place: t.place } : {}), ...(t.extra ? { extra: true } : {}),
      })),
    }
    specs.set(annex, spec)
  }
  return spec
}

/** The sheet columns a mapping reads, when it was made for this header; null when it does not fit. */
export function keysOf(mapping: LedgerMapping, meta: LedgerMeta): Map<number, string | null> | null {
  const byIndex = new Map(meta.sheetColumns.map((c) => [c.index, c]))
  const keys = new Map<number, string | null>()
  for (const c of mapping.columns) {
    const own = byIndex.get(c.index)
    if (!own || headerKey(own.label) !== headerKey(c.label)) return null
    keys.set(c.index, c.key)
  }
  return keys
}

/**
 * What must be settled before the rows are read: every required column mapped, and — for a
 * ledger whose rows are placed by region — a column that places them or a region chosen for
 * all. Nothing is booked to the import region because no column said otherwise.
 */
export function needsOf(annex: Annex, meta: LedgerMeta, mapping: LedgerMapping | null): MappingNeed[] {
  const targets = mappingTargets(annex)
  const mapped = new Set(meta.sheetColumns.flatMap((c) => (c.key ? [c.key] : [])))
  const needs: MappingNeed[] = []
  const placing = targets.filter((t) => t.place)
  const placed = placing.some((t) => mapped.has(t.key)) || !!mapping?.placement
  // A required place column (村 of annex 6) is given by any column that places rows, or by the choice.
  const missing = targets.filter((t) => t.required && !mapped.has(t.key) && !(t.place && placed))
  if (missing.length > 0) {
    needs.push({
      code: 'MISSING_COLUMNS', keys: missing.map((t) => t.key),
      message: `没有找到必填的列：${missing.map((t) => t.label).join('、')}。请为表格中相应的列选择对应关系`,
    })
  }
  if (placing.length > 0 && !placed) {
    needs.push({
      code: 'NO_PLACEMENT',
      message: `表格中没有找到说明每行属于哪个区划的列（如${placing.slice(0, 3).map((t) => `“${t.label}”`).join('、')}）。请指定是哪一列，或确认全部行都属于同一区划`,
    })
  }
  return needs
}

/** The mapping a user made for this layout, in the import's region or the nearest region above it. */
export async function rememberedMapping(db: Db, annex: string, regionCode: string, fingerprint: string): Promise<LedgerMapping | null> {
  const rows = await db.selectFrom('ledgerMapping').select(['regionCode', 'mapping'])
    .where('annex', '=', annex).where('fingerprint', '=', fingerprint).execute()
  const fitting = rows.filter((r) => isWithin(regionCode, r.regionCode)).sort((a, b) => b.regionCode.replace(/0+$/, '').length - a.regionCode.replace(/0+$/, '').length)
  const found = fitting[0]
  if (!found) return null
  const mapping = found.mapping as LedgerMapping
  // A region chosen for all rows holds only where it lies inside the import's region.
  const placement = mapping.placement && isWithin(mapping.placement.regionCode, regionCode) ? mapping.placement : null
  return { columns: mapping.columns, placement, regions: (mapping.regions ?? []).filter((c) => isWithin(c.regionCode, regionCode)) }
}

/** Keeps a mapping for the next file of the same layout in this region. */
export async function rememberMapping(db: Kysely<Database>, annex: string, regionCode: string, fingerprint: string, mapping: LedgerMapping, userId: number | null): Promise<void> {
  await db.insertInto('ledgerMapping')
    .values({ regionCode, annex, fingerprint, mapping: JSON.stringify(mapping), updatedBy: userId })
    .onConflict((oc) => oc.columns(['regionCode', 'annex', 'fingerprint']).doUpdateSet({
      mapping: JSON.stringify(mapping), updatedBy: userId, updatedAt: sql`now()`,
    }))
    .execute()
}

/** An import ready to be read again with a new mapping. */
export type Remapped = { id: number; annex: Annex; regionCode: string; fileName: string; mapping: LedgerMapping }

const badMapping = (message: string, field: string, value?: unknown) => new AppError('IMPORT_BAD_MAPPING', 400, message, [{ field, value }])

/**
 * Takes the user's mapping for an import waiting for it (or already previewed): checks it
 * against the file's columns and the annex, keeps it with the import and — unless told not to —
 * for the next file of the same layout in the import's region, clears the preview and marks the
 * import for reading again. One transaction, audited. The caller starts the reading.
 */
export async function remapImport(db: Db, scope: Scope, actor: Actor, id: number, body: MappingBody): Promise<Remapped> {
  return db.transaction().execute(async (trx) => {
    const imp = await trx.selectFrom('ledgerImport').select(['id', 'annex', 'regionCode', 'fileName', 'status', 'summary', 'mapping'])
      .where('id', '=', id).where(inScope('regionCode', scope)).forUpdate().executeTakeFirst()
    if (!imp) throw notFound('导入批次', id)
    if (imp.status !== 'mapping' && imp.status !== 'previewed') {
      throw new AppError('IMPORT_NOT_MAPPABLE', 409, `该批次状态为“${STATUS_WORDS[imp.status] ?? imp.status}”，只有待确认的批次可以修改列的对应关系`)
    }
    const annex = annexByKey(imp.annex)
    if (!annex) throw notFound('台账', imp.annex)
    const meta = ((imp.summary ?? {}) as StoredSummary).meta
    const sheet = meta?.sheetColumns
    const fingerprint = meta?.fingerprint
    if (!sheet || !fingerprint) throw new AppError('IMPORT_NOT_MAPPABLE', 409, '该批次是旧版本读取的，没有记录表格的列，请重新上传')
    const kept = await trx.selectFrom('ledgerImportFile').select('seq').where('importId', '=', id).limit(1).executeTakeFirst()
    if (!kept) throw new AppError('IMPORT_FILE_GONE', 409, '该批次的原文件已不在服务器上，请重新上传')

    const targets = new Map(mappingTargets(annex).map((t) => [t.key, t]))
    const byIndex = new Map(sheet.map((c) => [c.index, c]))
    const chosen = new Map<number, string | null>(sheet.map((c) => [c.index, c.key]))
    for (const c of body.columns) {
      const own = byIndex.get(c.index)
      if (!own) throw badMapping(`表格中没有第 ${c.index + 1} 列（或该列没有表头）`, 'columns', c.index)
      if (c.key !== null && !targets.has(c.key)) throw badMapping(`“${own.label}”列的对应内容“${c.key}”不是${annex.title}的列`, 'columns', c.key)
      chosen.set(c.index, c.key)
    }
    const firstOf = new Map<string, number>()
    for (const [index, key] of chosen) {
      if (key === null) continue
      const other = firstOf.get(key)
      if (other !== undefined) {
        throw badMapping(`“${byIndex.get(other)!.label}”列和“${byIndex.get(index)!.label}”列都对应了“${targets.get(key)!.label}”，每项内容只能对应一列`, 'columns', key)
      }
      firstOf.set(key, index)
    }
    const inImport = (code: string, field: string) => {
      if (!codeInScope(code, scope)) throw outOfScope(code)
      if (!isWithin(code, imp.regionCode)) throw badMapping(`区划“${code}”不在本次导入的区划范围内`, field, code)
    }
    const placement = body.placement ?? null
    if (placement) {
      inImport(placement.regionCode, 'placement')
      const found = await trx.selectFrom('region').select('code').where('code', '=', placement.regionCode).executeTakeFirst()
      if (!found) throw badMapping(`区划“${placement.regionCode}”不存在`, 'placement', placement.regionCode)
    }
    const previous = (imp.mapping ?? null) as LedgerMapping | null
    const regions = new Map((previous?.regions ?? []).map((r) => [`${r.column}|${r.text}`, r]))
    for (const r of body.regions ?? []) {
      inImport(r.regionCode, 'regions')
      regions.set(`${r.column}|${r.text}`, r)
    }
    const mapping: LedgerMapping = {
      columns: sheet.map((c) => ({ index: c.index, label: c.label, key: chosen.get(c.index) ?? null })),
      placement,
      regions: [...regions.values()],
    }
    await trx.updateTable('ledgerImport').set({
      status: 'parsing', mapping: JSON.stringify(mapping), totalRows: 0, validRows: 0, errorRows: 0, message: null,
      summary: JSON.stringify({ meta } satisfies StoredSummary),
    }).where('id', '=', id).execute()
    await trx.deleteFrom('ledgerImportRow').where('importId', '=', id).execute()
    if (body.remember !== false) await rememberMapping(trx, annex.key, imp.regionCode, fingerprint, mapping, actor.id)
    await recordAudit(trx, actor, {
      action: 'ledger.mapping_saved', entity: 'ledger_import', entityId: id, regionCode: imp.regionCode,
      before: { status: imp.status, mapping: previous },
      after: { annex: annex.key, fileName: imp.fileName, fingerprint, remembered: body.remember !== false, mapping },
    })
    return { id, annex, regionCode: imp.regionCode, fileName: imp.fileName, mapping }
  })
}

const STATUS_WORDS: Record<string, string> = { parsing: '解析中', committing: '提交中', committed: '已导入', failed: '失败' }

export type { MappingTarget }
