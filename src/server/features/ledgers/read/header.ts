import crypto from 'node:crypto'
import {
  headerKey, namesPersonRole, personFieldOf, PERSON_ROLE_FAMILIES, regionWordsOf, splitPersonHeader,
  type PersonField, type PlaceRole, type RegionWord,
} from '../../../../domain/ledgers/mapping.js'
import { parseDateText } from './cells.js'
import type { ColumnSpec, Merge, SheetRow, SheetSpec } from './types.js'

/**
 * Finding the header of a ledger as offices draw it, and what each of its columns holds: title
 * and "填报单位：…" lines above; the header in one row or in up to three (group titles merged
 * over their sub-columns, a group of groups above them); then data.
 *
 * A column is recognised, from the surest reading to the loosest, by: its label under its
 * spec's group; a person group (any title naming a role — 负责人, 应急联络员, 保管员 — over any
 * sub-columns naming the person's 姓名, 职务, 手机, 座机 …, groups in any order, or role and
 * field in one cell, "联系人电话"); its own label; the places it names ("所在镇街及村社"); a
 * 类别 column; and a label that contains a known one ("现有储备数量" for 数量). Each spec column
 * takes at most one sheet column and the other way round.
 */

/** How many non-blank rows from the top may hold the header. */
export const HEADER_SCAN_ROWS = 20
/** The most rows a header may take (a group of groups, groups, labels). */
const MAX_HEADER_ROWS = 3

export type FoundColumn = { index: number; key: string; label: string }

export type HeaderColumn = {
  index: number
  /** Header texts over the column, top down, repeats of a vertical merge dropped. */
  path: string[]
  label: string
  key: string | null
}

export type Header = {
  /** Spreadsheet row numbers of the header rows. */
  headerRows: number[]
  /** Index in the scanned rows of the last header row; data starts after it. */
  lastIndex: number
  columns: FoundColumn[]
  /** Every headed sheet column, read or not. */
  sheetColumns: HeaderColumn[]
  /** Sheet columns (0-based) holding 序号: read past, never reported. */
  serialColumns: number[]
  /** Of the header texts by position: equal for the same layout, whatever the rows. */
  fingerprint: string
  title?: string
  fillUnit?: string
  fillDate?: string
}

// ------------------------------------------------------------------------------------------
// Label comparison

/** See `headerKey`: what identifies a header text. */
export function labelKey(text: string): string {
  return headerKey(text)
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

const SERIAL_LABELS = ['序号', '序', 'no', '顺序号', '编号']

export function isSerialLabel(text: string): boolean {
  return SERIAL_LABELS.includes(labelKey(text))
}

// ------------------------------------------------------------------------------------------
// What the spec's columns are, as recognition sees them

type Target = {
  spec: ColumnSpec
  slot?: string
  field?: PersonField
  place?: PlaceRole
}

/** `extra`: a slot read on import only (a supply's second contact), filled after the others. */
type Slot = { id: string; own: string[]; family: string[]; fields: Map<PersonField, Target>; extra: boolean; fallback: boolean }

type Plan = { targets: Target[]; slots: Slot[] }

const plans = new WeakMap<SheetSpec, Plan>()

function fieldOf(c: ColumnSpec): PersonField | undefined {
  if (c.person) return c.person.field
  const fromLabel = c.labels.map(personFieldOf).find((f) => f !== null)
  if (fromLabel) return fromLabel
  if (c.type === 'mobile') return 'mobile'
  if (c.type === 'phone') return 'phone'
  return undefined
}

function placeOf(c: ColumnSpec): PlaceRole | undefined {
  if (c.place) return c.place
  if (c.type !== 'region') return undefined
  const words = regionWordsOf(c.labels[0] ?? '')
  if (!words) return 'place'
  if (words.has('unit')) return 'holder'
  return words.size === 1 ? ([...words][0] as PlaceRole) : 'place'
}

function planOf(spec: SheetSpec): Plan {
  let plan = plans.get(spec)
  if (plan) return plan
  const targets: Target[] = spec.columns.map((c) => {
    const t: Target = { spec: c }
    const slot = c.person?.slot ?? c.parent?.[0]
    const field = slot !== undefined ? fieldOf(c) : undefined
    if (slot !== undefined && field) {
      t.slot = slot
      t.field = field
    }
    const place = placeOf(c)
    if (place) t.place = place
    return t
  })
  const slots = new Map<string, Slot>()
  for (const t of targets) {
    if (t.slot === undefined || !t.field) continue
    let slot = slots.get(t.slot)
    if (!slot) {
      slot = { id: t.slot, own: [], family: [], fields: new Map(), extra: true, fallback: false }
      slots.set(t.slot, slot)
    }
    // A slot's own words: its group labels, or the labels of a name column headed by role (负责人).
    const words = t.spec.parent ?? (t.field === 'name' ? t.spec.labels : [])
    for (const w of [t.slot, ...words]) if (!slot.own.includes(w)) slot.own.push(w)
    if (!slot.fields.has(t.field)) slot.fields.set(t.field, t)
    if (!t.spec.extra) slot.extra = false
    if (t.spec.person?.fallback) slot.fallback = true
  }
  for (const slot of slots.values()) {
    const keys = slot.own.map(labelKey)
    slot.family = PERSON_ROLE_FAMILIES.filter((f) => f.some((w) => keys.includes(w))).flat()
  }
  plan = { targets, slots: [...slots.values()] }
  plans.set(spec, plan)
  return plan
}

// ------------------------------------------------------------------------------------------
// Scoring rows

function texts(row: SheetRow): string[] {
  return row.cells.map((c) => c.text.trim())
}

// Numbers, phones and dates are data, never header texts.
const NUMERIC = /^[\d\s.,，:：/\-+()（）年月日号]+$/

/** Whether a cell text reads as a header text of the spec: a label, a group, a person field, places. */
function isKnown(text: string, spec: SheetSpec): boolean {
  if (!text || text.length > 30 || NUMERIC.test(text)) return false
  if (spec.columns.some((c) => labelMatches(text, c.labels) || (c.parent && labelMatches(text, c.parent)))) return true
  const { slots, targets } = planOf(spec)
  if (slots.length > 0 && (personFieldOf(text) !== null || splitPersonHeader(text) !== null || namesPersonRole(text))) return true
  return targets.some((t) => t.place) && regionWordsOf(text) !== null
}

/** How many cells of a row read as header texts of the spec, and how many as 序号. */
function score(row: SheetRow, spec: SheetSpec): { labels: number; serial: number } {
  let labels = 0
  let serial = 0
  for (const text of texts(row)) {
    if (!text) continue
    if (isKnown(text, spec)) labels++
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

/** Two rows read as one header row: enough header texts between them. */
function enoughTogether(top: SheetRow, bottom: SheetRow, spec: SheetSpec): boolean {
  const a = score(top, spec)
  const b = score(bottom, spec)
  return a.labels + b.labels >= 3
}

/** "1 2 3 4 …" or "(1) (2) (3) …": column numbers, not labels. */
function isNumberingRow(row: SheetRow): boolean {
  const filled = texts(row).filter(Boolean)
  return filled.length >= 3 && filled.every((t) => /^[(（]?\d{1,3}[)）]?$/.test(t))
}

/** A row under the header row that completes it: mostly header texts, no numbers. */
function isChildRow(row: SheetRow, spec: SheetSpec): boolean {
  if (isNumberingRow(row)) return false
  let matched = 0
  let other = 0
  for (const text of texts(row)) {
    if (!text) continue
    if (text.length > 30 || NUMERIC.test(text)) return false
    if (isKnown(text, spec)) matched++
    else other++
  }
  return matched > 0 && other <= matched
}

/**
 * A row above the header row holding only group titles (负责人 over 姓名, 手机): short texts,
 * each over a header text, at least one a group of the spec. A title at the left edge is not.
 */
function isGroupRowAbove(row: SheetRow, below: SheetRow, spec: SheetSpec): boolean {
  if (enough(row, spec)) return false
  const upper = texts(row)
  const lower = texts(below)
  const filled = upper.map((t, i) => [t, i] as const).filter(([t]) => t)
  if (filled.length === 0 || (filled.length === 1 && filled[0][1] === 0)) return false
  let groups = 0
  for (const [text, i] of filled) {
    if (text.length > 16 || NUMERIC.test(text)) return false
    // Over a blank: a label spanning both rows, which must then be one of the spec's.
    if (!lower[i]) {
      if (!isKnown(text, spec)) return false
      continue
    }
    if (namesPersonRole(text) || spec.columns.some((c) => c.parent && labelMatches(text, c.parent)) || isKnown(text, spec)) groups++
  }
  return groups > 0
}

// ------------------------------------------------------------------------------------------
// The texts over each column

function mergeAt(merges: Merge[], row: number, col: number): Merge | undefined {
  return merges.find((m) => m.top <= row && row <= m.bottom && m.left <= col && col <= m.right)
}

/** Header texts over each sheet column, top down. */
function columnPaths(band: SheetRow[], merges: Merge[] | null): string[][] {
  const grid = band.map(texts)
  const width = Math.max(...grid.map((r) => r.length))
  for (const r of grid) while (r.length < width) r.push('')
  const rowIndex = new Map(band.map((r, i) => [r.row, i]))
  if (merges && merges.length > 0) {
    // A blank cell inside a merged range shows the text at the range's top-left.
    for (let r = 0; r < band.length; r++) {
      for (let i = 0; i < width; i++) {
        if (grid[r][i]) continue
        const m = mergeAt(merges, band[r].row, i + 1)
        const top = m ? rowIndex.get(m.top) : undefined
        if (m && top !== undefined && (top !== r || m.left - 1 !== i)) grid[r][i] = texts(band[top])[m.left - 1] ?? ''
      }
    }
  } else {
    // No merge information (CSV): a blank cell continues the group to its left while a row
    // below goes on naming columns.
    for (let r = 0; r < band.length - 1; r++) {
      let carry = ''
      for (let i = 0; i < width; i++) {
        const own = texts(band[r])[i] ?? ''
        if (own) {
          carry = own
          continue
        }
        const named = grid.slice(r + 1).some((lower) => lower[i])
        const startsGroup = i > 0 && grid.slice(r + 1).some((lower) => lower[i - 1])
        if (carry && named && startsGroup) grid[r][i] = carry
        else carry = ''
      }
    }
  }
  const paths: string[][] = []
  for (let i = 0; i < width; i++) {
    const path: string[] = []
    for (let r = 0; r < band.length; r++) {
      const t = grid[r][i]
      if (t && (path.length === 0 || labelKey(path[path.length - 1]) !== labelKey(t))) path.push(t)
    }
    paths.push(path)
  }
  return paths
}

// ------------------------------------------------------------------------------------------
// Assigning sheet columns to spec columns

type Column = { index: number; path: string[]; leaf: string; groups: string[] }
type Candidate = { index: number; target: Target; score: number }

/**
 * How well a group title fits a slot: one of its own words exactly, else the longest of them the
 * title contains ("党政主要负责人" fits 主要负责人 better than 负责人), else a word of its family.
 */
function slotScore(title: string, slot: Slot): number {
  if (labelMatches(title, slot.own)) return 100
  const key = labelKey(title).replace(/[()]/g, '')
  const own = Math.max(0, ...slot.own.map(labelKey).filter((w) => w.length >= 2 && key.includes(w)).map((w) => w.length))
  if (own > 0) return 10 + own
  const family = Math.max(0, ...slot.family.filter((w) => key.includes(w)).map((w) => w.length))
  return family > 0 ? 1 + family / 10 : 0
}

/** The fields a group's columns are read as, falling back where the slot lacks the field. */
const FALLBACK: Record<PersonField, PersonField[]> = {
  name: [], post: [], wechat: [], mobile: ['phone'], landline: ['phone'], phone: ['mobile', 'landline'],
}

type PersonGroup = { title: string; columns: Array<{ column: Column; field: PersonField }> }

/** Person groups of the sheet: a group title over person fields, or "联系人电话"-style cells side by side. */
function personGroups(columns: Column[]): PersonGroup[] {
  const groups: PersonGroup[] = []
  let current: PersonGroup | null = null
  let currentKey = ''
  for (const column of columns) {
    let title: string | null = null
    let field: PersonField | null = null
    const nearest = column.groups[column.groups.length - 1]
    if (nearest) {
      field = personFieldOf(column.leaf) ?? splitPersonHeader(column.leaf)?.field ?? null
      if (field) title = column.groups.slice().reverse().find((g) => namesPersonRole(g)) ?? nearest
    }
    if (!title) {
      const split = splitPersonHeader(column.leaf)
      if (split) {
        title = split.role
        field = split.field
      }
    }
    if (!title || !field) {
      current = null
      continue
    }
    const key = `${labelKey(title)}|${column.groups.join('/')}`
    if (!current || currentKey !== key || current.columns.some((c) => c.field === field)) {
      current = { title, columns: [] }
      currentKey = key
      groups.push(current)
    }
    current.columns.push({ column, field })
  }
  return groups
}

function assign(columns: Column[], spec: SheetSpec): Map<number, Target> {
  const { targets, slots } = planOf(spec)
  const candidates: Candidate[] = []
  const add = (index: number, target: Target | undefined, score: number) => {
    if (target) candidates.push({ index, target, score })
  }

  // Person groups take slots first, the best fitting title first, one group per slot; the
  // slots read on import only after the annex's own.
  const groups = personGroups(columns)
  const groupSlot = new Map<PersonGroup, Slot>()
  const slotTaken = new Set<Slot>()
  for (const extra of [false, true]) {
    const pairs = groups.flatMap((g, gi) => slots.filter((s) => s.extra === extra).map((s) => ({ g, gi, s, score: slotScore(g.title, s) })))
      .filter((p) => p.score > 0).sort((a, b) => b.score - a.score || a.gi - b.gi)
    for (const p of pairs) {
      if (groupSlot.has(p.g) || slotTaken.has(p.s)) continue
      groupSlot.set(p.g, p.s)
      slotTaken.add(p.s)
    }
  }
  // A further group titled with a role ("管理员" beside "负责人") fills a slot that takes any
  // further person (a supply's second contact), rather than going unread.
  for (const g of groups) {
    if (groupSlot.has(g) || !namesPersonRole(g.title)) continue
    const free = slots.find((sl) => sl.fallback && !slotTaken.has(sl))
    if (!free) break
    groupSlot.set(g, free)
    slotTaken.add(free)
  }
  // An annex with one person of its own (a supply's keeper) takes the first group for it when
  // no title fits it better: a lone "联系人" group over a supply line is the person in charge.
  const ownSlots = slots.filter((s) => !s.extra)
  if (ownSlots.length === 1 && !slotTaken.has(ownSlots[0])) {
    const first = groups.find((g) => !groupSlot.has(g) || groupSlot.get(g)!.extra)
    if (first) {
      const previous = groupSlot.get(first)
      if (previous) slotTaken.delete(previous)
      groupSlot.set(first, ownSlots[0])
      slotTaken.add(ownSlots[0])
    }
  }
  const inGroup = new Set<number>()
  for (const [group, slot] of groupSlot) {
    const used = new Set<PersonField>()
    for (const { column, field } of group.columns) {
      inGroup.add(column.index)
      const options = [field, ...FALLBACK[field]].filter((f) => slot.fields.has(f) && !used.has(f))
      const chosen = options[0]
      if (chosen === undefined) continue
      used.add(chosen)
      add(column.index, slot.fields.get(chosen), chosen === field ? 90 : 85)
    }
  }

  for (const column of columns) {
    const { index, leaf, groups: above } = column
    for (const t of targets) {
      const c = t.spec
      // A spec column under its group, exactly as the spec heads it.
      if (c.parent && above.some((g) => labelMatches(g, c.parent!)) && labelMatches(leaf, c.labels)) add(index, t, 100)
      // Group and label in one cell ("负责人手机"), or group and label read together.
      else if (c.parent && c.parent.some((p) => c.labels.some((l) => labelMatches(leaf, [p + l])))) add(index, t, 95)
      else if (!c.parent && above.length > 0 && labelMatches(above.join('') + leaf, c.labels)) add(index, t, 95)
      // Its own label, unless the column belongs to a person group (a group's 联系电话 is that person's).
      else if (!c.parent && !t.slot && labelMatches(leaf, c.labels) && !inGroup.has(index)) add(index, t, 80)
      else if (!c.parent && t.slot && labelMatches(leaf, c.labels) && !inGroup.has(index) && above.length === 0) add(index, t, 75)
    }
    if (inGroup.has(index)) continue
    // A person field alone ("职务"): the one slot that has it.
    const field = above.length === 0 ? personFieldOf(leaf) : null
    if (field) {
      const having = slots.filter((s) => s.fields.has(field))
      if (having.length === 1) add(index, having[0].fields.get(field), 60)
    }
    // The places a column names.
    const words = regionWordsOf(leaf) ?? (above.length > 0 ? regionWordsOf(above.join('')) : null)
    if (words) add(index, placeTarget(targets, words), 70)
    // A label containing a known one, or contained in one ("现有储备数量" for 数量).
    const similar = similarTarget(leaf, targets)
    if (similar) add(index, similar.target, 40 + similar.length)
  }

  candidates.sort((a, b) => b.score - a.score || a.index - b.index)
  const byIndex = new Map<number, Target>()
  const taken = new Set<string>()
  for (const c of candidates) {
    if (byIndex.has(c.index) || taken.has(c.target.spec.key)) continue
    byIndex.set(c.index, c.target)
    taken.add(c.target.spec.key)
  }
  return byIndex
}

/** The spec column for the places a header names. */
function placeTarget(targets: Target[], words: Set<RegionWord>): Target | undefined {
  const by = (role: PlaceRole) => targets.find((t) => t.place === role)
  if (words.has('unit')) return by('holder')
  if (words.size === 1) {
    const [only] = words
    if (only === 'township') return by('township') ?? by('holder') ?? by('place')
    return by(only as PlaceRole) ?? by('place')
  }
  return by('place') ?? (words.has('township') ? by('holder') : undefined)
}

function bareKey(text: string): string {
  return labelKey(text).replace(/\([^)]*\)/g, '')
}

function similarTarget(leaf: string, targets: Target[]): { target: Target; length: number } | null {
  const own = bareKey(leaf)
  if (own.length < 2 || own.length > 20) return null
  let best: { target: Target; length: number } | null = null
  for (const t of targets) {
    if (t.slot || t.place) continue
    for (const label of t.spec.labels) {
      const l = bareKey(label)
      if (l.length < 2 || l === own) continue
      if ((own.includes(l) || l.includes(own)) && (!best || Math.min(l.length, own.length) > best.length)) {
        best = { target: t, length: Math.min(l.length, own.length) }
      }
    }
  }
  return best
}

// ------------------------------------------------------------------------------------------
// Title and fill-in lines

const FILL_KEY = /(填报单位|填表单位|报送单位|上报单位|单位名称|单位|填报日期|填表日期|报送日期|上报日期|统计日期|截止日期|填报时间|填表时间|统计时间|截止时间|日期)\s*(?:[（(][^）)]{0,6}[）)])?\s*[:：]/g
const AUTHORITY = /(政府|办事处|街道|镇|乡|村|社区|委员会|委会|局|公司|中心|站|所|队|院|厂|学校|办|办公室|部)$/

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

function fingerprintOf(paths: string[][]): string {
  const shape = paths.map((p) => p.map(labelKey).join('/'))
  while (shape.length > 0 && shape[shape.length - 1] === '') shape.pop()
  return crypto.createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 32)
}

// ------------------------------------------------------------------------------------------

/**
 * The header among the first rows of a sheet: the first row where enough texts are header
 * texts of the spec, joined with a group row above and the rows below that complete it. Null
 * when no row qualifies.
 */
export function findHeader(rows: SheetRow[], spec: SheetSpec, merges: Merge[] | null): Header | null {
  const limit = Math.min(rows.length, HEADER_SCAN_ROWS)
  for (let h = 0; h < limit; h++) {
    // Enough labels, or the top of a two-row header whose labels are mostly in the row below.
    const next = rows[h + 1]
    const starts = enough(rows[h], spec) ||
      (score(rows[h], spec).labels >= 2 && next !== undefined && next.row === rows[h].row + 1 && isChildRow(next, spec) && enoughTogether(rows[h], next, spec))
    if (!starts) continue
    let top = h
    const prev = rows[h - 1]
    if (prev && prev.row === rows[h].row - 1 && isGroupRowAbove(prev, rows[h], spec)) top = h - 1
    let bottom = h
    while (bottom - top + 1 < MAX_HEADER_ROWS) {
      const next = rows[bottom + 1]
      if (!next || next.row !== rows[bottom].row + 1 || !isChildRow(next, spec)) break
      bottom++
    }
    const band = rows.slice(top, bottom + 1)
    const paths = columnPaths(band, merges)
    const columns: Column[] = paths.map((path, index) => ({ index, path, leaf: path[path.length - 1] ?? '', groups: path.slice(0, -1) }))
      .filter((c) => c.leaf)
    const serialColumns = columns.filter((c) => isSerialLabel(c.leaf) && !spec.columns.some((s) => labelMatches(c.leaf, s.labels))).map((c) => c.index)
    const assigned = assign(columns.filter((c) => !serialColumns.includes(c.index)), spec)
    const label = (c: Column) => c.path.join('/')
    return {
      headerRows: band.map((r) => r.row),
      lastIndex: bottom,
      columns: [...assigned].map(([index, t]) => ({ key: t.spec.key, index, label: label(columns.find((c) => c.index === index)!) }))
        .sort((a, b) => a.index - b.index),
      sheetColumns: columns.filter((c) => !serialColumns.includes(c.index))
        .map((c) => ({ index: c.index, path: c.path, label: label(c), key: assigned.get(c.index)?.spec.key ?? null })),
      serialColumns,
      fingerprint: fingerprintOf(paths),
      ...aboveHeader(rows.slice(0, top)),
    }
  }
  return null
}

/** The header as the user mapped it: `keys` by sheet column (null: not read). */
export function remapHeader(header: Header, keys: ReadonlyMap<number, string | null>): Header {
  const sheetColumns = header.sheetColumns.map((c) => (keys.has(c.index) ? { ...c, key: keys.get(c.index) ?? null } : c))
  return {
    ...header,
    sheetColumns,
    columns: sheetColumns.filter((c) => c.key !== null).map((c) => ({ key: c.key!, index: c.index, label: c.label })),
  }
}
