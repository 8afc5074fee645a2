import crypto from 'node:crypto'
import zlib from 'node:zlib'
import ExcelJS from 'exceljs'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { upload, waitParsed } from './test-upload.js'

/**
 * Uploads meant to hurt: random bytes, a zip bomb, a sheet thousands of columns wide, a file over
 * the size limit. Each ends as a failed import with a Chinese message, and nothing is written to
 * the resource tables — not even preview rows.
 */

const ZHILI = '330502100000'

let app: FastifyInstance
let township: Session

beforeAll(async () => {
  app = await testApp()
  township = await signIn(app, { role: 'township_manager', regionCode: ZHILI })
})
afterAll(async () => { await app.close() })

/** A zip archive with deflated entries, written by hand so the test controls every byte. */
function zip(entries: Array<{ name: string; data: Buffer }>): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const e of entries) {
    const name = Buffer.from(e.name)
    const packed = zlib.deflateRawSync(e.data, { level: 9 })
    const crc = zlib.crc32(e.data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0, 6); local.writeUInt16LE(8, 8)
    local.writeUInt32LE(0, 10); local.writeUInt32LE(crc, 14); local.writeUInt32LE(packed.length, 18); local.writeUInt32LE(e.data.length, 22)
    local.writeUInt16LE(name.length, 26); local.writeUInt16LE(0, 28)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(0, 8)
    central.writeUInt16LE(8, 10); central.writeUInt32LE(0, 12); central.writeUInt32LE(crc, 16); central.writeUInt32LE(packed.length, 20)
    central.writeUInt32LE(e.data.length, 24); central.writeUInt16LE(name.length, 28); central.writeUInt32LE(offset, 42)
    locals.push(local, name, packed)
    centrals.push(central, name)
    offset += local.length + name.length + packed.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.length, 12); end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

async function tableCounts() {
  const n = async (table: 'supply' | 'resource' | 'person' | 'stockMovement' | 'ledgerImportRow') =>
    Number((await app.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
  return { supply: await n('supply'), resource: await n('resource'), person: await n('person'), movement: await n('stockMovement'), rows: await n('ledgerImportRow') }
}

const EMPTY = { supply: 0, resource: 0, person: 0, movement: 0, rows: 0 }

async function failsWith(fileName: string, content: Buffer, message: RegExp): Promise<void> {
  const res = await upload(township, 'annex4', ZHILI, fileName, content)
  expect(res.statusCode, res.body).toBe(202)
  const state = await waitParsed(township, res.json().importId)
  expect(state.status).toBe('failed')
  expect(state.message).toMatch(message)
  expect(state).toMatchObject({ totalRows: 0, validRows: 0, errorRows: 0 })
  expect((await township.request({ method: 'POST', url: `/api/ledgers/imports/${state.id}/commit` })).statusCode).toBe(409)
  expect(await tableCounts()).toEqual(EMPTY)
}

describe('hostile uploads', () => {
  it('refuses random bytes named .xlsx', async () => {
    await failsWith('物资.xlsx', crypto.randomBytes(3 * 1024 * 1024), /无法识别，不是电子表格/)
  })

  it('refuses a zip bomb before unpacking it', async () => {
    const bomb = zip([
      { name: '[Content_Types].xml', data: Buffer.from('<?xml version="1.0"?><Types/>') },
      { name: 'xl/workbook.xml', data: Buffer.from('<?xml version="1.0"?><workbook/>') },
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(150 * 1024 * 1024, 0x20) },
    ])
    expect(bomb.length).toBeLessThan(1024 * 1024)
    await failsWith('炸弹.xlsx', bomb, /解压后过大或压缩比异常/)
  })

  it('refuses a sheet wider than any ledger', async () => {
    const book = new ExcelJS.Workbook()
    const sheet = book.addWorksheet('Sheet1')
    sheet.addRow(['序号', '乡镇（街道）', '物资名称', '单位', '数量'])
    sheet.getRow(2).getCell(5000).value = '宽'
    sheet.getRow(2).getCell(3).value = '沙袋'
    await failsWith('宽表.xlsx', Buffer.from(await book.xlsx.writeBuffer()), /^第 2 行的数据超过 200 列，不像是台账表格，已拒绝读取/)
  })

  it('refuses a Word document and a legacy .xls with a hint what to do', async () => {
    const word = zip([{ name: '[Content_Types].xml', data: Buffer.from('<Types/>') }, { name: 'word/document.xml', data: Buffer.from('<w:document/>') }])
    await failsWith('物资.xlsx', word, /这是 Word 文档，不是电子表格/)
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), crypto.randomBytes(4096)])
    await failsWith('物资.xls', ole, /另存为 \.xlsx/)
  })

  it('stops an upload over 50 MB at the door', async () => {
    const res = await upload(township, 'annex4', ZHILI, '大文件.csv', Buffer.alloc(51 * 1024 * 1024, 0x41))
    expect(res.statusCode).toBe(413)
    expect(res.json().message).toBe('文件超过 50 MB 的上限，请删去无关的工作表或拆分后再上传')
    expect(await tableCounts()).toEqual(EMPTY)
  })

  it('refuses a request that is not a file upload', async () => {
    const res = await township.request({ method: 'POST', url: `/api/ledgers/annex4/imports?regionCode=${ZHILI}`, payload: { file: 'x' } })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('UPLOAD_NOT_MULTIPART')
  })
})
