import type { Writable } from 'node:stream'
import { annexFileStem, type Annex } from '../../../domain/ledgers/annexes.js'
import type { Db } from '../../db/database.js'
import { codeInScope, scopeOf, type Scope } from '../../db/scope.js'
import { invalid, outOfScope } from '../../errors.js'
import { recordAudit, type Actor } from '../audit/record.js'
import { annexRows, countAnnexRows, regionNames } from './export-rows.js'
import { writeLedgerWorkbook } from './workbook.js'

/**
 * Exports of the annexes for a region and everything below it. Every export is audited before
 * any data leaves, with the row count and whether phone numbers went out in full (only for users
 * who may reveal them; everyone else gets them masked).
 */

export type PreparedExport = {
  fileName: string
  rows: number
  /** Streams the workbook into `out`; resolves with the number of data rows written. */
  write: (out: Writable) => Promise<number>
}

/** Today in China, the date an office writes on its forms: "20261122" and "2026年11月22日". */
export function chinaToday(now = new Date()): { compact: string; written: string } {
  const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(now).split('-')
  return { compact: `${y}${m}${d}`, written: `${y}年${Number(m)}月${Number(d)}日` }
}

/** `attachment` with an ASCII fallback and the UTF-8 name of RFC 5987/6266. */
export function attachmentHeader(fileName: string, asciiFallback: string): string {
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return `attachment; filename="${asciiFallback}"; filename*=UTF-8''${encoded}`
}

export async function prepareExport(
  db: Db, scope: Scope, actor: Actor, annex: Annex, regionCode: string, reveal: boolean,
): Promise<PreparedExport> {
  if (!codeInScope(regionCode, scope)) throw outOfScope(regionCode)
  const region = await db.selectFrom('region').select(['code', 'name', 'fullName']).where('code', '=', regionCode).executeTakeFirst()
  if (!region) throw invalid('区划', regionCode, '不存在')
  const subtree = scopeOf(regionCode)
  const today = chinaToday()
  const rows = await countAnnexRows(db, annex, subtree)
  await db.transaction().execute((trx) => recordAudit(trx, actor, {
    action: 'ledger.exported', entity: 'ledger', entityId: annex.key, regionCode,
    after: { annex: annex.key, title: annex.title, regionCode, regionName: region.fullName, rows, phonesRevealed: reveal },
  }))
  return {
    fileName: `${annexFileStem(annex)}_${region.name}_${today.compact}.xlsx`,
    rows,
    write: async (out) => {
      const names = await regionNames(db, subtree)
      return writeLedgerWorkbook(out, annex, { fillUnit: region.fullName, fillDate: today.written },
        annexRows(db, annex, subtree, names, reveal), true)
    },
  }
}

/** The empty form of an annex, to fill in and import. */
export function prepareTemplate(annex: Annex): PreparedExport {
  return {
    fileName: `${annexFileStem(annex)}_模板.xlsx`,
    rows: 0,
    write: (out) => writeLedgerWorkbook(out, annex, { fillUnit: '', fillDate: '' }, (async function* () {})(), false),
  }
}
