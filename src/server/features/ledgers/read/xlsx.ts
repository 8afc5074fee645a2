import ExcelJS from 'exceljs'
import { Readable } from 'node:stream'
import { dateText, numberText, storableText } from './cells.js'
import { EMPTY_CELL, LedgerFileError, type Cell, type Merge, type Sheet, type SheetRow } from './types.js'
import { MAX_UNPACKED_BYTES, bomb, entryStream, type ByteSource, type ZipEntry } from './zip.js'

/**
 * Reading .xlsx with bounded memory: exceljs's streaming WorkbookReader yields one row at a time.
 *
 * Three gaps of that reader are closed here:
 * - It decodes each inflated chunk of XML on its own, so a Chinese character split across two
 *   chunks turns into two U+FFFD (about 1 string in 400 in a 20k-row ledger; exceljs issues
 *   2063 and 2084, open as of 4.4). The subclass below hands it text decoded with a streaming
 *   decoder instead.
 * - It copies each worksheet unpacked to a temp file when the shared strings come later in the
 *   zip, as Excel writes them; `reordered` hands it the parts in the order it needs instead.
 * - It ignores merged ranges, and they come after all rows in the sheet XML. `inspectXlsx` scans
 *   the raw XML once before parsing (it inflates every entry anyway, to hold the zip to its
 *   declared sizes) and collects the merges, so the row reader knows which blank cells belong to
 *   a merged cell above. The same scan refuses rows with too many columns before exceljs builds
 *   them, and counts the rows holding values, so an oversized sheet is refused up front.
 */

export const WORKSHEET = /^xl\/worksheets\/sheet\d+\.xml$/
// Excel's own limits are XFD = 16384 columns and 1,048,576 rows; beyond them the file was not
// made by a spreadsheet program.
const EXCEL_MAX_COLUMNS = 16384
const EXCEL_MAX_ROWS = 1_048_576
const MAX_MERGES = 100_000

export type SheetFacts = { merges: Merge[]; contentRows: number }

function columnNumber(letters: string): number {
  let n = 0
  for (let i = 0; i < letters.length; i++) n = n * 26 + (letters.charCodeAt(i) - 64)
  return n
}

/** The column number of a reference like "AB12", without a regex: this runs for every cell. */
function leadingColumn(ref: string): number {
  let n = 0
  for (let i = 0; i < ref.length; i++) {
    const code = ref.charCodeAt(i)
    if (code < 65 || code > 90) break
    n = n * 26 + (code - 64)
  }
  return n
}

function parseRef(ref: string): { row: number; col: number } | null {
  const m = /^\$?([A-Z]{1,7})\$?(\d+)$/.exec(ref)
  return m ? { col: columnNumber(m[1]), row: Number(m[2]) } : null
}

/**
 * The number a `<row r="…">` gives, or the one after `previous` when it gives none (the format
 * allows leaving it out). Anything else is a damaged or forged sheet: a message must never say
 * “第 NaN 行”.
 */
function rowNumber(ref: string | undefined, previous: number): number {
  if (ref === undefined) return previous + 1
  const n = /^\d{1,7}$/.test(ref) ? Number(ref) : NaN
  if (!(n >= 1 && n <= EXCEL_MAX_ROWS)) {
    throw new LedgerFileError('LEDGER_UNREADABLE', `文件已损坏：工作表中有行号为“${ref.slice(0, 20)}”的行（应为 1 到 ${EXCEL_MAX_ROWS} 的整数）。请在 Excel 中打开后另存为 .xlsx 再上传`)
  }
  return n
}

export function tooManyColumns(row: number, maxColumns: number): LedgerFileError {
  return new LedgerFileError('LEDGER_TOO_MANY_COLUMNS', `第 ${row} 行的数据超过 ${maxColumns} 列，不像是台账表格，已拒绝读取。请删除多余的列后再上传`)
}

/** Scans sheet XML as latin1 text (tags and references are ASCII) without parsing it. */
class SheetScanner {
  private carry = ''
  private row = 0
  private rowHasValue = false
  readonly merges: Merge[] = []
  contentRows = 0

  constructor(private readonly maxColumns: number) {}

  push(chunk: Buffer): void {
    const text = this.carry + chunk.toString('latin1')
    // A tag cut by the chunk boundary waits for the next chunk.
    const cut = text.lastIndexOf('<')
    this.scan(cut > 0 ? text.slice(0, cut) : cut === 0 ? '' : text)
    this.carry = cut >= 0 ? text.slice(cut) : ''
  }

  finish(): SheetFacts {
    this.scan(this.carry)
    if (this.rowHasValue) this.contentRows++
    return { merges: this.merges, contentRows: this.contentRows }
  }

  private scan(text: string): void {
    const tags = /<(row|c|mergeCell)\b([^>]*)>/g
    for (let m = tags.exec(text); m; m = tags.exec(text)) {
      const [, name, attrs] = m
      const empty = attrs.endsWith('/')
      const ref = /\br="([^"]*)"/.exec(attrs)?.[1]
      if (name === 'row') {
        if (this.rowHasValue) this.contentRows++
        this.rowHasValue = false
        this.row = rowNumber(ref, this.row)
      } else if (name === 'c') {
        if (!ref) continue
        const col = leadingColumn(ref)
        // An empty styled cell far to the right is formatting, not data; still capped at Excel's limit.
        if (col > EXCEL_MAX_COLUMNS || (!empty && col > this.maxColumns)) throw tooManyColumns(this.row, this.maxColumns)
        if (!empty) this.rowHasValue = true
      } else {
        const range = /\bref="([^"]*)"/.exec(attrs)?.[1]?.split(':')
        const from = range?.[0] ? parseRef(range[0]) : null
        const to = range?.[1] ? parseRef(range[1]) : from
        if (!from || !to) continue
        if (this.merges.length >= MAX_MERGES) {
          throw new LedgerFileError('LEDGER_TOO_COMPLEX', `表格中的合并单元格超过 ${MAX_MERGES} 个，已拒绝读取`)
        }
        this.merges.push({ top: from.row, left: from.col, bottom: to.row, right: to.col })
      }
    }
  }
}

const unreadable = () =>
  new LedgerFileError('LEDGER_UNREADABLE', '文件已损坏或不是有效的 .xlsx 文件，无法读取。请在 Excel 中打开后另存为 .xlsx 再上传')

/**
 * Inflates every entry once, holding each to its declared size and all to MAX_UNPACKED_BYTES,
 * and gathers the facts of each worksheet. Nothing is kept but merges and counts.
 */
export async function inspectXlsx(src: ByteSource, entries: ZipEntry[], maxColumns: number): Promise<Map<string, SheetFacts>> {
  const facts = new Map<string, SheetFacts>()
  let total = 0
  for (const entry of entries) {
    if (entry.name.endsWith('/')) continue
    const scanner = WORKSHEET.test(entry.name) ? new SheetScanner(maxColumns) : null
    const stream = entryStream(src, entry)
    let bytes = 0
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        bytes += chunk.length
        total += chunk.length
        if (bytes > entry.size || total > MAX_UNPACKED_BYTES) throw bomb()
        scanner?.push(chunk)
      }
    } catch (e) {
      stream.destroy()
      throw e instanceof LedgerFileError ? e : unreadable()
    }
    if (scanner) facts.set(entry.name, scanner.finish())
  }
  return facts
}

// ------------------------------------------------------------------------------------------
// exceljs streaming reader, with text decoded across chunk boundaries

type WorksheetStream = AsyncIterable<ExcelJS.Row> & { name: string; state?: string; sheetPath?: string }
type WorksheetEvent = { eventType: string; value: WorksheetStream }

/** The parts of exceljs's WorkbookReader this file relies on; they are not in its typings. */
interface ReaderInternals {
  sharedStrings?: unknown[]
  workbookRels?: unknown[]
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>
  _parseWorksheet(iterator: AsyncIterable<Buffer | string>, sheetNo: string): Generator<WorksheetEvent>
  [Symbol.asyncIterator](): AsyncIterator<WorksheetStream>
}

const WorkbookReader = ExcelJS.stream.xlsx.WorkbookReader as unknown as new (input: Readable, options: object) => ReaderInternals

async function* utf8(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8')
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })
    if (text) yield text
  }
  const rest = decoder.decode()
  if (rest) yield rest
}

class Utf8WorkbookReader extends WorkbookReader {
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown> {
    // A readable with an encoding emits strings decoded by a StringDecoder, which keeps split
    // characters whole; exceljs passes strings through untouched.
    entry.setEncoding('utf8')
    return super._parseSharedStrings(entry)
  }

  *_parseWorksheet(iterator: AsyncIterable<Buffer | string>, sheetNo: string): Generator<WorksheetEvent> {
    for (const event of super._parseWorksheet(utf8(iterator), sheetNo)) {
      event.value.sheetPath = `xl/worksheets/sheet${sheetNo}.xml`
      yield event
    }
  }
}

type ValueObject = {
  error?: unknown
  formula?: unknown
  sharedFormula?: unknown
  result?: unknown
  richText?: Array<{ text?: unknown }>
  text?: unknown
}

/** An exceljs cell value as plain data. */
export function toCell(value: unknown): Cell {
  if (value === null || value === undefined) return EMPTY_CELL
  if (typeof value === 'number') {
    return Number.isFinite(value) ? { kind: 'number', number: value, text: numberText(value) } : { kind: 'error', text: '#VALUE!' }
  }
  if (typeof value === 'string') return value.trim() === '' ? EMPTY_CELL : { kind: 'text', text: storableText(value) }
  if (typeof value === 'boolean') return { kind: 'bool', text: value ? 'TRUE' : 'FALSE' }
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? { kind: 'error', text: '#VALUE!' } : { kind: 'date', date: value, text: dateText(value) }
  }
  if (typeof value !== 'object') return EMPTY_CELL
  const v = value as ValueObject
  if (v.error !== undefined) return { kind: 'error', text: storableText(String(v.error)) }
  if (v.formula !== undefined || v.sharedFormula !== undefined) {
    if (v.result === undefined || v.result === null) return { kind: 'formula-no-result', text: storableText(`=${String(v.formula ?? v.sharedFormula ?? '')}`) }
    // The streaming reader parses an error result ("#REF!") as a number: NaN.
    return toCell(v.result)
  }
  if (Array.isArray(v.richText)) return toCell(v.richText.map((run) => String(run.text ?? '')).join(''))
  if (v.text !== undefined) return toCell(v.text)
  return EMPTY_CELL
}

async function* sheetRows(sheet: WorksheetStream, maxColumns: number): AsyncGenerator<SheetRow> {
  let previous = 0
  try {
    for await (const row of sheet) {
      // exceljs gives NaN for a row without `r` (inspectXlsx has refused any invalid one).
      const number = Number.isInteger(row.number) && row.number >= 1 ? row.number : previous + 1
      previous = number
      const values = row.values as unknown[]
      const cells: Cell[] = []
      const width = Math.min(values.length - 1, maxColumns)
      for (let c = 1; c <= width; c++) cells.push(toCell(values[c]))
      while (cells.length > 0 && cells[cells.length - 1].kind === 'empty') cells.pop()
      yield { row: number, cells }
    }
  } catch (e) {
    throw e instanceof LedgerFileError ? e : unreadable()
  }
}

// What the workbook reader needs before the sheets, in the order it wants them.
const PARTS_FIRST = ['xl/_rels/workbook.xml.rels', 'xl/workbook.xml', 'xl/styles.xml', 'xl/sharedStrings.xml']

/**
 * The zip as exceljs should see it: the workbook parts first, then the worksheets, nothing else.
 * exceljs parses a worksheet straight from the zip only once it has the shared strings and the
 * relationships; Excel writes both after the sheets, so otherwise every sheet is first copied
 * unpacked to a temp file (left behind when reading stops early). The streaming unzip reads
 * local records one after another and stops at the end of the stream, so handing it the
 * records (already checked to tile the file) in another order is a valid zip stream to it.
 */
function reordered(src: ByteSource, entries: ZipEntry[]): Readable {
  const byName = new Map(entries.map((e) => [e.name, e]))
  const sheetNo = (e: ZipEntry) => Number(/(\d+)\.xml$/.exec(e.name)?.[1] ?? 0)
  const order = [
    ...PARTS_FIRST.flatMap((name) => byName.get(name) ?? []),
    ...entries.filter((e) => WORKSHEET.test(e.name)).sort((a, b) => sheetNo(a) - sheetNo(b)),
  ]
  return Readable.from((async function* () {
    for (const entry of order) {
      const part = src.stream(entry.localOffset, entry.end)
      try {
        for await (const chunk of part as AsyncIterable<Buffer>) yield chunk
      } finally {
        part.destroy()
      }
    }
  })(), { objectMode: false })
}

/** The visible worksheets in sheet order, each with its merges from `inspectXlsx`. */
export async function* xlsxSheets(src: ByteSource, entries: ZipEntry[], facts: Map<string, SheetFacts>, maxColumns: number): AsyncGenerator<Sheet> {
  const input = reordered(src, entries)
  const reader = new Utf8WorkbookReader(input, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', worksheets: 'emit', entries: 'ignore' })
  // Without a shared-strings part no cell refers to one; an empty table lets sheets stream.
  if (!entries.some((e) => e.name === 'xl/sharedStrings.xml')) reader.sharedStrings = []
  // Likewise without relationships (the sheets then have no names): otherwise exceljs copies
  // every sheet to a temp file of its own, outside our upload folder, until it is done.
  if (!entries.some((e) => e.name === 'xl/_rels/workbook.xml.rels')) reader.workbookRels = []
  const sheets = reader[Symbol.asyncIterator]()
  try {
    while (true) {
      let next: IteratorResult<WorksheetStream>
      try {
        next = await sheets.next()
      } catch {
        throw unreadable()
      }
      if (next.done) return
      const sheet = next.value
      if (sheet.state === 'hidden' || sheet.state === 'veryHidden') continue
      const sheetFacts = sheet.sheetPath ? facts.get(sheet.sheetPath) : undefined
      yield { name: sheet.name === undefined ? undefined : storableText(String(sheet.name)), rows: sheetRows(sheet, maxColumns), merges: sheetFacts?.merges ?? [], contentRows: sheetFacts?.contentRows }
    }
  } finally {
    input.destroy()
  }
}
