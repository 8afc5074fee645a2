import { createReadStream } from 'node:fs'
import path from 'node:path'
import { pipeline } from 'node:stream'
import { createGunzip, type Gunzip } from 'node:zlib'
import { AppError } from '../../errors.js'
import { DUMP_FORMAT, DUMP_FORMAT_VERSION, END_OF_TABLE, type DumpHeader } from './dump.js'

const NEWLINE = 0x0a
const END_LINE = Buffer.from(`${END_OF_TABLE}\n`)
const END_MARK = Buffer.from(`\n${END_OF_TABLE}\n`)

const badFile = (file: string) =>
  new AppError('BACKUP_BAD_FILE', 400, `“${path.basename(file)}”不是守望的备份文件，或已损坏`)
const truncated = (file: string) =>
  new AppError('BACKUP_TRUNCATED', 400, `备份文件“${path.basename(file)}”不完整（可能在写入或复制时被截断），未做任何恢复`)

/**
 * Reads a dump written by `dump()`: the header, then each table's rows as chunks of whole COPY
 * lines, ready to be written into COPY FROM without parsing a row.
 */
export class DumpReader {
  private buffered: Buffer = Buffer.alloc(0)
  private readonly chunks: AsyncIterator<Buffer>
  /** Set by open() before anyone sees the reader. */
  header!: DumpHeader

  private constructor(private readonly file: string, private readonly input: Gunzip) {
    this.chunks = input[Symbol.asyncIterator]()
  }

  static async open(file: string): Promise<DumpReader> {
    const input = createGunzip({ chunkSize: 64 * 1024 })
    const reader = new DumpReader(file, input)
    // pipeline() passes a read error (missing file) on to the gunzip stream, and a destroyed
    // gunzip stream (close()) on to the file. Errors surface where the reader awaits.
    pipeline(createReadStream(file), input, () => {})
    try {
      reader.header = checkedHeader(file, await reader.line())
    } catch (err) {
      input.destroy()
      throw err
    }
    return reader
  }

  /** The next table's rows: chunks of complete lines, up to (not including) its end line. */
  async *rows(): AsyncGenerator<Buffer> {
    for (;;) {
      const buf = this.buffered
      if (buf.length >= END_LINE.length && buf.subarray(0, END_LINE.length).equals(END_LINE)) {
        this.buffered = buf.subarray(END_LINE.length)
        return
      }
      const end = buf.indexOf(END_MARK)
      if (end !== -1) {
        yield buf.subarray(0, end + 1)
        this.buffered = buf.subarray(end + END_MARK.length)
        return
      }
      // Hand over whole lines only; the rest may be the start of the end line.
      const lastLine = buf.lastIndexOf(NEWLINE)
      if (lastLine !== -1) {
        yield buf.subarray(0, lastLine + 1)
        this.buffered = buf.subarray(lastLine + 1)
      }
      if (!(await this.more())) throw truncated(this.file)
    }
  }

  /** Reads to the end, so that gzip checks its trailer (length and CRC) before anything commits. */
  async finish(): Promise<void> {
    if (this.buffered.length > 0 || (await this.more())) throw badFile(this.file)
  }

  close(): void {
    this.input.destroy()
  }

  private async line(): Promise<string> {
    for (;;) {
      const nl = this.buffered.indexOf(NEWLINE)
      if (nl !== -1) {
        const line = this.buffered.subarray(0, nl).toString('utf8')
        this.buffered = this.buffered.subarray(nl + 1)
        return line
      }
      if (!(await this.more())) throw truncated(this.file)
    }
  }

  /** Appends input until a newline arrives (one concat per line, however long the line). */
  private async more(): Promise<boolean> {
    const parts: Buffer[] = [this.buffered]
    for (;;) {
      const next = await this.next()
      if (next === null) break
      parts.push(next)
      if (next.includes(NEWLINE)) break
    }
    this.buffered = parts.length === 1 ? parts[0] : Buffer.concat(parts)
    return parts.length > 1
  }

  private async next(): Promise<Buffer | null> {
    try {
      const r = await this.chunks.next()
      return r.done ? null : r.value
    } catch (err) {
      const code = (err as { code?: string }).code
      if (code === 'ENOENT') throw new AppError('BACKUP_NOT_FOUND', 404, `找不到备份文件“${this.file}”`)
      if (code === 'Z_BUF_ERROR') throw truncated(this.file)
      if (code?.startsWith('Z_') || code === 'ERR_ZLIB_INITIALIZATION_FAILED') throw badFile(this.file)
      throw err
    }
  }
}

function checkedHeader(file: string, line: string): DumpHeader {
  let header: DumpHeader
  try {
    header = JSON.parse(line)
  } catch {
    throw badFile(file)
  }
  if (header?.format !== DUMP_FORMAT || !Array.isArray(header.tables) || typeof header.migration !== 'string') throw badFile(file)
  if (header.formatVersion > DUMP_FORMAT_VERSION) {
    throw new AppError('BACKUP_FORMAT_NEWER', 400, `备份文件格式版本 ${header.formatVersion} 比本程序支持的 ${DUMP_FORMAT_VERSION} 新，请先升级守望`)
  }
  return header
}
