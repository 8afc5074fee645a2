import ExcelJS from 'exceljs'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { supplyLedgerSpec } from '../fixtures/messy-ledger.js'
import { LedgerFileError, openLedger } from './read-ledger.js'
import { uploadsRoot } from './temp-files.js'

/**
 * Files that must be refused with a clear Chinese message before anything is parsed, and leave
 * nothing behind.
 */

let dir: string
beforeAll(async () => {
  dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'ledger-hostile-test-'))
  process.env.TMPDIR = dir
})
afterAll(async () => {
  await fs.promises.rm(dir, { recursive: true, force: true })
})

type Part = { name: string; data: Buffer; declaredSize?: number; stored?: boolean; flags?: number }

/** A zip written by hand, so sizes and layout can lie. `hidden` goes in unlisted after the first entry. */
function zip(parts: Part[], hidden?: Part): Buffer {
  const locals: Buffer[] = []
  const central: Buffer[] = []
  let offset = 0
  const local = (p: Part) => {
    const packed = p.stored ? p.data : zlib.deflateRawSync(p.data)
    const name = Buffer.from(p.name)
    const header = Buffer.alloc(30)
    header.writeUInt32LE(0x04034b50, 0)
    header.writeUInt16LE(20, 4)
    header.writeUInt16LE(p.flags ?? 0, 6)
    header.writeUInt16LE(p.stored ? 0 : 8, 8)
    header.writeUInt32LE(packed.length, 18)
    header.writeUInt32LE(p.declaredSize ?? p.data.length, 22)
    header.writeUInt16LE(name.length, 26)
    return { record: Buffer.concat([header, name, packed]), packed, name }
  }
  parts.forEach((p, i) => {
    const { record, packed, name } = local(p)
    const entry = Buffer.alloc(46)
    entry.writeUInt32LE(0x02014b50, 0)
    entry.writeUInt16LE(20, 4)
    entry.writeUInt16LE(20, 6)
    entry.writeUInt16LE(p.flags ?? 0, 8)
    entry.writeUInt16LE(p.stored ? 0 : 8, 10)
    entry.writeUInt32LE(packed.length, 20)
    entry.writeUInt32LE(p.declaredSize ?? p.data.length, 24)
    entry.writeUInt16LE(name.length, 28)
    entry.writeUInt32LE(offset, 42)
    central.push(entry, name)
    locals.push(record)
    offset += record.length
    if (i === 0 && hidden) {
      const smuggled = local(hidden).record
      locals.push(smuggled)
      offset += smuggled.length
    }
  })
  const dirBytes = Buffer.concat(central)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(parts.length, 8)
  end.writeUInt16LE(parts.length, 10)
  end.writeUInt32LE(dirBytes.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, dirBytes, end])
}

const WORKBOOK = Buffer.from('<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></sheets></workbook>')

async function refusal(input: Buffer | NodeJS.ReadableStream, fileName = 'x.xlsx'): Promise<LedgerFileError> {
  try {
    const ledger = await openLedger(input, fileName, supplyLedgerSpec)
    for await (const _ of ledger.rows) { /* read on: some refusals come while reading */ }
  } catch (e) {
    expect(e).toBeInstanceOf(LedgerFileError)
    return e as LedgerFileError
  }
  throw new Error('the file was accepted')
}

describe('not a spreadsheet', () => {
  it('refuses random bytes', async () => {
    const e = await refusal(crypto.randomBytes(50_000), '物资.xlsx')
    expect(e.code).toBe('LEDGER_NOT_SPREADSHEET')
    expect(e.message).toContain('不是电子表格')
  })

  it('refuses a PDF', async () => {
    const e = await refusal(Buffer.concat([Buffer.from('%PDF-1.7\n'), crypto.randomBytes(2000)]), '物资.xlsx')
    expect(e).toMatchObject({ code: 'LEDGER_NOT_SPREADSHEET', message: '这是 PDF 文件，不是电子表格。请上传 Excel（.xlsx）或 CSV 文件' })
  })

  it('refuses a Word document renamed to .xlsx', async () => {
    const docx = zip([{ name: '[Content_Types].xml', data: Buffer.from('<Types/>') }, { name: 'word/document.xml', data: Buffer.from('<w:document/>') }])
    expect(await refusal(docx, '物资.xlsx')).toMatchObject({ code: 'LEDGER_NOT_SPREADSHEET', message: expect.stringContaining('这是 Word 文档') })
  })

  it('refuses web pages saved as .xls and OpenDocument sheets, saying to save as .xlsx', async () => {
    const html = await refusal(Buffer.from('<html><body><table><tr><td>物资名称</td></tr></table></body></html>'), '导出.xls')
    expect(html).toMatchObject({ code: 'LEDGER_UNSUPPORTED_FORMAT', message: expect.stringContaining('另存为 .xlsx') })
    const ods = zip([{ name: 'mimetype', data: Buffer.from('application/vnd.oasis.opendocument.spreadsheet'), stored: true }, { name: 'content.xml', data: Buffer.from('<x/>') }])
    expect(await refusal(ods, '物资.ods')).toMatchObject({ code: 'LEDGER_UNSUPPORTED_FORMAT' })
  })

  it('refuses an empty file and a sheet of blank lines', async () => {
    expect(await refusal(Buffer.alloc(0), 'x.csv')).toMatchObject({ code: 'LEDGER_EMPTY', message: '文件是空的，没有任何内容' })
    expect(await refusal(Buffer.from(',,,\r\n,,,\r\n'), 'x.csv')).toMatchObject({ code: 'LEDGER_EMPTY' })
  })

  it('refuses a truncated or damaged .xlsx', async () => {
    const file = path.join(dir, 'ok.xlsx')
    const wb = new ExcelJS.Workbook()
    wb.addWorksheet('物资').addRows([['物资名称', '数量', '单位'], ['救生衣', 10, '件']])
    await wb.xlsx.writeFile(file)
    const good = await fs.promises.readFile(file)
    expect((await refusal(good.subarray(0, good.length >> 1))).code).toBe('LEDGER_UNREADABLE')
    const damaged = zip([{ name: 'xl/workbook.xml', data: crypto.randomBytes(3000), stored: false }])
    // Random bytes where deflate data should be.
    const bad = Buffer.from(damaged)
    crypto.randomBytes(2000).copy(bad, 30 + 'xl/workbook.xml'.length)
    expect((await refusal(bad)).code).toBe('LEDGER_UNREADABLE')
  })
})

describe('encrypted files', () => {
  it('refuses an encrypted workbook (an OLE container) saying to save as .xlsx', async () => {
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), crypto.randomBytes(4000)])
    expect(await refusal(ole)).toMatchObject({ code: 'LEDGER_ENCRYPTED', message: '文件已加密或为旧版 .xls 格式，请另存为 .xlsx 后再上传' })
  })

  it('refuses a zip with password-protected entries', async () => {
    const locked = zip([{ name: 'xl/workbook.xml', data: WORKBOOK, flags: 1 }])
    expect((await refusal(locked)).code).toBe('LEDGER_ENCRYPTED')
  })
})

describe('zip bombs', () => {
  it('refuses entries declaring more than 200 MB unpacked, from the directory alone', async () => {
    const bomb = zip([{ name: 'xl/workbook.xml', data: WORKBOOK }, { name: 'xl/worksheets/sheet1.xml', data: Buffer.from('<x/>'), declaredSize: 300 * 1024 * 1024 }])
    expect(await refusal(bomb)).toMatchObject({ code: 'LEDGER_ZIP_BOMB', message: expect.stringContaining('解压后过大') })
  })

  it('refuses an entry packed more than 100 to 1', async () => {
    const sheet = Buffer.alloc(20 * 1024 * 1024, 0x20)
    const bomb = zip([{ name: 'xl/workbook.xml', data: WORKBOOK }, { name: 'xl/worksheets/sheet1.xml', data: sheet }])
    expect(bomb.length).toBeLessThan(200_000)
    expect((await refusal(bomb)).code).toBe('LEDGER_ZIP_BOMB')
  })

  it('refuses an entry that unpacks to more than its directory declares', async () => {
    const liar = zip([{ name: 'xl/workbook.xml', data: WORKBOOK }, { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(5 * 1024 * 1024, 0x20), declaredSize: 1000 }])
    expect((await refusal(liar)).code).toBe('LEDGER_ZIP_BOMB')
  })

  it('refuses a zip with data hidden between the entries the directory lists', async () => {
    const smuggler = zip(
      [{ name: 'xl/workbook.xml', data: WORKBOOK }, { name: 'xl/styles.xml', data: Buffer.from('<styleSheet/>') }],
      { name: 'xl/sharedStrings.xml', data: Buffer.alloc(1024 * 1024, 0x20) },
    )
    expect(await refusal(smuggler)).toMatchObject({ code: 'LEDGER_UNREADABLE', message: expect.stringContaining('结构异常') })
  })
})

describe('oversized sheets', () => {
  it('refuses a CSV row of a million columns without holding them', async () => {
    const row = '物资名称,数量' + ',x'.repeat(1_000_000) + '\r\n'
    expect(await refusal(Buffer.from(row), 'x.csv')).toMatchObject({ code: 'LEDGER_TOO_MANY_COLUMNS', message: expect.stringContaining('超过 200 列') })
  })

  it('accepts the empty padding Excel writes after the last column', async () => {
    const csv = '物资名称,数量,单位' + ','.repeat(300) + '\r\n救生衣,10,件' + ','.repeat(300) + '\r\n'
    const ledger = await openLedger(Buffer.from(csv), 'x.csv', supplyLedgerSpec)
    const rows = []
    for await (const r of ledger.rows) rows.push(r.values.name)
    expect(rows).toEqual(['救生衣'])
  })

  it('refuses an .xlsx with a value beyond column 200, unless the spec allows more', async () => {
    const file = path.join(dir, 'wide.xlsx')
    const wb = new ExcelJS.Workbook()
    const sheet = wb.addWorksheet('物资')
    sheet.addRow(['物资名称', '数量', '单位'])
    sheet.addRow(['救生衣', 10, '件'])
    sheet.getCell(2, 300).value = '远处的值'
    await wb.xlsx.writeFile(file)
    const bytes = await fs.promises.readFile(file)
    expect(await refusal(bytes)).toMatchObject({ code: 'LEDGER_TOO_MANY_COLUMNS', message: expect.stringContaining('第 2 行的数据超过 200 列') })
    const wide = await openLedger(bytes, 'wide.xlsx', { ...supplyLedgerSpec, maxColumns: 400 })
    const names = []
    for await (const r of wide.rows) names.push(r.values.name)
    expect(names).toEqual(['救生衣'])
  })

  it('refuses a CSV field that never ends (an unclosed quote)', async () => {
    const csv = '物资名称,数量\r\n"救生衣' + '很长的说明'.repeat(10_000) + '\r\n'
    expect((await refusal(Buffer.from(csv), 'x.csv')).code).toBe('LEDGER_CELL_TOO_LONG')
  })
})

describe('uploads as streams', () => {
  it('leaves no temp file behind when a streamed upload is refused', async () => {
    const leftovers = () => fs.promises.readdir(uploadsRoot()).catch(() => [])
    const before = await leftovers()
    const bomb = zip([{ name: 'xl/workbook.xml', data: WORKBOOK }, { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(20 * 1024 * 1024, 0x20) }])
    expect((await refusal(Readable.from([bomb]))).code).toBe('LEDGER_ZIP_BOMB')
    expect((await refusal(Readable.from([crypto.randomBytes(10_000)]))).code).toBe('LEDGER_NOT_SPREADSHEET')
    expect(await leftovers()).toEqual(before)
  })
})

describe('forged sheet XML', () => {
  const CONTENT_TYPES = Buffer.from('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
  const RELS = Buffer.from('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
  const inline = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`
  const sheet = (rows: string) => Buffer.from(`<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData></worksheet>`)
  const book = (sheetXml: Buffer, withRels = true) => zip([
    { name: '[Content_Types].xml', data: CONTENT_TYPES },
    ...(withRels ? [{ name: 'xl/_rels/workbook.xml.rels', data: RELS }] : []),
    { name: 'xl/workbook.xml', data: WORKBOOK },
    { name: 'xl/worksheets/sheet1.xml', data: sheetXml },
  ])
  const HEADER = `${inline('A1', '物资名称')}${inline('B1', '数量')}${inline('C1', '单位')}`

  async function rowsOf(bytes: Buffer, fileName = 'x.xlsx') {
    const ledger = await openLedger(bytes, fileName, supplyLedgerSpec)
    const out = []
    for await (const r of ledger.rows) out.push(r)
    return out
  }

  it('numbers a row that leaves out its number after the one before, never “第 NaN 行”', async () => {
    // Column KN is the 300th.
    const e = await refusal(book(sheet(`<row>${HEADER}</row><row>${inline('A2', '救生衣')}${inline('KN2', '远处的值')}</row>`)))
    expect(e).toMatchObject({ code: 'LEDGER_TOO_MANY_COLUMNS', message: expect.stringMatching(/^第 2 行的数据超过 200 列/) })
  })

  it('refuses row numbers that are not numbers, or beyond Excel’s last row', async () => {
    for (const r of ['abc', '0', '99999999', '1e3']) {
      const e = await refusal(book(sheet(`<row r="1">${HEADER}</row><row r="${r}">${inline('A2', '救生衣')}${inline('B2', '10')}</row>`)))
      expect(e.code).toBe('LEDGER_UNREADABLE')
      expect(e.message).toContain(`行号为“${r}”的行`)
      expect(e.message).not.toContain('NaN')
    }
  })

  it('keeps text the database can store: a NUL in a Unicode text file becomes �', async () => {
    const csv = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('物资名称\t数量\t单位\r\n救生\u0000衣\t10\t件\r\n', 'utf16le')])
    const rows = await rowsOf(csv, 'x.txt')
    expect(rows.map((r) => [r.row, r.values.name, r.raw.name])).toEqual([[2, '救生\ufffd衣', '救生\ufffd衣']])
    expect(JSON.stringify(rows)).not.toContain('\\u0000')
  })

  it('reads a workbook without relationships from the upload alone, leaving no temp file of the xlsx library', async () => {
    const before = await fs.promises.readdir(dir)
    const ledger = await openLedger(book(sheet(`<row r="1">${HEADER}</row><row r="2">${inline('A2', '救生衣')}${inline('B2', '10')}</row>`), false), 'x.xlsx', supplyLedgerSpec)
    for await (const r of ledger.rows) {
      expect(r.values.name).toBe('救生衣')
      // Stopping early is where a spilled sheet would stay behind.
      break
    }
    expect(await fs.promises.readdir(dir)).toEqual(before)
  })
})
