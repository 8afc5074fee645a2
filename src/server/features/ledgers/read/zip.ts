import fs from 'node:fs'
import { Readable } from 'node:stream'
import zlib from 'node:zlib'
import { LedgerFileError } from './types.js'

/**
 * Just enough of the zip format to judge an .xlsx before any XML parser sees it: the central
 * directory at the end of the file lists every entry with its packed and unpacked size, so a
 * zip bomb is refused from a few kilobytes. The streaming reader (exceljs via unzipper) reads
 * the local headers front to back instead, and never looks at the directory; so the directory is
 * only trusted after checking that the entries it lists tile the file (nothing hides between
 * them), and `verifyEntries` inflates each entry once with a hard byte limit, since the declared
 * sizes are only what the file claims.
 */

export const MAX_UNPACKED_BYTES = 200 * 1024 * 1024
export const MAX_RATIO = 100
// A ratio is meaningless for tiny entries (an empty sheet packs 300:1); only large ones can bomb.
const RATIO_FROM_BYTES = 1024 * 1024
const MAX_ENTRIES = 10_000
const MAX_DIRECTORY_BYTES = 16 * 1024 * 1024

/** Random access to the uploaded bytes, whether they sit in memory or in a temp file. */
export type ByteSource = {
  size: number
  read(offset: number, length: number): Promise<Buffer>
  /** Bytes [start, end). */
  stream(start: number, end: number): Readable
}

export function bufferSource(buffer: Buffer): ByteSource {
  return {
    size: buffer.length,
    read: async (offset, length) => buffer.subarray(offset, offset + length),
    stream: (start, end) => Readable.from(chunks(buffer.subarray(start, end))),
  }
}

/** A buffer as 64 KiB pieces, so consumers see a stream rather than one huge chunk. */
function* chunks(buffer: Buffer): Generator<Buffer> {
  for (let i = 0; i < buffer.length; i += 65536) yield buffer.subarray(i, i + 65536)
}

export async function fileSource(path: string): Promise<ByteSource> {
  const { size } = await fs.promises.stat(path)
  return {
    size,
    async read(offset, length) {
      const handle = await fs.promises.open(path, 'r')
      try {
        const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - offset)))
        await handle.read(buffer, 0, buffer.length, offset)
        return buffer
      } finally {
        await handle.close()
      }
    },
    stream: (start, end) => fs.createReadStream(path, { start, end: end - 1, highWaterMark: 65536 }),
  }
}

export type ZipEntry = {
  name: string
  flags: number
  method: number
  packedSize: number
  size: number
  localOffset: number
  /** Where the entry's packed bytes start (after its local header). */
  dataOffset: number
  /** Where the entry's record ends in the file: packed bytes and any data descriptor (exclusive). */
  end: number
}

const notZip = () => new LedgerFileError('LEDGER_UNREADABLE', '文件已损坏或不是有效的 .xlsx 文件，无法读取。请在 Excel 中打开后另存为 .xlsx 再上传')
export const bomb = () => new LedgerFileError('LEDGER_ZIP_BOMB', '文件解压后过大或压缩比异常（可能是恶意文件），已拒绝读取')
export const encrypted = () => new LedgerFileError('LEDGER_ENCRYPTED', '文件已加密或为旧版 .xls 格式，请另存为 .xlsx 后再上传')

function u64(buffer: Buffer, at: number): number {
  return Number(buffer.readBigUInt64LE(at))
}

/** Reads and checks the central directory; refuses bombs, encrypted entries and hidden data. */
export async function readZipDirectory(src: ByteSource): Promise<ZipEntry[]> {
  const tailLength = Math.min(src.size, 22 + 65535)
  const tail = await src.read(src.size - tailLength, tailLength)
  let eocd = -1
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) { eocd = i; break }
  }
  if (eocd < 0) throw notZip()
  let count = tail.readUInt16LE(eocd + 10)
  let dirSize = tail.readUInt32LE(eocd + 12)
  let dirOffset = tail.readUInt32LE(eocd + 16)
  if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
    // ZIP64: a locator just before the end record points at the 64-bit end record.
    const locatorAt = src.size - tailLength + eocd - 20
    if (locatorAt < 0) throw notZip()
    const locator = await src.read(locatorAt, 20)
    if (locator.readUInt32LE(0) !== 0x07064b50) throw notZip()
    const record = await src.read(u64(locator, 8), 56)
    if (record.length < 56 || record.readUInt32LE(0) !== 0x06064b50) throw notZip()
    count = u64(record, 32)
    dirSize = u64(record, 40)
    dirOffset = u64(record, 48)
  }
  if (count > MAX_ENTRIES || dirSize > MAX_DIRECTORY_BYTES) throw bomb()
  if (dirOffset + dirSize > src.size) throw notZip()

  const dir = await src.read(dirOffset, dirSize)
  const entries: ZipEntry[] = []
  let at = 0
  let total = 0
  for (let i = 0; i < count; i++) {
    if (at + 46 > dir.length || dir.readUInt32LE(at) !== 0x02014b50) throw notZip()
    const flags = dir.readUInt16LE(at + 8)
    const method = dir.readUInt16LE(at + 10)
    let packedSize = dir.readUInt32LE(at + 20)
    let size = dir.readUInt32LE(at + 24)
    const nameLength = dir.readUInt16LE(at + 28)
    const extraLength = dir.readUInt16LE(at + 30)
    const commentLength = dir.readUInt16LE(at + 32)
    let localOffset = dir.readUInt32LE(at + 42)
    const name = dir.toString('utf8', at + 46, at + 46 + nameLength)
    // ZIP64 sizes live in extra field 0x0001, in this order, only for the fields that overflowed.
    let extra = at + 46 + nameLength
    const extraEnd = extra + extraLength
    while (extra + 4 <= extraEnd) {
      const id = dir.readUInt16LE(extra)
      const length = dir.readUInt16LE(extra + 2)
      if (id === 0x0001) {
        let p = extra + 4
        if (size === 0xffffffff) { size = u64(dir, p); p += 8 }
        if (packedSize === 0xffffffff) { packedSize = u64(dir, p); p += 8 }
        if (localOffset === 0xffffffff) { localOffset = u64(dir, p); p += 8 }
      }
      extra += 4 + length
    }
    at = extraEnd + commentLength
    if (flags & 0x1) throw encrypted()
    total += size
    if (total > MAX_UNPACKED_BYTES) throw bomb()
    if (size > RATIO_FROM_BYTES && size > packedSize * MAX_RATIO) throw bomb()
    entries.push({ name, flags, method, packedSize, size, localOffset, dataOffset: 0, end: 0 })
  }

  // The entries must tile the file from byte 0 to the directory: a streaming unzip reads every
  // local header it meets, listed or not, so unlisted bytes in a gap could smuggle a bomb past
  // the directory check. A gap of up to 24 bytes is a data descriptor.
  entries.sort((a, b) => a.localOffset - b.localOffset)
  let expected = 0
  for (const [i, entry] of entries.entries()) {
    const gap = entry.localOffset - expected
    if (gap < 0 || gap > 24) throw suspicious()
    if (i > 0) entries[i - 1].end = entry.localOffset
    const local = await src.read(entry.localOffset, 30)
    if (local.length < 30 || local.readUInt32LE(0) !== 0x04034b50) throw notZip()
    entry.dataOffset = entry.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28)
    expected = entry.dataOffset + entry.packedSize
  }
  const last = dirOffset - expected
  if (last < 0 || last > 24) throw suspicious()
  if (entries.length > 0) entries[entries.length - 1].end = dirOffset
  return entries
}

const suspicious = () =>
  new LedgerFileError('LEDGER_UNREADABLE', '文件结构异常（压缩包中含有目录以外的数据），已拒绝读取。请在 Excel 中另存为 .xlsx 后再上传')

/** The unpacked bytes of one entry. The reader counts them: zlib streams take no output limit. */
export function entryStream(src: ByteSource, entry: ZipEntry): Readable {
  const packed = src.stream(entry.dataOffset, entry.dataOffset + entry.packedSize)
  if (entry.method === 0) return packed
  if (entry.method !== 8) {
    packed.destroy()
    throw new LedgerFileError('LEDGER_UNREADABLE', '文件使用了不支持的压缩方式，请在 Excel 中另存为 .xlsx 后再上传')
  }
  const inflate = zlib.createInflateRaw()
  packed.on('error', (e) => inflate.destroy(e))
  return packed.pipe(inflate)
}
