import type { Writable } from 'node:stream'
import ExcelJS from 'exceljs'
import { annexShortName, enumLabel, type Annex, type AnnexColumn } from '../../../domain/ledgers/annexes.js'

/**
 * Writes one annex the way offices lay it out: the title merged across, 填报单位 and 填报日期,
 * a two-row header whose contact groups (负责人, 联络人) are merged over their columns, 序号,
 * the rows, a 合计 row, and the signature lines; thin borders, widths, landscape A4 fitted to
 * the page width. Streams: every row is committed as it is written, so a county's ten thousand
 * lines never sit in memory at once.
 */

export type LedgerCells = Record<string, string | number | null>

export type SheetHeading = {
  /** Written after “填报单位：”; blank in a template. */
  fillUnit: string
  /** Written after “填报日期：”; blank in a template. */
  fillDate: string
}

const THIN = { style: 'thin' as const }
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN }
const HEADER_FILL = { type: 'pattern' as const, pattern: 'solid' as const, fgColor: { argb: 'FFD9E1F2' } }
const FONT = 'SimSun'
export const HEADER_TOP = 3
export const FIRST_DATA_ROW = HEADER_TOP + 2

/**
 * Runs of columns under one merged header: [start, end] 1-based column numbers and the header
 * text; a column without a parent is a run of one and its label spans both header rows.
 */
export function headerRuns(columns: readonly AnnexColumn[]): Array<{ from: number; to: number; parent: string | null }> {
  const runs: Array<{ from: number; to: number; parent: string | null }> = []
  columns.forEach((c, i) => {
    const parent = c.parent?.[0] ?? null
    const last = runs[runs.length - 1]
    if (parent !== null && last?.parent === parent && last.to === i) last.to = i + 1
    else runs.push({ from: i + 1, to: i + 1, parent })
  })
  return runs
}

/** Totals a column gets in the 合计 row; quantities only when every line counts in the same unit. */
class Totals {
  private sums = new Map<string, number>()
  private units = new Set<string>()
  rows = 0

  constructor(private readonly columns: readonly AnnexColumn[]) {}

  add(cells: LedgerCells): void {
    this.rows++
    for (const c of this.columns) {
      if (!c.total) continue
      const v = cells[c.key]
      if (typeof v === 'number') this.sums.set(c.key, (this.sums.get(c.key) ?? 0) + v)
    }
    if ('unit' in cells) this.units.add(String(cells.unit ?? ''))
  }

  /**
   * 200 袋 and 30 顶 do not add up to anything: a quantity column is summed only when every
   * row shares one unit (then the unit is written beside the sum); otherwise it stays blank.
   */
  cells(): LedgerCells {
    const out: LedgerCells = {}
    const oneUnit = this.units.size === 1 ? [...this.units][0] : null
    for (const c of this.columns) {
      if (!c.total) continue
      if (c.type === 'quantity') {
        if (oneUnit) {
          out[c.key] = round(this.sums.get(c.key) ?? 0)
          out.unit = oneUnit
        }
      } else {
        out[c.key] = this.sums.get(c.key) ?? 0
      }
    }
    return out
  }
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6
}

/**
 * What Excel and WPS take for a formula when it is typed (OWASP's CSV-injection list): `=`, `+`,
 * `-`, `@`, and a leading tab or carriage return. Such text is still written as it is stored, as a
 * shared string (never a formula: exceljs writes <f> only for a {formula} value), and its cell
 * gets the Text number format, so that editing it in Excel keeps it text instead of evaluating it.
 */
const FORMULA_START = /^[=+\-@\t\r]/

/** Whether text would run as a formula if typed into a cell as it is. */
export function looksLikeFormula(value: unknown): value is string {
  return typeof value === 'string' && FORMULA_START.test(value)
}

// Characters XML 1.0 cannot hold: a workbook with one of them in a cell does not open at all.
const XML_ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

function cellValue(column: AnnexColumn, value: string | number | null | undefined): string | number | null {
  if (value === null || value === undefined || value === '') return null
  if (column.type === 'enum') return enumLabel(column, String(value))
  return typeof value === 'string' ? value.replace(XML_ILLEGAL, '\uFFFD') : value
}

/**
 * Streams the workbook into `out`. `rows` yields the cells of each data row keyed by column key
 * (enum columns by stored key; they are written as their Chinese label). Returns how many data
 * rows were written. `withTotals` adds the 合计 row (not in templates).
 */
export async function writeLedgerWorkbook(
  out: Writable, annex: Annex, heading: SheetHeading, rows: AsyncIterable<LedgerCells>, withTotals: boolean,
): Promise<number> {
  const columns = annex.columns
  const n = columns.length
  // Shared strings (t="s"): every viewer reads them as text; the table holds each distinct text once.
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: true })
  workbook.creator = '守望 基层应急管理平台'
  const sheet = workbook.addWorksheet(annexShortName(annex), {
    pageSetup: {
      paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0,
      horizontalCentered: true, margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
    views: [{ state: 'frozen', ySplit: FIRST_DATA_ROW - 1 }],
  })
  sheet.columns = columns.map((c) => ({ key: c.key, width: c.width }))

  const title = sheet.getRow(1)
  title.height = 32
  title.getCell(1).value = annex.title
  title.getCell(1).font = { name: FONT, size: 16, bold: true }
  title.getCell(1).alignment = { horizontal: 'center', vertical: 'middle' }
  sheet.mergeCells(1, 1, 1, n)

  // 填报单位 on the left half, 填报日期 on the right half.
  const half = Math.ceil(n / 2)
  const info = sheet.getRow(2)
  info.height = 20
  info.getCell(1).value = `填报单位：${heading.fillUnit}`
  info.getCell(1).alignment = { horizontal: 'left', vertical: 'middle' }
  info.getCell(half + 1).value = `填报日期：${heading.fillDate}`
  info.getCell(half + 1).alignment = { horizontal: 'right', vertical: 'middle' }
  sheet.mergeCells(2, 1, 2, half)
  sheet.mergeCells(2, half + 1, 2, n)

  const top = sheet.getRow(HEADER_TOP)
  const bottom = sheet.getRow(HEADER_TOP + 1)
  top.height = 22
  bottom.height = 22
  for (const run of headerRuns(columns)) {
    if (run.parent === null) {
      top.getCell(run.from).value = columns[run.from - 1].labels[0]
      sheet.mergeCells(HEADER_TOP, run.from, HEADER_TOP + 1, run.from)
    } else {
      top.getCell(run.from).value = run.parent
      for (let c = run.from; c <= run.to; c++) bottom.getCell(c).value = columns[c - 1].labels[0]
      if (run.to > run.from) sheet.mergeCells(HEADER_TOP, run.from, HEADER_TOP, run.to)
    }
  }
  for (const row of [top, bottom]) {
    for (let c = 1; c <= n; c++) {
      const cell = row.getCell(c)
      cell.font = { name: FONT, size: 11, bold: true }
      cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true }
      cell.border = BORDER
      cell.fill = HEADER_FILL
    }
  }
  for (const r of [1, 2, HEADER_TOP, HEADER_TOP + 1]) sheet.getRow(r).commit()

  const totals = new Totals(columns)
  let rowNo = FIRST_DATA_ROW
  const writeRow = (cells: LedgerCells, bold: boolean) => {
    const row = sheet.getRow(rowNo++)
    columns.forEach((c, i) => {
      const cell = row.getCell(i + 1)
      const value = cellValue(c, cells[c.key])
      cell.value = value
      if (looksLikeFormula(value)) cell.numFmt = '@'
      cell.border = BORDER
      cell.font = { name: FONT, size: 10, bold }
      cell.alignment = { vertical: 'middle', wrapText: true, horizontal: c.type === 'text' || c.type === 'region' ? 'left' : 'center' }
    })
    row.commit()
  }
  for await (const cells of rows) {
    totals.add(cells)
    writeRow({ ...cells, seq: totals.rows }, false)
  }
  if (withTotals && columns.some((c) => c.total)) writeRow({ ...totals.cells(), seq: '合计' }, true)

  // Signature lines, one blank row below the table: 填表人, 审核人, 联系电话 in three thirds.
  rowNo++
  const footer = sheet.getRow(rowNo)
  footer.height = 24
  const third = Math.max(1, Math.floor(n / 3))
  const spans: Array<[number, number, string]> = [
    [1, third, '填表人：'], [third + 1, Math.min(n, 2 * third), '审核人：'], [Math.min(n, 2 * third + 1), n, '联系电话：'],
  ]
  for (const [from, to, text] of spans) {
    footer.getCell(from).value = text
    footer.getCell(from).alignment = { horizontal: 'left', vertical: 'middle' }
    if (to > from) sheet.mergeCells(rowNo, from, rowNo, to)
  }
  footer.commit()

  sheet.commit()
  await workbook.commit()
  return totals.rows
}
