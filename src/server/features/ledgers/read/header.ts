import { parseDateText } from './cells.js'
import type { ColumnSpec, Merge, SheetRow, SheetSpec } from './types.js'

/**
 * Finding the header of a ledger as offices draw it: title and "填报单位：…" lines above, the
 * header in one row or in two (a merged group cell such as 负责人 over 姓名/职务/手机), then data.
 */

/** How many non-blank rows from the top may hold the header. */
export const HEADER_SCAN_ROWS = 20

export type FoundColumn = { index: number; key: string; label: string }

export type Header = {
  /** Spreadsheet row numbers of the header rows. */
  headerRows: number[]
  /** Index in the scanned rows of the last header row; data starts after it. */
  lastIndex: number
  columns: FoundColumn[]
  /** Sheet columns (0-based) holding 序号: read past, never reported. */
  serialColumns: number[]
  title?: string
  fillUnit?: string
  fillDate?: string
}

// ------------------------------------------------------------------------------------------
// Label comparison

/**
 * A header text reduced to what identifies it: full-width forms, spaces, line breaks, required
 * markers ("*物资名称"), joiners ("规格/型号") and a trailing colon do not count.
 */
export function labelKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[【〔［]/g, '(')
    .replace(/[】〕］]/g, ')')
    .replace(/[\s*※★☆/、·•\-_.]/g, '')
    .replace(/[:：]$/, '')
}

// Cell texts repeat a lot in a ledger (towns, units, states); remembering their forms keeps the
// repeated-header check cheap. Cleared when full, so memory stays bounded.
const formsCache = new Map<string, string[]>()

/** The forms a text may match in: as written, and without its bracketed part. */
function forms(text: string): string[] {
  let f = formsCache.get(text)
  if (f) return f
  const full = labelKey(text)
  const bare = full.replace(/\([^)]*\)/g, '')
  f = bare && bare !== full ? [full, bare] : [full]
  if (formsCache.size >= 10_000) formsCache.clear()
  formsCache.set(text, f)
  return f
}

// Spec labels are few and asked about for every row that might repeat the header.
const labelForms = new Map<string, string[]>()

function formsOfLabel(label: string): string[] {
  let f = labelForms.get(label)
  if (!f) {
    f = forms(label).filter((x) => x !== '')
    labelForms.set(label, f)
  }
  return f
}

export function labelMatches(text: string, labels: readonly string[]): boolean {
  // No header text is long; data cells usually are, or are numbers.
  if (!text || text.length > 40) return false
  const own = forms(text)
  return labels.some((label) => formsOfLabel(label).some((f) => own.includes(f)))
}

const SERIAL_LABELS = ['序号', '序', 'no', '顺序号']

export function isSerialLabel(text: string): boolean {
  return SERIAL_LABELS.includes(labelKey(text))
}

// ------------------------------------------------------------------------------------------
// Scoring rows

function texts(row: SheetRow): string[] {
  return row.cells.map((c) => c.text.trim())
}

/** How many cells of a row read as header texts of the spec (labels or group labels), and how many as 序号. */
function score(row: SheetRow, spec: SheetSpec): { labels: number; serial: number } {
  let labels = 0
  let serial = 0
  for (const text of texts(row)) {
    if (!text) continue
    if (spec.columns.some((c) => labelMatches(text, c.labels) || (c.parent && labelMatches(text, c.parent)))) labels++
    else if (isSerialLabel(text)) serial++
  }
  return { labels, serial }
}

/** Enough header texts: three (序号 counts), at least two of them the spec's; fewer for a small spec. */
function enough(row: SheetRow, spec: SheetSpec): boolean {
  const { labels, serial } = score(row, spec)
  const n = spec.columns.length
  if (labels >= Math.min(2, n) && labels + serial >= Math.min(3, n)) return true
  const required = spec.columns.filter((c) => c.required)
  return required.length > 0 && required.every((c) => texts(row).some((t) => labelMatches(t, c.labels)))
}

/** A row under the header row that completes it: mostly header texts of the spec. */
function isChildRow(row: SheetRow, spec: SheetSpec): boolean {
  let matched = 0
  let other = 0
  for (const text of texts(row)) {
    if (!text) continue
    if (spec.columns.some((c) => labelMatches(text, c.labels))) matched++
    else other++
  }
  return matched > 0 && other <= matched
}

function hasGroupLabel(row: SheetRow, spec: SheetSpec): boolean {
  return texts(row).some((t) => t !== '' && spec.columns.some((c) => c.parent && labelMatches(t, c.parent)))
}

// ------------------------------------------------------------------------------------------
// Combining two header rows

type HeaderCell = { index: number; label: string; parent?: string }

function mergeAt(merges: Merge[] | null, row: number, col: number): Merge | undefined {
  return merges?.find((m) => m.top <= row && row <= m.bottom && m.left <= col && col <= m.right)
}

function combine(top: SheetRow, bottom: SheetRow | null, merges: Merge[] | null): HeaderCell[] {
  const topTexts = texts(top)
  if (!bottom) return topTexts.map((label, index) => ({ index, label })).filter((c) => c.label)
  const bottomTexts = texts(bottom)
  const width = Math.max(topTexts.length, bottomTexts.length)
  const cells: HeaderCell[] = []
  let group = ''
  for (let i = 0; i < width; i++) {
    let upper = topTexts[i] ?? ''
    const lower = bottomTexts[i] ?? ''
    if (!upper) {
      const merge = mergeAt(merges, top.row, i + 1)
      if (merge) upper = topTexts[merge.left - 1] ?? ''
      // No merge information (CSV): a blank group cell continues the group to its left while
      // the row below goes on naming columns.
      else if (!merges?.length && lower && group) upper = group
    }
    group = upper && lower ? upper : ''
    if (upper && lower && labelKey(upper) !== labelKey(lower)) cells.push({ index: i, label: lower, parent: upper })
    else if (upper || lower) cells.push({ index: i, label: lower || upper })
  }
  return cells
}

// ------------------------------------------------------------------------------------------
// Assigning sheet columns to spec columns

function concatMatches(cell: HeaderCell, labels: readonly string[]): boolean {
  return cell.parent !== undefined && labelMatches(cell.parent + cell.label, labels)
}

function parentConcatMatches(cell: HeaderCell, column: ColumnSpec): boolean {
  if (cell.parent !== undefined || !column.parent) return false
  return column.parent.some((p) => column.labels.some((l) => labelMatches(cell.label, [p + l])))
}

function assign(cells: HeaderCell[], spec: SheetSpec): FoundColumn[] {
  const taken = new Set<number>()
  const found = new Map<string, HeaderCell>()
  // From the most specific reading to the loosest; each pass only fills what is still open.
  const passes: Array<(cell: HeaderCell, column: ColumnSpec) => boolean> = [
    (cell, c) => !!c.parent && cell.parent !== undefined && labelMatches(cell.parent, c.parent) && labelMatches(cell.label, c.labels),
    (cell, c) => concatMatches(cell, c.labels) || parentConcatMatches(cell, c),
    (cell, c) => !c.parent && cell.parent === undefined && labelMatches(cell.label, c.labels),
    (cell, c) => !c.parent && labelMatches(cell.label, c.labels) && !spec.columns.some((o) => o.parent && cell.parent && labelMatches(cell.parent, o.parent)),
    // A group column written in one cell without its group ("手机" alone), when no other column claims the text.
    (cell, c) => !!c.parent && cell.parent === undefined && labelMatches(cell.label, c.labels) &&
      !spec.columns.some((o) => o !== c && labelMatches(cell.label, o.labels)),
  ]
  for (const pass of passes) {
    for (const column of spec.columns) {
      if (found.has(column.key)) continue
      const cell = cells.find((h) => !taken.has(h.index) && pass(h, column))
      if (cell) {
        found.set(column.key, cell)
        taken.add(cell.index)
      }
    }
  }
  return [...found].map(([key, cell]) => ({
    key,
    index: cell.index,
    label: cell.parent !== undefined ? `${cell.parent}/${cell.label}` : cell.label,
  })).sort((a, b) => a.index - b.index)
}

// ------------------------------------------------------------------------------------------
// Title and fill-in lines

const FILL_KEY = /(填报单位|填表单位|报送单位|上报单位|单位名称|单位|填报日期|填表日期|报送日期|上报日期|统计日期|截止日期|填报时间|日期)\s*[:：]/g
const AUTHORITY = /(政府|办事处|街道|镇|乡|村|社区|委员会|委会|局|公司|中心|站|所|队|院|厂|学校)$/

/** "填报单位：XX镇人民政府　　填报日期：2024年3月" → { fillUnit, fillDate }. */
export function fillLines(text: string): { fillUnit?: string; fillDate?: string } {
  const out: { fillUnit?: string; fillDate?: string } = {}
  const keys = [...text.matchAll(FILL_KEY)]
  keys.forEach((m, i) => {
    const end = i + 1 < keys.length ? keys[i + 1].index : text.length
    const value = text.slice(m.index + m[0].length, end).replace(/[（(]\s*(盖章|公章|签章)\s*[）)]/g, '').replace(/[\s\u3000]+/g, ' ').trim()
    if (!value) return
    if (/日期|时间/.test(m[1])) out.fillDate ??= parseDateText(value.replace(/\s+/g, '')) ?? value
    // A bare "单位：件" is a unit of measure; only a body that sounds like an office is the filler.
    else if (m[1] !== '单位' || AUTHORITY.test(value)) out.fillUnit ??= value
  })
  return out
}

function rowText(row: SheetRow): string {
  return texts(row).filter(Boolean).join('  ')
}

function aboveHeader(rows: SheetRow[]): Pick<Header, 'title' | 'fillUnit' | 'fillDate'> {
  const out: Pick<Header, 'title' | 'fillUnit' | 'fillDate'> = {}
  for (const row of rows) {
    const text = rowText(row)
    if (!text) continue
    const fill = fillLines(text)
    out.fillUnit ??= fill.fillUnit
    out.fillDate ??= fill.fillDate
    if (fill.fillUnit || fill.fillDate || /[:：]/.test(text)) continue
    // "附件4" and "（单位：万元）" sit above titles; they are not the title.
    if (/^附件\s*\d+/.test(text.normalize('NFKC')) || /^[(（].*[)）]$/.test(text)) continue
    out.title ??= text.replace(/\s+/g, ' ')
  }
  return out
}

// ------------------------------------------------------------------------------------------

/**
 * The header among the first rows of a sheet: the first row where enough texts are labels of
 * the spec, joined with a group row above or a sub-header row below when there is one. Null
 * when no row qualifies.
 */
export function findHeader(rows: SheetRow[], spec: SheetSpec, merges: Merge[] | null): Header | null {
  const limit = Math.min(rows.length, HEADER_SCAN_ROWS)
  for (let h = 0; h < limit; h++) {
    if (!enough(rows[h], spec)) continue
    let top = h
    let bottom: number | null = null
    const next = rows[h + 1]
    const prev = rows[h - 1]
    if (next && next.row === rows[h].row + 1 && isChildRow(next, spec)) bottom = h + 1
    else if (prev && prev.row === rows[h].row - 1 && hasGroupLabel(prev, spec) && !enough(prev, spec)) {
      top = h - 1
      bottom = h
    }
    const cells = combine(rows[top], bottom === null ? null : rows[bottom], merges)
    return {
      headerRows: bottom === null ? [rows[top].row] : [rows[top].row, rows[bottom].row],
      lastIndex: bottom ?? top,
      columns: assign(cells, spec),
      serialColumns: cells.filter((c) => isSerialLabel(c.label) && !spec.columns.some((s) => labelMatches(c.label, s.labels))).map((c) => c.index),
      ...aboveHeader(rows.slice(0, top)),
    }
  }
  return null
}
