import { halfWidth, normaliseCell } from './cells.js'
import { HEADER_SCAN_ROWS, fillLines, findHeader, labelMatches, remapHeader, type FoundColumn, type Header } from './header.js'
import { openLedgerFile, type LedgerInput } from './open.js'
import {
  EMPTY_CELL, LedgerFileError,
  type Cell, type CellProblem, type ColumnSpec, type LedgerMeta, type LedgerRow, type LedgerValue, type Merge, type Sheet, type SheetRow, type SheetSpec,
} from './types.js'

export { LedgerFileError } from './types.js'

/**
 * Reading a ledger (台账) as offices send it — .xlsx or CSV, titles and notes above a one- or
 * two-row header, merged cells, subtotals, signature lines — into clean typed rows.
 *
 * Shape: `openLedger` resolves once the header has been found, before any data row is read:
 *
 *   const ledger = await openLedger(stream, 'xx镇物资.xlsx', spec)
 *   ledger.meta                        // title, header rows, columns found / missing
 *   for await (const row of ledger.rows) { … }
 *
 * - Unusable files (not a spreadsheet, encrypted, zip bomb, too many columns, no header, a
 *   required column missing, empty) reject `openLedger` with a LedgerFileError.
 * - `rows` streams: one pass, rows come out as the file is read. It may still throw a
 *   LedgerFileError part-way (more than `maxRows` data rows, a damaged file); callers keep what
 *   they took from it provisional until the iteration ends.
 * - Iterating to the end, breaking out or an error releases the file (and the temp file a stream
 *   upload is spooled to); a caller that stops before iterating calls `close()`.
 * - `meta.fillUnit` / `meta.fillDate` missing above the header may be filled in from the
 *   signature lines below the data once the rows have been read.
 *
 * Which rows are data: blank rows, 小计/合计/总计 rows, a repeated header, a row of column
 * numbers under the header, signature and note lines (填表人：, 审核人：, 注：…), rows with
 * nothing in the columns of the spec, and heading rows holding only fill-down columns (a town on
 * a line of its own, whose value then fills the rows below) are passed over silently; every
 * other row comes out, with its problems.
 *
 * Merged cells: in .xlsx only the top-left cell of a merged range holds the value. The merges are
 * read from the sheet before its rows (see xlsx.ts), and a blank cell inside a merged range
 * takes the value at the top of its column of the range. Columns marked `fillDown` (for CSV,
 * and for sheets where the town was simply written once) carry the last value down over blanks.
 */

export const DEFAULT_MAX_COLUMNS = 200
export const DEFAULT_MAX_ROWS = 200_000

export type LedgerOptions = {
  /** Called every 1000 spreadsheet rows and at the end, with the number of rows read so far. */
  onProgress?: (rowsRead: number) => void
  /** More data rows than this refuses the file (default 200 000). */
  maxRows?: number
  /**
   * Asked once the header is found, before any row is read: the columns as the user mapped
   * them (sheet column → spec key, null for a column not to read), or null to keep what was
   * recognised. `meta` then reports the mapping given.
   */
  mapColumns?: (found: LedgerMeta) => Promise<ReadonlyMap<number, string | null> | null>
  /** Report a missing required column in `meta.columnsMissing` instead of refusing the file. */
  lenient?: boolean
}

export type OpenedLedger = {
  meta: LedgerMeta
  rows: AsyncIterable<LedgerRow>
  /** Releases the file without reading the rows; harmless after the rows were read. */
  close(): Promise<void>
}

const tooManyRows = (maxRows: number) =>
  new LedgerFileError('LEDGER_TOO_MANY_ROWS', `表格超过 ${maxRows} 行数据的上限，请拆分为多个文件后分别上传`)

function columnNames(spec: SheetSpec): string {
  return spec.columns.map((c) => `${c.labels[0] ?? c.key}${c.required ? '（必填）' : ''}`).join('、')
}

function isBlank(row: SheetRow): boolean {
  return row.cells.every((c) => c.kind === 'empty')
}

/** Opens a ledger and finds its header; the rows are read as `rows` is iterated. */
export async function openLedger(
  input: LedgerInput,
  fileName: string,
  spec: SheetSpec,
  opts: LedgerOptions = {},
): Promise<OpenedLedger> {
  const maxRows = opts.maxRows ?? DEFAULT_MAX_ROWS
  const file = await openLedgerFile(input, fileName, spec.maxColumns ?? DEFAULT_MAX_COLUMNS)
  const sheets = file.sheets()[Symbol.asyncIterator]()
  const release = async () => {
    await sheets.return?.()
    await file.close()
  }
  try {
    let sawRows = false
    for (let next = await sheets.next(); !next.done; next = await sheets.next()) {
      const sheet = next.value
      const rows = sheet.rows[Symbol.asyncIterator]()
      const head: SheetRow[] = []
      let rowsRead = 0
      while (head.length <= HEADER_SCAN_ROWS) {
        const r = await rows.next()
        if (r.done) break
        rowsRead++
        if (!isBlank(r.value)) head.push(r.value)
      }
      if (head.length > 0) sawRows = true
      let header = head.length > 0 ? findHeader(head, spec, sheet.merges) : null
      if (!header) {
        await rows.return?.()
        continue
      }
      const samples = sampleValues(head.slice(header.lastIndex + 1))
      if (opts.mapColumns) {
        const keys = await opts.mapColumns(describe(header, spec, sheet, samples))
        if (keys) header = remapHeader(header, keys)
      }
      if (!opts.lenient) refuseMissing(header, spec)
      const meta = describe(header, spec, sheet, samples)
      if (sheet.contentRows !== undefined && sheet.contentRows > maxRows + Math.max(100, maxRows / 10)) throw tooManyRows(maxRows)
      const reader = new RowReader(spec, header, meta, sheet.merges, maxRows)
      const pending = head.slice(header.lastIndex + 1)
      return { meta, rows: stream(reader, pending, rows, rowsRead, opts, release), close: release }
    }
    if (!sawRows) throw new LedgerFileError('LEDGER_EMPTY', '表格是空的，没有任何内容')
    throw new LedgerFileError('LEDGER_NO_HEADER', `没有找到表头：表格前 ${HEADER_SCAN_ROWS} 行中没有一行包含足够的列名。应有的列：${columnNames(spec)}`)
  } catch (e) {
    await release()
    throw e
  }
}

function refuseMissing(header: Header, spec: SheetSpec): void {
  const found = new Set(header.columns.map((c) => c.key))
  const missingRequired = spec.columns.filter((c) => c.required && !found.has(c.key))
  if (missingRequired.length > 0) {
    throw new LedgerFileError(
      'LEDGER_MISSING_COLUMNS',
      `表头（第 ${header.headerRows.join('、')} 行）中缺少必填的列：${missingRequired.map((c) => c.labels[0] ?? c.key).join('、')}。应有的列：${columnNames(spec)}`,
    )
  }
}

const MAX_SAMPLES = 3

/** A few values of each sheet column from the first rows under the header, to show beside it. */
function sampleValues(rows: SheetRow[]): Map<number, string[]> {
  const out = new Map<number, string[]>()
  for (const row of rows.slice(0, 8)) {
    if (row.cells.every((c) => c.kind === 'empty')) continue
    row.cells.forEach((cell, i) => {
      const text = cell.text.trim()
      if (!text) return
      const list = out.get(i) ?? []
      if (list.length < MAX_SAMPLES && !list.includes(text)) list.push(text.length > 30 ? `${text.slice(0, 30)}…` : text)
      out.set(i, list)
    })
  }
  return out
}

function describe(header: Header, spec: SheetSpec, sheet: Sheet, samples: Map<number, string[]>): LedgerMeta {
  const found = new Set(header.columns.map((c) => c.key))
  const meta: LedgerMeta = {
    headerRows: header.headerRows,
    columnsFound: Object.fromEntries(header.columns.map((c) => [c.key, c.label])),
    columnsMissing: spec.columns.filter((c) => !found.has(c.key)).map((c) => c.key),
    sheetColumns: header.sheetColumns.map((c) => ({ index: c.index, label: c.label, key: c.key, samples: samples.get(c.index) ?? [] })),
    fingerprint: header.fingerprint,
  }
  if (header.title) meta.title = header.title
  if (header.fillUnit) meta.fillUnit = header.fillUnit
  if (header.fillDate) meta.fillDate = header.fillDate
  if (sheet.name) meta.sheetName = sheet.name
  return meta
}

async function* stream(
  reader: RowReader,
  pending: SheetRow[],
  rows: AsyncIterator<SheetRow>,
  rowsRead: number,
  opts: LedgerOptions,
  release: () => Promise<void>,
): AsyncGenerator<LedgerRow> {
  try {
    for (const row of pending) {
      const out = reader.read(row)
      if (out) yield out
    }
    for (let next = await rows.next(); !next.done; next = await rows.next()) {
      if (++rowsRead % 1000 === 0) opts.onProgress?.(rowsRead)
      const out = reader.read(next.value)
      if (out) yield out
    }
    opts.onProgress?.(rowsRead)
  } finally {
    await rows.return?.()
    await release()
  }
}

// ------------------------------------------------------------------------------------------

const SUBTOTAL = /^(小计|合计|总计)/
const DIGIT = /[0-9０-９]/
// A cheap first look before normalising: most cells do not start with 小, 合 or 总.
const SUBTOTAL_START = /^[\s\u3000]*[小合总]/
const FOOTER = new RegExp(
  '^(?:(?:填表人|填报人|制表人|统计人|审核人|审批人|核对人|复核人|负责人|单位负责人|主要负责人|分管领导|联系人|联系电话|电话|' +
    '填表日期|填报日期|报送日期|填表时间|注|备注|说明|附注|备注说明)[:：]|(?:单位)?负责人签字|领导签字|签字|签名|(?:单位)?\\(?盖章\\)?)',
)

function compact(text: string): string {
  return halfWidth(text).replace(/\s+/g, '')
}

/** Blank cells inside merged ranges of the data, given the value at the top of the range. */
class MergeFill {
  private readonly pending: Merge[]
  private next = 0
  private active: Array<{ merge: Merge; value: Cell }> = []

  constructor(merges: Merge[], afterRow: number) {
    this.pending = merges.filter((m) => m.top > afterRow && m.bottom > m.top).sort((a, b) => a.top - b.top)
  }

  /** Called with every row in order, so the top of each range is seen. */
  advance(row: SheetRow): void {
    while (this.next < this.pending.length && this.pending[this.next].top <= row.row) {
      const merge = this.pending[this.next++]
      if (merge.bottom < row.row) continue
      this.active.push({ merge, value: merge.top === row.row ? (row.cells[merge.left - 1] ?? EMPTY_CELL) : EMPTY_CELL })
    }
    if (this.active.some((a) => a.merge.bottom < row.row)) this.active = this.active.filter((a) => a.merge.bottom >= row.row)
  }

  /** The merged value for column `index` (0-based) of `row`, when the cell is inside a range below its top. */
  valueAt(row: number, index: number): Cell | undefined {
    return this.active.find((a) => a.merge.left === index + 1 && a.merge.top < row)?.value
  }
}

type Column = { spec: ColumnSpec; found: FoundColumn | undefined }

class RowReader {
  private readonly columns: Column[]
  private readonly merges: MergeFill | null
  private readonly last = new Map<string, Cell>()
  private afterFooter = false
  private seenData = false
  private dataRows = 0

  constructor(
    spec: SheetSpec,
    header: Header,
    private readonly meta: LedgerMeta,
    merges: Merge[] | null,
    private readonly maxRows: number,
  ) {
    this.columns = spec.columns.map((c) => ({ spec: c, found: header.columns.find((f) => f.key === c.key) }))
    const lastHeaderRow = header.headerRows[header.headerRows.length - 1]
    this.merges = merges && merges.length > 0 ? new MergeFill(merges, lastHeaderRow) : null
  }

  read(row: SheetRow): LedgerRow | null {
    this.merges?.advance(row)
    if (this.skip(row)) return null
    if (++this.dataRows > this.maxRows) throw tooManyRows(this.maxRows)
    this.seenData = true
    return this.values(row)
  }

  private skip(row: SheetRow): boolean {
    const filled = row.cells.filter((c) => c.kind !== 'empty')
    if (filled.length === 0) return true
    if (filled.some((c) => c.kind === 'text' && SUBTOTAL_START.test(c.text) && SUBTOTAL.test(compact(c.text)))) return true
    const first = compact(filled[0].text)
    if (FOOTER.test(first)) {
      this.afterFooter = true
      const fill = fillLines(row.cells.map((c) => c.text.trim()).filter(Boolean).join('  '))
      if (fill.fillUnit) this.meta.fillUnit ??= fill.fillUnit
      if (fill.fillDate) this.meta.fillDate ??= fill.fillDate
      return true
    }
    // Notes continue on lines of their own under "注：".
    if (this.afterFooter && filled.length <= 1) return true
    if (this.repeatsHeader(row)) return true
    if (!this.seenData && isNumbering(filled)) return true
    const present = this.columns.filter((c) => c.found && (row.cells[c.found.index] ?? EMPTY_CELL).kind !== 'empty')
    // Template rows numbered in advance but never filled in.
    if (present.length === 0) return true
    // A town written on a line of its own over its rows: a heading, whose value fills down.
    if (present.every((c) => c.spec.fillDown)) {
      for (const c of present) this.last.set(c.spec.key, row.cells[c.found!.index])
      return true
    }
    return false
  }

  /** A header repeated further down (a second page pasted under the first). */
  private repeatsHeader(row: SheetRow): boolean {
    let same = 0
    let found = 0
    for (const { spec, found: at } of this.columns) {
      if (!at) continue
      found++
      const text = row.cells[at.index]?.text ?? ''
      // Header texts hold no digits; phones, dates and amounts do, and are most of the cells.
      if (text && !DIGIT.test(text) && (labelMatches(text, spec.labels) || (spec.parent && labelMatches(text, spec.parent)))) same++
    }
    return found > 0 && same >= Math.min(2, found)
  }

  private values(row: SheetRow): LedgerRow {
    const out: LedgerRow = { row: row.row, values: {}, raw: {}, problems: [] }
    for (const { spec, found } of this.columns) {
      let value: LedgerValue = null
      if (found) {
        let cell = row.cells[found.index] ?? EMPTY_CELL
        if (cell.kind === 'empty') cell = this.merges?.valueAt(row.row, found.index) ?? (spec.fillDown ? this.last.get(spec.key) : undefined) ?? EMPTY_CELL
        if (cell.kind !== 'empty') {
          this.last.set(spec.key, cell)
          out.raw[spec.key] = cell.text
        }
        const n = normaliseCell(cell, spec)
        value = n.value
        if (n.unit && out.unitFromQuantity === undefined) out.unitFromQuantity = n.unit
        if (n.reason) out.problems.push(problem(row.row, spec, found.label, cell.text, n.aboutCell ? `第 ${row.row} 行“${found.label}”列${n.reason}` : `第 ${row.row} 行“${found.label}”列的值“${cell.text.trim()}”${n.reason}`))
        else if (spec.required && value === null) out.problems.push(problem(row.row, spec, found.label, cell.text, `第 ${row.row} 行“${found.label}”列没有填写，此列必须填写`))
      }
      out.values[spec.key] = value
    }
    return out
  }
}

function problem(row: number, spec: ColumnSpec, columnLabel: string, value: string, message: string): CellProblem {
  return { row, column: spec.key, columnLabel, value, message }
}

/** "1 2 3 4 …" or "(1) (2) (3) …" under the header: column numbers, not data. */
function isNumbering(filled: Cell[]): boolean {
  if (filled.length < 3) return false
  const numbers = filled.map((c) => {
    const m = /^[(（]?(\d{1,3})[)）]?$/.exec(c.text.trim())
    return m ? Number(m[1]) : NaN
  })
  return numbers.every((n, i) => !Number.isNaN(n) && (i === 0 || n === numbers[i - 1] + 1))
}
