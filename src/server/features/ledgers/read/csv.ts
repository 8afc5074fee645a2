import { TextDecoder } from 'node:util'
import { storableText } from './cells.js'
import { LedgerFileError, type Cell, type SheetRow } from './types.js'

/**
 * CSV as offices save it: Excel on Chinese Windows writes GBK without a BOM, newer Excel and
 * other systems write UTF-8 with or without a BOM, "Unicode 文本" is UTF-16 with tabs. Read as a
 * stream: text is decoded chunk by chunk and rows come out one at a time.
 */

// Excel's own limit on the text of one cell; a longer field is an unclosed quote or an attack.
const MAX_FIELD_CHARS = 32767
// Enough undecided bytes to tell UTF-8 from GBK by (two-byte GBK pairs rarely form valid UTF-8).
const DETECT_NON_ASCII = 256
const DETECT_MAX_BYTES = 1024 * 1024

function isValidUtf8(bytes: Buffer): boolean {
  try {
    // stream: a character cut at the end of the sample is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true })
    return true
  } catch {
    return false
  }
}

function countNonAscii(bytes: Buffer): number {
  let n = 0
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 0x7f) n++
  return n
}

/** The encoding of a sample: a BOM says it; else valid UTF-8 is UTF-8, anything else GB18030 (a superset of GBK). */
export function detectEncoding(sample: Buffer): 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030' {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8'
  if (sample[0] === 0xff && sample[1] === 0xfe) return 'utf-16le'
  if (sample[0] === 0xfe && sample[1] === 0xff) return 'utf-16be'
  return isValidUtf8(sample) ? 'utf-8' : 'gb18030'
}

/**
 * Bytes to text. Undecided while the bytes are ASCII (the same in every candidate), decided by
 * the first stretch with enough non-ASCII bytes, so a long ASCII preamble cannot mislead it.
 */
export async function* decodeText(chunks: AsyncIterable<Buffer>): AsyncGenerator<string> {
  let decoder: TextDecoder | null = null
  let pending: Buffer[] = []
  let pendingBytes = 0
  let nonAscii = 0
  let first = true
  for await (const chunk of chunks) {
    if (decoder) {
      const text = decoder.decode(chunk, { stream: true })
      if (text) yield text
      continue
    }
    pending.push(chunk)
    pendingBytes += chunk.length
    nonAscii += countNonAscii(chunk)
    const head = first ? Buffer.concat(pending).subarray(0, 3) : null
    first = false
    const bom = head && (head[0] === 0xef || head[0] === 0xff || head[0] === 0xfe)
    if (bom || nonAscii >= DETECT_NON_ASCII || pendingBytes >= DETECT_MAX_BYTES) {
      const bytes = Buffer.concat(pending)
      pending = []
      decoder = new TextDecoder(detectEncoding(bytes))
      const text = decoder.decode(bytes, { stream: true })
      if (text) yield text
    }
  }
  if (!decoder) {
    const bytes = Buffer.concat(pending)
    decoder = new TextDecoder(detectEncoding(bytes))
    const text = decoder.decode(bytes, { stream: true })
    if (text) yield text
  }
  const rest = decoder.decode()
  if (rest) yield rest
}

const DELIMITERS = [',', '\t', ';'] as const
type Delimiter = (typeof DELIMITERS)[number]

/**
 * The separator used by most lines of a sample, counted outside quotes: the candidate whose
 * most common non-zero count per line is shared by the most lines.
 */
export function detectDelimiter(sample: string): Delimiter {
  const lines = sample.split(/\r\n|\n|\r/).slice(0, 50)
  let best: Delimiter = ','
  let bestLines = 0
  let bestCount = 0
  for (const d of DELIMITERS) {
    const tally = new Map<number, number>()
    for (const line of lines) {
      let n = 0
      let quoted = false
      for (const ch of line) {
        if (ch === '"') quoted = !quoted
        else if (ch === d && !quoted) n++
      }
      if (n > 0) tally.set(n, (tally.get(n) ?? 0) + 1)
    }
    for (const [count, lineCount] of tally) {
      if (lineCount > bestLines || (lineCount === bestLines && count > bestCount)) {
        best = d
        bestLines = lineCount
        bestCount = count
      }
    }
  }
  return best
}

function textCell(text: string): Cell {
  return text.trim() === '' ? { kind: 'empty', text: '' } : { kind: 'text', text: storableText(text) }
}

/**
 * Rows of a CSV, numbered as Excel would show them (a quoted field with line breaks is one row).
 * Fields beyond `maxColumns` may only be empty (Excel pads exported rows with commas).
 */
export async function* csvRows(chunks: AsyncIterable<Buffer>, maxColumns: number): AsyncGenerator<SheetRow> {
  const texts = decodeText(chunks)[Symbol.asyncIterator]()
  // Look ahead far enough to choose the separator.
  let lookahead = ''
  while (lookahead.length < 65536) {
    const next = await texts.next()
    if (next.done) break
    lookahead += next.value
  }
  if (lookahead.charCodeAt(0) === 0xfeff) lookahead = lookahead.slice(1)
  const delimiter = detectDelimiter(lookahead)

  let row = 1
  let cells: Cell[] = []
  let field = ''
  let quoted = false // inside a quoted field
  let afterQuote = false // a quote just closed or an escaped quote is pending
  let fields = 0

  const endField = () => {
    fields++
    if (fields <= maxColumns) cells.push(textCell(field))
    else if (field.trim() !== '') throw tooWide(row, maxColumns)
    else if (fields > 16384) throw tooWide(row, maxColumns)
    field = ''
  }
  const endRow = (): SheetRow => {
    endField()
    while (cells.length > 0 && cells[cells.length - 1].kind === 'empty') cells.pop()
    const out = { row, cells }
    row++
    cells = []
    fields = 0
    return out
  }

  let pendingCR = false
  const feed = function* (text: string): Generator<SheetRow> {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]
      if (pendingCR) {
        pendingCR = false
        if (ch === '\n') continue
      }
      if (quoted) {
        if (ch === '"') {
          quoted = false
          afterQuote = true
        } else {
          // Copy the run up to the next quote at once: quoted cells with line breaks can be long.
          const close = text.indexOf('"', i)
          const end = close < 0 ? text.length : close
          field += text.slice(i, end)
          i = end - 1
          if (field.length > MAX_FIELD_CHARS) throw tooLong(row)
        }
        continue
      }
      if (afterQuote) {
        afterQuote = false
        if (ch === '"') {
          field += '"'
          quoted = true
          continue
        }
      }
      if (ch === delimiter) endField()
      else if (ch === '\n') yield endRow()
      else if (ch === '\r') {
        pendingCR = true
        yield endRow()
      } else if (ch === '"' && field === '') quoted = true
      else {
        field += ch
        if (field.length > MAX_FIELD_CHARS) throw tooLong(row)
      }
    }
  }

  yield* feed(lookahead)
  for (let next = await texts.next(); !next.done; next = await texts.next()) yield* feed(next.value)
  if (field !== '' || cells.length > 0 || fields > 0 || quoted) yield endRow()
}

function tooWide(row: number, maxColumns: number): LedgerFileError {
  return new LedgerFileError('LEDGER_TOO_MANY_COLUMNS', `第 ${row} 行的数据超过 ${maxColumns} 列，不像是台账表格，已拒绝读取。请删除多余的列后再上传`)
}

function tooLong(row: number): LedgerFileError {
  return new LedgerFileError('LEDGER_CELL_TOO_LONG', `第 ${row} 行有单元格超过 ${MAX_FIELD_CHARS} 个字符（可能是引号没有配对），已拒绝读取`)
}
