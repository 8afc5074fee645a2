import { normaliseMobile, normalisePhone, type PhoneCheck } from '../../../../domain/people/phone.js'
import type { Cell, ColumnSpec, LedgerValue } from './types.js'

/**
 * Cell normalisers: from what offices type into a ledger to one typed value, or the Chinese
 * reason it was refused. Pure; the reader names the row and column around the reason.
 */

/**
 * `reason` follows “第 N 行“列”列的值“…””; when `aboutCell` is set it follows “第 N 行“列”列”
 * (the value itself says nothing, e.g. a formula without a result).
 */
export type Normalised = { value: LedgerValue; unit?: string; reason?: string; aboutCell?: boolean }

// NUL, and halves of a surrogate pair without the other half: an .xlsx can spell both (&#0;,
// _x0000_, &#xD800;), and PostgreSQL stores neither in text nor in jsonb.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g
const MAYBE_UNSTORABLE = /[\u0000\ud800-\udfff]/

/** Text as the database can keep it: characters it cannot store become U+FFFD (shown as �). */
export function storableText(text: string): string {
  return MAYBE_UNSTORABLE.test(text) ? text.replace(UNSTORABLE, '\ufffd') : text
}

/** Full-width digits, letters and punctuation to ASCII; full-width space to space; trimmed. */
export function halfWidth(text: string): string {
  return text.normalize('NFKC').trim()
}

// A dash, a slash or 无 in a typed column means "nothing here", not a bad value.
const NOTHING = new Set(['-', '--', '—', '——', '―', '/', '\\', '无', '暂无', 'n/a', 'na', '空'])

export function meansNothing(text: string): boolean {
  if (text.length > 6) return false
  return NOTHING.has(halfWidth(text).replace(/\s+/g, '').toLowerCase())
}

/** A number as Excel shows it in a General cell: no binary float noise (0.1 + 0.2 → 0.3). */
export function numberText(n: number): string {
  if (Number.isInteger(n) || !Number.isFinite(n)) return String(n)
  return String(Number(n.toPrecision(15)))
}

export function dateText(d: Date): string {
  // exceljs builds dates at UTC midnight; half a second absorbs serials like 45000.9999999.
  const t = new Date(d.getTime() + 500)
  return ymd(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()) ?? ''
}

function ymd(year: number, month: number, day: number): string | null {
  if (year < 1900 || year > 2100 || month < 1 || month > 12 || day < 1) return null
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate()
  if (day > days) return null
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

// ------------------------------------------------------------------------------------------
// Numbers

const GROUPED = /^[-+]?\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?$/
const PLAIN = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$/

/** "２００" → 200, "1,200" → 1200, " 3.5 " → 3.5; anything else → null. */
export function parseNumberText(text: string): number | null {
  let s = halfWidth(text).replace(/\s+/g, '')
  if (GROUPED.test(s)) s = s.replace(/[,，]/g, '')
  return PLAIN.test(s) ? Number(s) : null
}

// "约50个", "50余件", "共 200 件", "1.5吨", "6台（套）": an optional hedge word in front, an
// optional 余/多 and a short unit behind. The unit may not hold digits ("2箱20瓶" is refused).
const QUANTITY = /^(?:约|大约|约计|共计|共|计|合计)?([-+]?\d+(?:\.\d+)?|[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?)(?:余|多)?([^\d\s.,;:]{1,8})?$/

export function parseQuantityText(text: string): { value: number; unit?: string } | null {
  const s = halfWidth(text).replace(/\s+/g, '').replace(/，/g, ',')
  const m = QUANTITY.exec(s)
  if (!m) return null
  const value = Number(m[1].replace(/,/g, ''))
  // "50（件）": the unit without its brackets.
  const unit = m[2]?.replace(/^[（(【\[](.+)[）)】\]]$/, '$1')
  return unit ? { value, unit } : { value }
}

// ------------------------------------------------------------------------------------------
// Dates

const DATE_REASON = '不是有效的日期（可写作 2019-05-01、2019.5 或 2019年5月）'
// An expiry that never comes: not a date, not a mistake either.
const OPEN_ENDED = /^(长期|长期有效|永久|永久有效|无期限|无固定期限|不限|不限期)$/

/**
 * Excel serial day numbers (1900 system, with Excel's fictitious 1900-02-29) to a date.
 * 25569 is 1970-01-01.
 */
function fromSerial(serial: number): string | null {
  if (serial < 1 || serial >= 2958466) return null
  const whole = Math.floor(serial + 1e-6)
  const days = whole > 60 ? whole - 25569 : whole - 25568
  const d = new Date(days * 86400000)
  return ymd(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())
}

/**
 * A number in a date column. Years (2019), year.month typed into a General cell (2019.5 —
 * Excel keeps it as a number), YYYYMM and YYYYMMDD are read as written; anything else in range
 * is an Excel serial (45000 → 2023-03-15).
 */
export function dateFromNumber(n: number): string | null {
  if (Number.isInteger(n)) {
    if (n >= 1900 && n <= 2100) return ymd(n, 1, 1)
    if (n >= 190001 && n <= 210012) return ymd(Math.floor(n / 100), n % 100, 1)
    if (n >= 19000101 && n <= 21001231) return ymd(Math.floor(n / 10000), Math.floor(n / 100) % 100, n % 100)
    return fromSerial(n)
  }
  if (n > 1900 && n < 2101) {
    // 2019.1 could have been typed 2019.10; Excel kept only the number, so read it as January.
    const [year, month] = numberText(n).split('.')
    return ymd(Number(year), Number(month), 1)
  }
  return fromSerial(n)
}

const YMD_CHINESE = /^(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})[日号]?)?)?$/
const YMD_SEPARATED = /^(\d{4})([-/.])(\d{1,2})(?:\2(\d{1,2}))?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/
const YMD_COMPACT = /^(\d{4})(\d{2})(\d{2})?$/

/** "2019.5", "2019年5月", "2019-05-01", "2019/5/1", "2019年" → 'YYYY-MM-DD' (month only → the 1st). */
export function parseDateText(text: string): string | null {
  const s = halfWidth(text).replace(/\s+(?=[年月日号])|(?<=[年月])\s+/g, '')
  let m = YMD_CHINESE.exec(s)
  if (m) return ymd(Number(m[1]), m[2] ? Number(m[2]) : 1, m[3] ? Number(m[3]) : 1)
  m = YMD_SEPARATED.exec(s)
  if (m) return ymd(Number(m[1]), Number(m[3]), m[4] ? Number(m[4]) : 1)
  m = YMD_COMPACT.exec(s)
  if (m) return ymd(Number(m[1]), Number(m[2]), m[3] ? Number(m[3]) : 1)
  if (/^\d{4}$/.test(s)) return ymd(Number(s), 1, 1)
  // A serial that lost its date format on the way (CSV saved from a General column).
  if (/^\d{5}(?:\.\d+)?$/.test(s)) {
    const n = Number(s)
    if (n >= 20000 && n < 80000) return fromSerial(n)
  }
  return null
}

// ------------------------------------------------------------------------------------------
// Phones

// Several numbers in one cell: "13857200002/0572-2012345", "138… 或 139…", "138…；139…".
const PHONE_SPLIT = /[/／、,，;；\n|]|或|及|和/
// A name or note beside the number: "13857200002（张三）", "张三：13857200002".
const NOT_PHONE = /[（(][^）)]*[）)]|[\u4e00-\u9fff]+[:：]?/g

// A number masked on the way out ("138****0002"): the system's own export shows phones so to
// users who may not see them in full. It says nothing new; the stored number stays.
const MASKED = /^[\d\s\-+()]*\*{2,}[\d\s\-+()]*$/

export function isMaskedPhone(text: string): boolean {
  return MASKED.test(halfWidth(text))
}

/**
 * The mobile and the landline of a cell that may hold both ("13857200002/0572-2012345",
 * "138 0000 0000 或 0572-2345678"), the first of each kind.
 */
export function phonesIn(text: string): { mobile: string | null; landline: string | null } {
  const out = { mobile: null as string | null, landline: null as string | null }
  for (const piece of [text, ...phonePieces(text)]) {
    const m = normaliseMobile(piece)
    if (m.ok) out.mobile ??= m.value
    else {
      const l = normalisePhone(piece)
      if (l.ok && l.kind === 'landline') out.landline ??= l.value
    }
  }
  return out
}

/**
 * The numbers of a cell holding several: split at separators and words, and at spaces between
 * parts long enough to be numbers ("13857200002 0572-2012345", but not "138 5720 0002").
 */
function phonePieces(text: string): string[] {
  // A second number in brackets ("13857200002（0572-2012345）") is a number, not a note.
  const bracketed = [...text.matchAll(/[（(]([^）)]*)[）)]/g)].map((m) => m[1].trim()).filter((p) => /\d{7}/.test(p.replace(/\D/g, '')))
  const pieces = [...text.split(PHONE_SPLIT).map((p) => p.replace(NOT_PHONE, '').trim()).filter(Boolean), ...bracketed]
  return pieces.flatMap((p) => {
    const parts = p.split(/\s+/)
    return parts.length > 1 && parts.every((x) => x.replace(/\D/g, '').length >= 7) ? parts : [p]
  })
}

function pickPhone(text: string, check: (s: string) => PhoneCheck): Normalised {
  const whole = check(text)
  if (whole.ok) return { value: whole.value }
  const pieces = phonePieces(text)
  for (const piece of pieces) {
    const r = check(piece)
    if (r.ok) return { value: r.value }
  }
  // Report the reason for the first number the user wrote, not for the whole jumble.
  const first = pieces.length > 1 ? check(pieces[0]) : whole
  return { value: null, reason: first.ok ? whole.reason : first.reason }
}

// ------------------------------------------------------------------------------------------
// Enums

const enumIndexes = new WeakMap<ColumnSpec, Map<string, string>>()

function enumKey(text: string): string {
  return halfWidth(text).replace(/\s+/g, '').toLowerCase()
}

function enumIndex(column: ColumnSpec): Map<string, string> {
  let index = enumIndexes.get(column)
  if (!index) {
    index = new Map()
    for (const [key, labels] of Object.entries(column.enumLabels ?? {})) {
      index.set(enumKey(key), key)
      for (const label of labels) index.set(enumKey(label), key)
    }
    enumIndexes.set(column, index)
  }
  return index
}

function enumChoices(column: ColumnSpec): string {
  return Object.entries(column.enumLabels ?? {}).map(([key, labels]) => labels[0] ?? key).join('、')
}

// ------------------------------------------------------------------------------------------

/** One cell of a ledger row, normalised for its column. Blank cells come back as null without reason. */
export function normaliseCell(cell: Cell, column: ColumnSpec): Normalised {
  if (cell.kind === 'empty') return { value: null }
  if (cell.kind === 'error') return { value: null, reason: '是公式错误，请在 Excel 中改正后再上传' }
  if (cell.kind === 'formula-no-result') {
    return { value: null, aboutCell: true, reason: '的公式未计算（没有保存计算结果），请在 Excel 中打开并保存后再上传' }
  }
  const text = cell.text.trim()
  if (text === '') return { value: null }

  switch (column.type) {
    case 'text':
      return { value: text }
    case 'region':
      // Aligned with spaces in printed ledgers: "八 里 店 镇".
      return { value: halfWidth(text).replace(/\s+/g, '') || null }
    case 'integer':
    case 'number': {
      if (meansNothing(text)) return { value: null }
      const n = cell.kind === 'number' ? cell.number! : parseNumberText(text)
      if (n === null || !Number.isFinite(n)) return { value: null, reason: '不是数字' }
      if (column.type === 'integer') {
        const rounded = Math.round(n)
        if (Math.abs(n - rounded) > 1e-9) return { value: null, reason: '不是整数' }
        return { value: rounded }
      }
      return { value: n }
    }
    case 'quantity': {
      if (meansNothing(text)) return { value: null }
      const q = cell.kind === 'number' ? { value: cell.number! } : parseQuantityText(text)
      if (q === null || !Number.isFinite(q.value)) return { value: null, reason: '不是数字' }
      if (q.value < 0) return { value: null, reason: '不能为负数' }
      return 'unit' in q && q.unit ? { value: q.value, unit: q.unit } : { value: q.value }
    }
    case 'date': {
      if (meansNothing(text) || OPEN_ENDED.test(halfWidth(text))) return { value: null }
      const d = cell.kind === 'date' ? dateText(cell.date!) : cell.kind === 'number' ? dateFromNumber(cell.number!) : parseDateText(text)
      return d ? { value: d } : { value: null, reason: DATE_REASON }
    }
    case 'mobile':
    case 'phone': {
      if (meansNothing(text) || isMaskedPhone(text)) return { value: null }
      return pickPhone(text, column.type === 'mobile' ? normaliseMobile : normalisePhone)
    }
    case 'enum': {
      const key = enumIndex(column).get(enumKey(text))
      return key !== undefined ? { value: key } : { value: null, reason: `不是可选的值（可填：${enumChoices(column)}）` }
    }
  }
}
