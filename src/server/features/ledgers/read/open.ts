import fs from 'node:fs'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { csvRows, detectEncoding } from './csv.js'
import { makeUploadDir, removeUploadDir } from './temp-files.js'
import { LedgerFileError, type Sheet } from './types.js'
import { inspectXlsx, xlsxSheets } from './xlsx.js'
import { bufferSource, encrypted, fileSource, readZipDirectory, type ByteSource } from './zip.js'

/**
 * Telling what an upload is from its bytes (the file name only colours the message), refusing
 * what is not a spreadsheet, and opening the rest as sheets of rows.
 *
 * An upload that arrives as a stream is first written to a temp file: the zip directory sits at
 * the end of an .xlsx, and must be checked before anything is unpacked. The temp file is removed
 * by `close`. An upload already saved (`{ filePath }`) is read where it lies; its owner removes it.
 */

/** What to read: bytes in memory, a stream, or a file already on disk. */
export type LedgerInput = NodeJS.ReadableStream | Buffer | { filePath: string }

export type LedgerFile = {
  format: 'xlsx' | 'csv'
  sheets(): AsyncIterable<Sheet>
  close(): Promise<void>
}

const notSpreadsheet = (what: string) =>
  new LedgerFileError('LEDGER_NOT_SPREADSHEET', `${what}，不是电子表格。请上传 Excel（.xlsx）或 CSV 文件`)

async function spool(input: NodeJS.ReadableStream): Promise<{ file: string; dir: string }> {
  const dir = await makeUploadDir()
  const file = path.join(dir, 'upload')
  try {
    await pipeline(input, fs.createWriteStream(file))
  } catch (e) {
    await removeUploadDir(dir)
    throw e
  }
  return { file, dir }
}

function startsWith(bytes: Buffer, ...signature: number[]): boolean {
  return signature.every((b, i) => bytes[i] === b)
}

/** Whether a sample reads as text: no NUL, almost no control characters, almost no undecodable bytes. */
function looksLikeText(sample: Buffer): boolean {
  const encoding = detectEncoding(sample)
  if (encoding === 'utf-16le' || encoding === 'utf-16be') return true
  let control = 0
  for (const b of sample) {
    if (b === 0) return false
    if ((b < 0x09 || (b > 0x0d && b < 0x20) || b === 0x7f) && b !== 0x1b) control++
  }
  if (control > sample.length / 100) return false
  const text = new TextDecoder(encoding).decode(sample)
  const bad = text.split('\ufffd').length - 1
  // The last character of the sample may be cut in half.
  return bad <= 1 + text.length / 100
}

async function openZip(src: ByteSource, fileName: string, maxColumns: number): Promise<Pick<LedgerFile, 'format' | 'sheets'>> {
  const entries = await readZipDirectory(src)
  const names = new Set(entries.map((e) => e.name))
  if (!names.has('xl/workbook.xml')) {
    if (names.has('word/document.xml')) throw notSpreadsheet('这是 Word 文档')
    if (names.has('ppt/presentation.xml')) throw notSpreadsheet('这是 PowerPoint 演示文稿')
    if (names.has('content.xml') && names.has('mimetype')) {
      throw new LedgerFileError('LEDGER_UNSUPPORTED_FORMAT', '这是 WPS/OpenOffice 的 .ods 等格式，请在表格软件中另存为 .xlsx 后再上传')
    }
    throw notSpreadsheet(`“${fileName}”是一个压缩包`)
  }
  const facts = await inspectXlsx(src, entries, maxColumns)
  return { format: 'xlsx', sheets: () => xlsxSheets(src, entries, facts, maxColumns) }
}

async function* byteChunks(src: ByteSource): AsyncGenerator<Buffer> {
  const stream = src.stream(0, src.size)
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk
  } finally {
    stream.destroy()
  }
}

/** Opens an upload as a ledger file, or refuses it with a LedgerFileError. */
export async function openLedgerFile(input: LedgerInput, fileName: string, maxColumns: number): Promise<LedgerFile> {
  let tempDir: string | null = null
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    if (tempDir) await removeUploadDir(tempDir)
  }
  try {
    let src: ByteSource
    if (Buffer.isBuffer(input)) src = bufferSource(input)
    else if ('filePath' in input) src = await fileSource(input.filePath)
    else {
      const spooled = await spool(input as NodeJS.ReadableStream)
      tempDir = spooled.dir
      src = await fileSource(spooled.file)
    }
    if (src.size === 0) throw new LedgerFileError('LEDGER_EMPTY', '文件是空的，没有任何内容')
    const head = await src.read(0, Math.min(src.size, 65536))
    if (startsWith(head, 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) throw encrypted()
    if (startsWith(head, 0x50, 0x4b, 0x03, 0x04) || startsWith(head, 0x50, 0x4b, 0x05, 0x06)) {
      return { ...(await openZip(src, fileName, maxColumns)), close }
    }
    if (startsWith(head, 0x25, 0x50, 0x44, 0x46)) throw notSpreadsheet('这是 PDF 文件')
    if (!looksLikeText(head)) throw notSpreadsheet(`“${fileName}”无法识别`)
    // HTML or XML saved with an .xls name (what many systems "export to Excel" produce).
    const start = new TextDecoder(detectEncoding(head)).decode(head.subarray(0, 512)).trimStart().toLowerCase()
    if (start.startsWith('<')) {
      throw new LedgerFileError('LEDGER_UNSUPPORTED_FORMAT', '这是网页或 XML 格式的表格（常见于其他系统导出的 .xls），请在 Excel 中打开后另存为 .xlsx 再上传')
    }
    return {
      format: 'csv',
      sheets: async function* () {
        yield { rows: csvRows(byteChunks(src), maxColumns), merges: null }
      },
      close,
    }
  } catch (e) {
    await close()
    throw e
  }
}
