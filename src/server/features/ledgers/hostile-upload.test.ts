import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import ExcelJS from 'exceljs'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { uploadsRoot } from './read/temp-files.js'
import { multipart, upload, waitParsed } from './test-upload.js'

/**
 * Uploads meant to hurt: random bytes, a zip bomb, a sheet thousands of columns wide, a file over
 * the size limit, broken forms. Each ends as a failed import or a 4xx with a Chinese message,
 * nothing is written to the resource tables — not even preview rows — and no temp file stays.
 */

const ZHILI = '330502100000'

let app: FastifyInstance
let township: Session
let tmp: string

beforeAll(async () => {
  // This file's own temp folder, so that what is left in it is what these uploads left.
  tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'hostile-upload-test-'))
  process.env.TMPDIR = tmp
  app = await testApp()
  township = await signIn(app, { role: 'township_manager', regionCode: ZHILI })
})
afterAll(async () => {
  await app.close()
  await fs.promises.rm(tmp, { recursive: true, force: true })
})

const leftovers = () => fs.promises.readdir(uploadsRoot()).catch(() => [] as string[])

/** The parse removes its file just after recording the outcome: give it a moment, not forever. */
async function settledLeftovers(): Promise<string[]> {
  let left = await leftovers()
  for (let i = 0; i < 200 && left.length > 0; i++) {
    await new Promise((r) => setTimeout(r, 10))
    left = await leftovers()
  }
  return left
}

/** A zip archive with deflated entries, written by hand so the test controls every byte. */
function zip(entries: Array<{ name: string; data: Buffer; stored?: boolean }>): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const e of entries) {
    const name = Buffer.from(e.name)
    const packed = e.stored ? e.data : zlib.deflateRawSync(e.data, { level: 9 })
    const method = e.stored ? 0 : 8
    const crc = zlib.crc32(e.data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0, 6); local.writeUInt16LE(method, 8)
    local.writeUInt32LE(0, 10); local.writeUInt32LE(crc, 14); local.writeUInt32LE(packed.length, 18); local.writeUInt32LE(e.data.length, 22)
    local.writeUInt16LE(name.length, 26); local.writeUInt16LE(0, 28)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(0, 8)
    central.writeUInt16LE(method, 10); central.writeUInt32LE(0, 12); central.writeUInt32LE(crc, 16); central.writeUInt32LE(packed.length, 20)
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
  expect(await settledLeftovers()).toEqual([])
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

  it('refuses a sheet of more than the 200,000 rows the README states, before reading them', async () => {
    const cell = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`
    const rows = [`<row r="1">${cell('A1', '物资名称')}${cell('B1', '数量')}${cell('C1', '单位')}</row>`]
    for (let r = 2; r <= 220_200; r++) rows.push(`<row r="${r}"><c r="B${r}"><v>1</v></c></row>`)
    const sheet = Buffer.from(`<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows.join('')}</sheetData></worksheet>`)
    const book = zip([
      { name: '[Content_Types].xml', data: Buffer.from('<?xml version="1.0"?><Types/>') },
      { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="x" Target="worksheets/sheet1.xml"/></Relationships>') },
      { name: 'xl/workbook.xml', data: Buffer.from('<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></sheets></workbook>') },
      // Stored, not deflated: rows this alike pack beyond the zip-bomb ratio.
      { name: 'xl/worksheets/sheet1.xml', data: sheet, stored: true },
    ])
    await failsWith('二十二万行.xlsx', book, /^表格超过 200000 行数据的上限/)
  })

  it('stops an upload over 50 MB at the door', async () => {
    const res = await upload(township, 'annex4', ZHILI, '大文件.csv', Buffer.alloc(51 * 1024 * 1024, 0x41))
    expect(res.statusCode).toBe(413)
    expect(res.json().message).toBe('文件超过 50 MB 的上限，请删去无关的工作表或拆分后再上传')
    expect(await tableCounts()).toEqual(EMPTY)
    expect(await settledLeftovers()).toEqual([])
  })

  it('refuses a request that is not a file upload', async () => {
    const res = await township.request({ method: 'POST', url: `/api/ledgers/annex4/imports?regionCode=${ZHILI}`, payload: { file: 'x' } })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('UPLOAD_NOT_MULTIPART')
  })
})

describe('broken upload forms', () => {
  // With a region column: a ledger without one waits for the user to say where its rows belong.
  const CSV = Buffer.from('乡镇（街道）,物资名称,数量,单位\r\n织里镇,救生衣,10,件\r\n')
  const BOUNDARY = 'shouwangTestBoundary'
  const post = (payload: Buffer, contentType = `multipart/form-data; boundary=${BOUNDARY}`) =>
    township.request({ method: 'POST', url: `/api/ledgers/annex4/imports?regionCode=${ZHILI}`, payload, headers: { 'content-type': contentType } })
  const filePart = (name: string, content = CSV, field = 'file') => Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n`), content, Buffer.from('\r\n'),
  ])
  const textPart = (field: string, value: string) => Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"\r\n\r\n${value}\r\n`)
  const END = Buffer.from(`--${BOUNDARY}--\r\n`)

  const imports = async () => (await app.db.selectFrom('ledgerImport').select('id').execute()).length
  let before = 0
  beforeEach(async () => { before = await imports() })

  async function refused(res: Awaited<ReturnType<typeof post>>, status: number, code: string, message: RegExp) {
    expect(res.statusCode, res.body).toBe(status)
    expect(res.json()).toMatchObject({ code, message: expect.stringMatching(message) })
    expect(await imports()).toBe(before)
    expect(await settledLeftovers()).toEqual([])
  }

  it('answers a form without boundary, cut short, without a file or with two files with a 400 naming the field', async () => {
    const whole = Buffer.concat([filePart('物资.csv'), END])
    await refused(await post(whole, 'multipart/form-data'), 400, 'UPLOAD_MALFORMED', /缺少分隔符（boundary）.*表单字段“file”/)
    await refused(await post(whole.subarray(0, whole.length - 20)), 400, 'UPLOAD_MALFORMED', /^上传的表单数据不完整或格式有误（表单字段“file”没有完整收到）/)
    await refused(await post(whole.subarray(0, 40)), 400, 'UPLOAD_MALFORMED', /表单字段“file”/)
    await refused(await post(Buffer.concat([textPart('note', '附件4'), END])), 400, 'UPLOAD_NO_FILE', /^没有收到文件（表单字段“file”）/)
    await refused(await post(Buffer.concat([filePart('一.csv'), filePart('二.csv'), END])), 400, 'UPLOAD_TOO_MANY_FILES', /^表单字段“file”只能上传一个文件/)
    // Another field beside the file is passed over.
    const ok = await post(Buffer.concat([textPart('note', '附件4'), filePart('物资.csv'), END]))
    expect(ok.statusCode, ok.body).toBe(202)
    expect((await waitParsed(township, ok.json().importId)).status).toBe('previewed')
    await township.request({ method: 'DELETE', url: `/api/ledgers/imports/${ok.json().importId}` })
  })

  it('refuses a file name with a NUL or other control characters, and one too long to keep', async () => {
    await refused(await post(Buffer.concat([filePart('物资\u0000.csv'), END])), 400, 'UPLOAD_BAD_NAME', /^表单字段“file”的文件名“物资�\.csv”含有控制字符/)
    await refused(await post(Buffer.concat([filePart('物资\u0007台账.csv'), END])), 400, 'UPLOAD_BAD_NAME', /含有控制字符/)
    await refused(await post(Buffer.concat([filePart(`${'台'.repeat(300)}.csv`), END])), 400, 'UPLOAD_BAD_NAME', /文件名超过 255 个字符/)
  })

  it('leaves no temp file after a successful import, nor after a client that gives up mid-upload', async () => {
    const res = await upload(township, 'annex4', ZHILI, '物资.csv', CSV)
    expect(res.statusCode).toBe(202)
    expect((await waitParsed(township, res.json().importId)).status).toBe('previewed')
    expect(await settledLeftovers()).toEqual([])
    await township.request({ method: 'DELETE', url: `/api/ledgers/imports/${res.json().importId}` })

    // A real socket, closed after half of a large file.
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    const { body, contentType } = multipart('file', '大文件.csv', Buffer.alloc(8 * 1024 * 1024, 0x41))
    const req = http.request(`${address}/api/ledgers/annex4/imports?regionCode=${ZHILI}`, {
      method: 'POST', headers: { 'content-type': contentType, 'content-length': body.length, cookie: township.cookie, 'x-csrf-token': township.csrf },
    })
    req.on('error', () => {})
    req.write(body.subarray(0, 4 * 1024 * 1024))
    // Wait until the server has started writing the upload to disk, then vanish.
    for (let i = 0; i < 200 && (await leftovers()).length === 0; i++) await new Promise((r) => setTimeout(r, 10))
    req.destroy()
    expect(await settledLeftovers()).toEqual([])
    expect(await imports()).toBe(before)
  })
})
