import ExcelJS from 'exceljs'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeGbk } from '../fixtures/gbk.js'
import {
  SUPPLY_LEDGER_COLUMNS, supplyLedgerSpec, writeMessyLedger,
  type MessyLedgerOptions, type MessyRecord, type Messiness,
} from '../fixtures/messy-ledger.js'
import { LedgerFileError, openLedger, type OpenedLedger } from './read-ledger.js'
import { uploadsRoot } from './temp-files.js'
import type { LedgerRow, SheetSpec } from './types.js'

let dir: string
let n = 0
const tempFile = (ext: string) => path.join(dir, `ledger-${++n}.${ext}`)

beforeAll(async () => {
  dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'ledger-read-test-'))
  // Spooled uploads land here too, so the test can see them come and go.
  process.env.TMPDIR = path.join(dir, 'spool')
  await fs.promises.mkdir(process.env.TMPDIR)
})
afterAll(async () => {
  await fs.promises.rm(dir, { recursive: true, force: true })
})

async function all(ledger: OpenedLedger): Promise<LedgerRow[]> {
  const out: LedgerRow[] = []
  for await (const row of ledger.rows) out.push(row)
  return out
}

async function messy(opts: MessyLedgerOptions) {
  const ext = opts.format === 'xlsx' ? 'xlsx' : 'csv'
  const file = tempFile(ext)
  const layout = await writeMessyLedger(file, opts)
  return { file, layout }
}

/** What the reader should make of a clean record of the supply ledger. */
function expected(record: MessyRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const c of supplyLedgerSpec.columns) {
    const v = record[c.labels[0]] ?? null
    out[c.key] = c.enumLabels && typeof v === 'string' ? Object.entries(c.enumLabels).find(([, ls]) => ls.includes(v))?.[0] : v
  }
  return out
}

const EVERYTHING: Messiness = {
  titleRows: true, mergedTown: true, subtotals: true, footers: true, fullWidth: true,
  unitsInQuantity: true, textNumbers: true, dateStyles: true, blankRows: true, phoneStyles: true,
}

describe('a messy supply ledger', () => {
  for (const format of ['xlsx', 'csv-gbk', 'csv-utf8', 'csv-utf8-bom'] as const) {
    it(`reads every data row of a ${format} file and nothing else, with clean values`, async () => {
      const { file, layout } = await messy({ format, columns: SUPPLY_LEDGER_COLUMNS, rows: 60, messiness: EVERYTHING, seed: 11 })
      const ledger = await openLedger(fs.createReadStream(file), path.basename(file), supplyLedgerSpec)
      expect(ledger.meta).toMatchObject({
        title: '湖州市吴兴区八里店镇应急救援装备和物资储备明细表',
        fillUnit: '八里店镇人民政府',
        fillDate: '2024-03-01',
        headerRows: [4],
        columnsMissing: [],
      })
      expect(ledger.meta.columnsFound).toMatchObject({ town: '乡镇（街道）', quantity: '数量', phone: '联系电话' })
      const rows = await all(ledger)
      expect(rows.map((r) => r.row)).toEqual(layout.dataRows)
      expect(rows.flatMap((r) => r.problems)).toEqual([])
      rows.forEach((r, i) => {
        expect(r.values).toEqual(expected(layout.records[i]))
        if (r.unitFromQuantity !== undefined) expect(r.unitFromQuantity).toBe(layout.records[i]['单位'])
      })
      // Units written into quantities were seen, and the raw text kept.
      expect(rows.some((r) => r.unitFromQuantity !== undefined)).toBe(true)
      expect(rows.some((r) => /[台件个条艘顶具把套只]$/.test(r.raw.quantity))).toBe(true)
    })
  }

  it('fills merged town cells of an xlsx from the merge, without being told to fill down', async () => {
    const { file, layout } = await messy({ format: 'xlsx', columns: SUPPLY_LEDGER_COLUMNS, rows: 30, messiness: { mergedTown: true, subtotals: true }, seed: 3 })
    const spec: SheetSpec = { columns: supplyLedgerSpec.columns.map((c) => ({ ...c, fillDown: false })) }
    const rows = await all(await openLedger(await fs.promises.readFile(file), 'x.xlsx', spec))
    expect(rows.map((r) => r.values.town)).toEqual(layout.records.map((r) => r['乡镇（街道）']))
    expect(new Set(rows.map((r) => r.values.town)).size).toBeGreaterThan(1)
  })

  it('leaves blank town cells of a CSV blank unless the column fills down', async () => {
    const { file, layout } = await messy({ format: 'csv-utf8', columns: SUPPLY_LEDGER_COLUMNS, rows: 30, messiness: { mergedTown: true }, seed: 3 })
    const bytes = await fs.promises.readFile(file)
    const noFill: SheetSpec = { columns: supplyLedgerSpec.columns.map((c) => ({ ...c, fillDown: false })) }
    const plain = await all(await openLedger(bytes, 'x.csv', noFill))
    expect(plain.filter((r) => r.values.town === null).length).toBeGreaterThan(20)
    const filled = await all(await openLedger(bytes, 'x.csv', supplyLedgerSpec))
    expect(filled.map((r) => r.values.town)).toEqual(layout.records.map((r) => r['乡镇（街道）']))
  })
})

describe('problems', () => {
  const record = (extra: MessyRecord): MessyRecord => ({
    '乡镇（街道）': '织里镇', 物资名称: '救生衣', 单位: '件', 数量: 10, 状态: '完好', 联系电话: '13857200002', ...extra,
  })

  it('names the row, the column as headed and the value, and keeps the rest of the row', async () => {
    const { file, layout } = await messy({
      format: 'xlsx',
      columns: SUPPLY_LEDGER_COLUMNS,
      rows: [
        record({}),
        record({ 数量: '六台' }),
        record({ 购置日期: '2019-13-01', 状态: '丢失' }),
        record({ 物资名称: null, 联系电话: '2012345' }),
        record({ 数量: { formula: 'F5+1' } as ExcelJS.CellValue }),
        record({ 数量: { error: '#REF!' } as ExcelJS.CellValue }),
        record({ 数量: { formula: 'F5*2', result: 20 } as ExcelJS.CellValue, 物资名称: { richText: [{ text: '救生' }, { text: '圈' }] } as ExcelJS.CellValue }),
        record({ 备注: { text: '说明书', hyperlink: 'https://example.org/manual' } as ExcelJS.CellValue }),
      ],
      messiness: { titleRows: true },
    })
    const rows = await all(await openLedger(await fs.promises.readFile(file), 'x.xlsx', supplyLedgerSpec))
    const [ok, words, dateAndState, missing, uncalculated, broken, formula, link] = rows
    const r = layout.dataRows
    expect(ok.problems).toEqual([])
    expect(words.problems).toEqual([{ row: r[1], column: 'quantity', columnLabel: '数量', value: '六台', message: `第 ${r[1]} 行“数量”列的值“六台”不是数字` }])
    expect(words.values).toMatchObject({ name: '救生衣', quantity: null, status: 'good' })
    expect(dateAndState.problems.map((p) => p.message)).toEqual([
      `第 ${r[2]} 行“状态”列的值“丢失”不是可选的值（可填：完好、待修、报废）`,
      `第 ${r[2]} 行“购置日期”列的值“2019-13-01”不是有效的日期（可写作 2019-05-01、2019.5 或 2019年5月）`,
    ])
    expect(missing.problems.map((p) => p.message)).toEqual([
      `第 ${r[3]} 行“物资名称”列没有填写，此列必须填写`,
      `第 ${r[3]} 行“联系电话”列的值“2012345”不是有效的电话号码（手机号应为 11 位；固定电话应带区号，如 0572-2012345）`,
    ])
    expect(uncalculated.problems[0].message).toContain(`第 ${r[4]} 行“数量”列的公式未计算`)
    expect(broken.problems[0].message).toBe(`第 ${r[5]} 行“数量”列的值“#REF!”是公式错误，请在 Excel 中改正后再上传`)
    expect(formula).toMatchObject({ problems: [], values: { quantity: 20, name: '救生圈' } })
    expect(link).toMatchObject({ problems: [], values: { note: '说明书' } })
  })

  it('refuses a file whose header lacks a required column, naming it, and lists optional ones as missing', async () => {
    const { file } = await messy({ format: 'csv-utf8', columns: ['序号', '乡镇（街道）', '物资名称', '单位', '备注'], rows: 3 })
    const refused = openLedger(await fs.promises.readFile(file), 'x.csv', supplyLedgerSpec)
    await expect(refused).rejects.toBeInstanceOf(LedgerFileError)
    await expect(refused).rejects.toMatchObject({ code: 'LEDGER_MISSING_COLUMNS', message: expect.stringContaining('缺少必填的列：数量') })

    const { file: ok } = await messy({ format: 'csv-utf8', columns: ['序号', '乡镇（街道）', '物资名称', '单位', '数量'], rows: 3 })
    const ledger = await openLedger(await fs.promises.readFile(ok), 'x.csv', supplyLedgerSpec)
    expect(ledger.meta.columnsMissing).toEqual(['model', 'location', 'mode', 'status', 'purchasedOn', 'expiresOn', 'keeper', 'phone', 'note'])
    const rows = await all(ledger)
    expect(rows[0].values).toMatchObject({ name: '救生衣', phone: null, note: null })
  })
})

describe('a two-row header', () => {
  const spec: SheetSpec = {
    columns: [
      { key: 'town', labels: ['乡镇（街道）'], type: 'region', fillDown: true },
      { key: 'unit', labels: ['单位名称'], type: 'text', required: true },
      { key: 'headName', labels: ['姓名'], parent: ['负责人'], type: 'text' },
      { key: 'headTitle', labels: ['职务'], parent: ['负责人'], type: 'text' },
      { key: 'headMobile', labels: ['手机'], parent: ['负责人'], type: 'mobile' },
      { key: 'contactName', labels: ['姓名'], parent: ['联络人'], type: 'text' },
      { key: 'contactMobile', labels: ['手机'], parent: ['联络人'], type: 'mobile' },
    ],
  }
  const columns = ['序号', '乡镇（街道）', '单位名称', { group: '负责人', columns: ['姓名', '职务', '手机'] }, { group: '联络人', columns: ['姓名', '手机'] }, '备注']
  const data: MessyRecord[] = [
    { '乡镇（街道）': '织里镇', 单位名称: '织里镇人民政府', '负责人/姓名': '沈建华', '负责人/职务': '镇长', '负责人/手机': '13857200002', '联络人/姓名': '钱小红', '联络人/手机': '13857200003' },
    { '乡镇（街道）': '织里镇', 单位名称: '织里镇应急管理办公室', '负责人/姓名': '陈杰', '负责人/职务': '主任', '负责人/手机': '13857200004', '联络人/姓名': '王芳', '联络人/手机': '13857200005' },
  ]

  for (const format of ['xlsx', 'csv-gbk'] as const) {
    it(`puts each child column under its group (${format})`, async () => {
      const { file, layout } = await messy({ format, columns, rows: data, messiness: { titleRows: true, mergedTown: true, phoneStyles: true }, seed: 5 })
      const ledger = await openLedger(fs.createReadStream(file), 'x', spec)
      expect(ledger.meta.headerRows).toEqual([4, 5])
      expect(ledger.meta.columnsFound).toMatchObject({ headMobile: '负责人/手机', contactName: '联络人/姓名' })
      const rows = await all(ledger)
      expect(rows.map((r) => r.row)).toEqual(layout.dataRows)
      expect(rows.map((r) => r.values)).toEqual(data.map((d) => ({
        town: d['乡镇（街道）'], unit: d['单位名称'], headName: d['负责人/姓名'], headTitle: d['负责人/职务'],
        headMobile: d['负责人/手机'], contactName: d['联络人/姓名'], contactMobile: d['联络人/手机'],
      })))
    })
  }
})

describe('rows that are not data', () => {
  const csv = (text: string) => Buffer.from(text, 'utf8')

  it('skips numbering rows, town headings, repeated headers, template rows, subtotals, signatures and notes', async () => {
    const ledger = await openLedger(csv([
      '序号,乡镇（街道）,物资名称,单位,数量,联系电话',
      '1,2,3,4,5,6',
      ',织里镇,,,,',
      '1,,救生衣,件,200,13857200002',
      '合  计,,,,200,',
      '序号,乡镇（街道）,物资名称,单位,数量,联系电话',
      '2,织里镇,冲锋舟,艘,2台,',
      '3,,,,,',
      '',
      '填表人：张伟,,审核人：王芳,,填报日期：2024年3月5日,',
      '注：1. 状态填写完好、待修或报废；,,,,,',
      '2. 日期写作 2024-03-01。,,,,,',
    ].join('\r\n')), 'x.csv', supplyLedgerSpec)
    expect(ledger.meta.fillDate).toBeUndefined()
    const rows = await all(ledger)
    expect(rows.map((r) => [r.row, r.values.town, r.values.name, r.values.quantity])).toEqual([[4, '织里镇', '救生衣', 200], [7, '织里镇', '冲锋舟', 2]])
    expect(rows[1].unitFromQuantity).toBe('台')
    // Found below the data once the rows were read.
    expect(ledger.meta.fillDate).toBe('2024-03-05')
  })
})

describe('CSV', () => {
  it('reads quoted fields with line breaks, quotes and separators as one cell and one row', async () => {
    const text = '物资名称,数量,备注\r\n"救生衣\n（成人）",10,"含""口哨"",每件一个"\r\n冲锋舟,2,\r\n'
    const rows = await all(await openLedger(Buffer.from(text), 'x.csv', supplyLedgerSpec))
    expect(rows.map((r) => [r.row, r.values.name, r.values.quantity, r.values.note])).toEqual([
      [2, '救生衣\n（成人）', 10, '含"口哨",每件一个'],
      [3, '冲锋舟', 2, null],
    ])
  })

  for (const delimiter of ['\t', ';'] as const) {
    it(`detects ${JSON.stringify(delimiter)} as the separator`, async () => {
      const { file, layout } = await messy({ format: 'csv-gbk', delimiter, columns: SUPPLY_LEDGER_COLUMNS, rows: 12, messiness: { titleRows: true, textNumbers: true }, seed: 2 })
      const rows = await all(await openLedger(await fs.promises.readFile(file), 'x.csv', supplyLedgerSpec))
      expect(rows.map((r) => r.values)).toEqual(layout.records.map(expected))
    })
  }

  it('tells GBK from UTF-8 after a long ASCII preamble', async () => {
    // Five lines of 20 000 characters: more than one chunk, each line within Excel's cell limit.
    const preamble = `Exported by system X ${'-'.repeat(20_000)}\r\n`.repeat(5)
    const body = '物资名称,数量\r\n救生衣,10\r\n'
    for (const bytes of [Buffer.concat([Buffer.from(preamble), encodeGbk(body)]), Buffer.from(preamble + body, 'utf8')]) {
      const rows = await all(await openLedger(bytes, 'x.csv', supplyLedgerSpec))
      expect(rows.map((r) => r.values.name)).toEqual(['救生衣'])
    }
  })

  it('reads UTF-16 "Unicode text" as Excel saves it', async () => {
    const body = '物资名称\t数量\r\n救生衣\t10\r\n'
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')])
    const rows = await all(await openLedger(bytes, 'x.txt', supplyLedgerSpec))
    expect(rows.map((r) => [r.values.name, r.values.quantity])).toEqual([['救生衣', 10]])
  })
})

describe('workbooks', () => {
  it('reads the first visible sheet that has a header', async () => {
    const file = tempFile('xlsx')
    const wb = new ExcelJS.Workbook()
    wb.addWorksheet('填表说明').addRows([['请按附件4的格式填写'], ['数量填写阿拉伯数字']])
    wb.addWorksheet('旧表', { state: 'hidden' }).addRows([['物资名称', '数量', '单位'], ['旧物资', 1, '个']])
    wb.addWorksheet('物资明细').addRows([['物资名称', '数量', '单位'], ['救生衣', 10, '件']])
    await wb.xlsx.writeFile(file)
    const ledger = await openLedger(fs.createReadStream(file), 'x.xlsx', supplyLedgerSpec)
    expect(ledger.meta.sheetName).toBe('物资明细')
    expect((await all(ledger)).map((r) => r.values.name)).toEqual(['救生衣'])
  })

  it('refuses a sheet without a header, listing the columns it expected', async () => {
    const { file } = await messy({ format: 'xlsx', columns: ['甲', '乙', '丙'], rows: [{ 甲: 1, 乙: 2, 丙: 3 }] })
    await expect(openLedger(await fs.promises.readFile(file), 'x.xlsx', supplyLedgerSpec)).rejects.toMatchObject({
      code: 'LEDGER_NO_HEADER',
      message: expect.stringContaining('应有的列：乡镇（街道）、物资名称（必填）、规格型号、单位、数量（必填）'),
    })
  })
})

describe('large files', () => {
  it('streams 20 000 rows with every Chinese character intact, reporting progress', async () => {
    const { file, layout } = await messy({ format: 'xlsx', columns: SUPPLY_LEDGER_COLUMNS, rows: 20_000, messiness: { titleRows: true, mergedTown: true, subtotals: true }, seed: 9 })
    const progress: number[] = []
    const ledger = await openLedger(fs.createReadStream(file), 'big.xlsx', supplyLedgerSpec, { onProgress: (n) => progress.push(n) })
    let count = 0
    let broken = 0
    const towns = new Set<unknown>()
    for await (const row of ledger.rows) {
      count++
      towns.add(row.values.town)
      // exceljs on its own garbles characters split across inflated chunks (U+FFFD).
      if (Object.values(row.raw).some((v) => v.includes('\ufffd'))) broken++
      if (row.values.town === null || row.problems.length > 0) broken++
    }
    expect(count).toBe(20_000)
    expect(layout.dataRows).toHaveLength(20_000)
    expect(broken).toBe(0)
    expect(towns.size).toBe(10)
    expect(progress.length).toBeGreaterThan(10)
    expect(progress).toEqual([...progress].sort((a, b) => a - b))
  }, 120_000)

  it('refuses more rows than allowed, naming the limit: up front for xlsx, while reading for CSV', async () => {
    const { file } = await messy({ format: 'xlsx', columns: SUPPLY_LEDGER_COLUMNS, rows: 400 })
    await expect(openLedger(await fs.promises.readFile(file), 'x.xlsx', supplyLedgerSpec, { maxRows: 100 })).rejects.toMatchObject({
      code: 'LEDGER_TOO_MANY_ROWS', message: expect.stringContaining('超过 100 行'),
    })
    const { file: csvFile } = await messy({ format: 'csv-utf8', columns: SUPPLY_LEDGER_COLUMNS, rows: 150 })
    const ledger = await openLedger(await fs.promises.readFile(csvFile), 'x.csv', supplyLedgerSpec, { maxRows: 100 })
    await expect(all(ledger)).rejects.toMatchObject({ code: 'LEDGER_TOO_MANY_ROWS' })
  })
})

describe('uploads as streams', () => {
  const spooled = async () => fs.promises.readdir(uploadsRoot()).catch(() => [])

  it('spools to a temp file that is gone once the rows are read, or on close, or on refusal', async () => {
    const { file } = await messy({ format: 'xlsx', columns: SUPPLY_LEDGER_COLUMNS, rows: 5 })
    const read = await openLedger(fs.createReadStream(file), 'x.xlsx', supplyLedgerSpec)
    expect(await spooled()).toHaveLength(1)
    expect(await all(read)).toHaveLength(5)
    expect(await spooled()).toEqual([])

    const closed = await openLedger(fs.createReadStream(file), 'x.xlsx', supplyLedgerSpec)
    await closed.close()
    expect(await spooled()).toEqual([])

    const broken = await openLedger(fs.createReadStream(file), 'x.xlsx', supplyLedgerSpec)
    for await (const _ of broken.rows) break
    expect(await spooled()).toEqual([])

    await expect(openLedger(fs.createReadStream(file), 'x.xlsx', { columns: [{ key: 'a', labels: ['不存在'], type: 'text' }] })).rejects.toThrow(LedgerFileError)
    expect(await spooled()).toEqual([])
  })
})
