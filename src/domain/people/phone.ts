/**
 * Chinese phone numbers as people type them into forms and spreadsheets, stored in one normal
 * form so that search, deduplication and dialling agree: mobiles as 11 digits ("13857200002"),
 * landlines as area code, number and optional extension joined by "-" ("0572-2012345-801").
 */

export type PhoneKind = 'mobile' | 'landline'

/** A normalised number, or the Chinese reason it was refused (to follow “字段”的值“…”). */
export type PhoneCheck =
  | { ok: true; value: string; kind: PhoneKind }
  | { ok: false; reason: string }

export const MOBILE_PATTERN = /^1[3-9]\d{9}$/

export const MOBILE_REASON = '不是有效的手机号（应为 11 位，以 13-19 开头）'
export const LANDLINE_REASON = '不是有效的固定电话（应为区号加号码，如 0572-2012345，分机可写作 -801）'
const PHONE_REASON = '不是有效的电话号码（手机号应为 11 位；固定电话应带区号，如 0572-2012345）'

// Characters a number may be written with besides digits: separators, brackets, the plus sign.
const SEPARATORS = /^[\d\s\-+().]*$/

/** Full-width digits and punctuation to ASCII, every kind of dash to "-". */
function ascii(input: string): string {
  return input.normalize('NFKC').replace(/[‐‑‒–—―−﹣]/g, '-').trim()
}

/** Drops a +86 / 0086 / 86 country prefix, or a leading trunk 0, in front of a mobile number. */
function withoutCountry(digits: string): string {
  if (digits.length === 15 && digits.startsWith('0086')) return digits.slice(4)
  if (digits.length === 13 && digits.startsWith('86')) return digits.slice(2)
  // Out-of-town calls from a landline once needed a 0 before the mobile: 013857200002.
  if (digits.length === 12 && /^01[3-9]/.test(digits)) return digits.slice(1)
  return digits
}

export function normaliseMobile(input: string): PhoneCheck {
  const s = ascii(input)
  if (!SEPARATORS.test(s)) return { ok: false, reason: MOBILE_REASON }
  const digits = withoutCountry(s.replace(/\D/g, ''))
  if (!MOBILE_PATTERN.test(digits)) {
    const landline = normaliseLandline(input)
    return { ok: false, reason: landline.ok ? '是固定电话，不是手机号，请填入固定电话一栏' : MOBILE_REASON }
  }
  return { ok: true, value: digits, kind: 'mobile' }
}

/** Beijing, Shanghai, Tianjin, Chongqing and the big cities of 02x have 3-digit area codes; all others 4. */
function areaCodeLength(digits: string): number {
  return /^0[12]/.test(digits) ? 3 : 4
}

const EXTENSION = /\s*(?:转|分机|ext\.?|x|#)\s*(\d{1,6})$/i

export function normaliseLandline(input: string): PhoneCheck {
  let s = ascii(input)
  let extension = ''
  const ext = EXTENSION.exec(s)
  if (ext) {
    extension = ext[1]
    s = s.slice(0, ext.index)
  }
  if (!SEPARATORS.test(s)) return { ok: false, reason: LANDLINE_REASON }
  // 400/800 service numbers have no area code: 400-123-4567.
  const flat = s.replace(/\D/g, '')
  if (!extension && /^[48]00\d{7}$/.test(flat)) {
    return { ok: true, value: `${flat.slice(0, 3)}-${flat.slice(3, 6)}-${flat.slice(6)}`, kind: 'landline' }
  }
  let groups = s.split(/[^\d]+/).filter(Boolean)
  const international = /^\s*(\+|00)/.test(s) || (groups.length > 1 && groups[0] === '86')
  if (groups[0] === '0086' || (groups[0] === '86' && groups.length > 1)) groups = groups.slice(1)
  else if (international && groups[0]?.startsWith('86') && groups[0].length > 2) groups[0] = groups[0].slice(2)
  if (groups.length === 0) return { ok: false, reason: LANDLINE_REASON }
  // Abroad the trunk 0 is dropped: +86 572 2012345.
  if (international && !groups[0].startsWith('0')) groups[0] = `0${groups[0]}`
  if (!groups[0].startsWith('0')) {
    return { ok: false, reason: /^[2-9]\d{6,7}$/.test(groups.join('')) ? '缺少区号（如 0572-2012345）' : LANDLINE_REASON }
  }
  const areaLength = areaCodeLength(groups[0])
  const area = groups[0].slice(0, areaLength)
  const rest = [groups[0].slice(areaLength), ...groups.slice(1)].filter(Boolean)
  let local = rest.join('')
  if (!/^\d{7,8}$/.test(local) && !extension && rest.length > 1 && rest[rest.length - 1].length <= 6) {
    // "0572-2012345-801": the last group is an extension when the others make a whole number.
    extension = rest[rest.length - 1]
    local = rest.slice(0, -1).join('')
  }
  if (area.length !== areaLength || !/^[2-9]\d{6,7}$/.test(local)) return { ok: false, reason: LANDLINE_REASON }
  return { ok: true, value: `${area}-${local}${extension ? `-${extension}` : ''}`, kind: 'landline' }
}

/** Either kind: a unit's or an office's phone may be a mobile or a landline. */
export function normalisePhone(input: string): PhoneCheck {
  const mobile = normaliseMobile(input)
  if (mobile.ok) return mobile
  const landline = normaliseLandline(input)
  return landline.ok ? landline : { ok: false, reason: PHONE_REASON }
}

/**
 * The form shown to anyone without the 查看完整电话 permission: mobiles 3-4-4 with the middle
 * hidden (138****0002); landlines keep the area code and hide four digits of the number
 * (0572-****345); extensions stay, they identify a desk rather than a person.
 */
export function maskPhone(value: string): string
export function maskPhone(value: string | null): string | null
export function maskPhone(value: string | null): string | null {
  if (value === null || value === '') return value
  if (MOBILE_PATTERN.test(value)) return `${value.slice(0, 3)}****${value.slice(7)}`
  const service = /^([48]00)-\d{3}-(\d{4})$/.exec(value)
  if (service) return `${service[1]}-***-${service[2]}`
  const landline = /^(0\d{2,3})-(\d{7,8})(-\d{1,6})?$/.exec(value)
  if (landline) {
    const [, area, local, extension = ''] = landline
    return `${area}-****${local.slice(4)}${extension}`
  }
  // Anything else (legacy text): keep only the last four digits.
  const digits = value.replace(/\D/g, '')
  return digits.length > 4 ? `****${digits.slice(-4)}` : '****'
}

/** Digits only, for searching by number whatever separators were typed. */
export function phoneDigits(input: string): string {
  return ascii(input).replace(/\D/g, '')
}
