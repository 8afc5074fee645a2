import type { Writable } from 'node:stream'
import { PassThrough } from 'node:stream'
import ExcelJS from 'exceljs'
import type { FastifyReply } from 'fastify'
import { attachmentHeader } from './export.js'
import { looksLikeFormula } from './workbook.js'

/**
 * Report workbooks (汇总表 for a 通报 or an upward report): what a page shows, one sheet per table,
 * each with a title naming the region and the date, a line saying which filters were on, the
 * header, the rows and a bold 合计 row where the page sums. Text is written as shared strings,
 * and text that Excel would take for a formula gets the Text format, as in the ledgers.
 */

export type ReportCell = string | number | null

export type ReportColumn = { label: string; width: number; numeric?: boolean }

export type ReportSheet = {
  /** Tab name (Excel allows 31 characters and none of []:*?/\). */
  name: string
  title: string
  /** Under the title: 统计日期, filters. */
  subtitle: string
  columns: ReportColumn[]
  rows: ReportCell[][]
  /** The 合计 row, first cell included. */
  total?: ReportCell[]
  /** A line below the table (what a mark means, how a figure is counted). */
  note?: string
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
const THIN = { style: 'thin' as const }
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN }
const HEADER_FILL = { type: 'pattern' as const, pattern: 'solid' as const, fgColor: { argb: 'FFD9E1F2' } }
const FONT = 'SimSun'

// Characters XML 1.0 cannot hold (as in workbook.ts): one of them in a cell and the file does not open.
const XML_ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

export function sheetName(name: string): string {
  return name.replace(/[[\]:*?/\\]/g, '、').slice(0, 31)
}

export async function writeReportWorkbook(out: Writable, sheets: ReportSheet[]): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: true })
  workbook.creator = '守望 基层应急管理平台'
  for (const s of sheets) {
    const n = Math.max(s.columns.length, 1)
    const sheet = workbook.addWorksheet(sheetName(s.name), {
      pageSetup: { paperSize: 9, orientation: n > 6 ? 'landscape' : 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0, horizontalCentered: true },
      views: [{ state: 'frozen', ySplit: 3 }],
    })
    sheet.columns = s.columns.map((c) => ({ width: c.width }))
    const title = sheet.getRow(1)
    title.height = 30
    title.getCell(1).value = s.title
    title.getCell(1).font = { name: FONT, size: 15, bold: true }
    title.getCell(1).alignment = { horizontal: 'center', vertical: 'middle' }
    sheet.mergeCells(1, 1, 1, n)
    title.commit()
    const sub = sheet.getRow(2)
    sub.getCell(1).value = s.subtitle
    sub.getCell(1).alignment = { horizontal: 'left', vertical: 'middle', wrapText: true }
    sheet.mergeCells(2, 1, 2, n)
    sub.commit()

    const header = sheet.getRow(3)
    header.height = 22
    s.columns.forEach((c, i) => {
      const cell = header.getCell(i + 1)
      cell.value = c.label
      cell.font = { name: FONT, size: 11, bold: true }
      cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true }
      cell.border = BORDER
      cell.fill = HEADER_FILL
    })
    header.commit()

    let rowNo = 4
    const write = (cells: ReportCell[], bold: boolean) => {
      const row = sheet.getRow(rowNo++)
      s.columns.forEach((c, i) => {
        const cell = row.getCell(i + 1)
        const raw = cells[i] ?? null
        const value = typeof raw === 'string' ? raw.replace(XML_ILLEGAL, '\uFFFD') : raw
        cell.value = value === '' ? null : value
        if (looksLikeFormula(value)) cell.numFmt = '@'
        cell.border = BORDER
        cell.font = { name: FONT, size: 10, bold }
        cell.alignment = { vertical: 'middle', wrapText: true, horizontal: c.numeric ? 'right' : 'left' }
      })
      row.commit()
    }
    for (const r of s.rows) write(r, false)
    if (s.total) write(s.total, true)
    if (s.note) {
      const row = sheet.getRow(rowNo + 1)
      row.getCell(1).value = s.note
      row.getCell(1).alignment = { wrapText: true, vertical: 'top' }
      sheet.mergeCells(rowNo + 1, 1, rowNo + 1, n)
      row.commit()
    }
    sheet.commit()
  }
  await workbook.commit()
}

/** Streams a report to the reply as an attachment; a failure midway cuts the download short and is logged. */
export function sendReport(reply: FastifyReply, fileName: string, fallbackName: string, sheets: ReportSheet[], log: (err: unknown) => void) {
  const body = new PassThrough()
  reply.header('content-type', XLSX_TYPE)
  reply.header('content-disposition', attachmentHeader(fileName, fallbackName))
  reply.header('cache-control', 'no-store')
  writeReportWorkbook(body, sheets).catch((err) => {
    log(err)
    body.destroy(err instanceof Error ? err : new Error(String(err)))
  })
  return reply.send(body)
}
