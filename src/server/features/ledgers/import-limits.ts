import {
  MAX_HEADCOUNT, MAX_IMPORT_KEY_BYTES, MAX_QUANTITY, MAX_SPECIALITIES, TEXT_LIMITS, textLength, type TextField,
} from '../../../domain/field-limits.js'
import { tableLimitProblems } from './import-limits-tables.js'
import { identity, type PersonRef, type Target } from './import-targets.js'

/**
 * What the database (and the forms, which share domain/field-limits.ts) will take, checked on
 * the record a row resolves to: the preview flags a row that would not fit, naming its column,
 * and the commit checks again before writing, so that a row called valid is a row that can be
 * stored. Enum values, dates, mobiles and regions are already in their stored form when a
 * target exists (the reader and the resolver see to it); lengths, ranges and index sizes are
 * checked here.
 */

/** A value of a target that does not fit: the ledger column it came from, and why (after “的值“…””). */
export type LimitProblem = { column: string; value: string; reason: string }

export type PersonColumns = { name: string; post?: string; phone?: string; mobile?: string; landline?: string; wechat?: string }

/** The checks `limitProblems` applies, for the other ledgers' targets (import-limits-tables.ts). */
export type LimitChecks = {
  text: (column: string, value: string | null, field: TextField) => void
  /** Characters of text whose limit is a form's own (专长 200, 防范措施 1000), not a shared field. */
  chars: (column: string, value: string | null, max: number) => void
  range: (column: string, value: number | null, min: number, max: number) => void
  key: (column: string, value: string, importKey: string) => void
  person: (p: PersonRef | null, columns: PersonColumns) => void
  refuse: (column: string, value: string, reason: string) => void
}

const HEAD: PersonColumns = { name: 'headName', post: 'headPost', mobile: 'headMobile', landline: 'headLandline' }
const LIAISON: PersonColumns = { name: 'liaisonName', post: 'liaisonPost', mobile: 'liaisonMobile', landline: 'liaisonLandline', wechat: 'liaisonWechat' }

export function limitProblems(t: Target): LimitProblem[] {
  const out: LimitProblem[] = []
  const text = (column: string, value: string | null, field: TextField) => {
    if (value === null) return
    // Cheap first: no text has more characters than UTF-16 units.
    if (value.length <= TEXT_LIMITS[field]) return
    const n = textLength(value)
    if (n > TEXT_LIMITS[field]) out.push({ column, value, reason: `有 ${n} 个字符，超过 ${TEXT_LIMITS[field]} 个字符的上限，请缩短` })
  }
  const chars = (column: string, value: string | null, max: number) => {
    if (value === null || value.length <= max) return
    const n = textLength(value)
    if (n > max) out.push({ column, value, reason: `有 ${n} 个字符，超过 ${max} 个字符的上限，请缩短` })
  }
  const range = (column: string, value: number | null, min: number, max: number) => {
    if (value === null) return
    if (value < min) out.push({ column, value: String(value), reason: `不能小于 ${min}` })
    else if (value > max) out.push({ column, value: String(value), reason: `不能大于 ${max}` })
  }
  // NFKC may unfold one character into many (“ﷺ” into 18): the identity is measured itself.
  const key = (column: string, value: string, importKey: string) => {
    const bytes = Buffer.byteLength(importKey)
    if (bytes > MAX_IMPORT_KEY_BYTES) {
      out.push({ column, value, reason: `含有展开后过长的字符（作为识别依据共 ${bytes} 字节，上限 ${MAX_IMPORT_KEY_BYTES} 字节），请缩短或改用常用文字` })
    }
  }
  const person = (p: PersonRef | null, columns: PersonColumns) => {
    if (!p) return
    text(columns.name, p.name, 'personName')
    if (columns.post) text(columns.post, p.post, 'post')
    text(columns.mobile ?? columns.phone ?? columns.name, p.mobile, 'phone')
    text(columns.landline ?? columns.phone ?? columns.name, p.landline, 'phone')
    if (columns.wechat) text(columns.wechat, p.wechat, 'wechat')
  }

  switch (t.kind) {
    case 'supply':
      text('name', t.name, 'name')
      text('specification', t.specification, 'specification')
      text('unit', t.unit, 'supplyUnit')
      text('storagePlace', t.storagePlace, 'name')
      text('holder', t.holderUnit, 'name')
      text('note', t.note, 'note')
      range('quantity', t.quantity, 0, MAX_QUANTITY)
      person(t.keeper, { name: 'keeperName', phone: 'keeperPhone' })
      if (out.length === 0) {
        key('name', t.name, t.importKey)
        if (t.storagePlace) key('storagePlace', t.storagePlace, `storage|${identity(t.storagePlace)}`)
      }
      break
    case 'team':
      text('name', t.name, 'name')
      text('address', t.address, 'address')
      text('note', t.note, 'note')
      if (t.specialities.length > MAX_SPECIALITIES) {
        out.push({ column: 'specialities', value: t.specialities.join('、'), reason: `列出了 ${t.specialities.length} 个专业，最多 ${MAX_SPECIALITIES} 个` })
      }
      for (const s of t.specialities) text('specialities', s, 'speciality')
      range('headcount', t.headcount, 0, MAX_HEADCOUNT)
      person(t.leader, { name: 'leaderName', post: 'leaderPost', phone: 'leaderPhone' })
      person(t.liaison, { name: 'liaisonName', phone: 'liaisonPhone' })
      if (out.length === 0) key('name', t.name, t.importKey)
      break
    case 'contact':
      for (const p of t.people) person(p, p.roles.includes('head') ? HEAD : LIAISON)
      break
    default:
      tableLimitProblems(t, { text, chars, range, key, person, refuse: (column, value, reason) => out.push({ column, value, reason }) }, () => out.length)
  }
  return out
}

/** A long value as a message shows it: its start, then “…”. */
export function shortValue(value: string, max = 20): string {
  const chars = Array.from(value)
  return chars.length <= max ? value : `${chars.slice(0, max).join('')}…`
}
