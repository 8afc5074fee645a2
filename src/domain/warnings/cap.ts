import { EVENT_CLASSES, EVENT_TYPES, WARNING_LEVELS, isWarningLevel, type EventClass, type WarningPurpose, type WarningStatus } from './levels.js'
import type { WarningTarget } from './target.js'

/**
 * CAP 1.2 (OASIS Common Alerting Protocol) for warnings, with identifiers in the GB/T 35965.1
 * form. Export only: the XML is written by hand so that what leaves is exactly what is on this
 * page; the import parser lives on the server (features/warnings/cap/parse.ts).
 */

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2'

// The enumerations of the OASIS schema, in its order.
export const CAP_STATUSES = ['Actual', 'Exercise', 'System', 'Test', 'Draft'] as const
export const CAP_MSG_TYPES = ['Alert', 'Update', 'Cancel', 'Ack', 'Error'] as const
export const CAP_SCOPES = ['Public', 'Restricted', 'Private'] as const
export const CAP_CATEGORIES = ['Geo', 'Met', 'Safety', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other'] as const
export const CAP_RESPONSE_TYPES = ['Shelter', 'Evacuate', 'Prepare', 'Execute', 'Avoid', 'Monitor', 'Assess', 'AllClear', 'None'] as const
export const CAP_URGENCIES = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const
export const CAP_SEVERITIES = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const
export const CAP_CERTAINTIES = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const

export type CapStatus = (typeof CAP_STATUSES)[number]
export type CapMsgType = (typeof CAP_MSG_TYPES)[number]
export type CapCategory = (typeof CAP_CATEGORIES)[number]
export type CapUrgency = (typeof CAP_URGENCIES)[number]
export type CapSeverity = (typeof CAP_SEVERITIES)[number]

/** valueName of the geocodes we write and read: the region code (see capGeocodes). */
export const GEOCODE_VALUE_NAME = 'GB/T 2260'
/** valueNames of our parameters, read back on import so a round trip keeps level and class. */
export const PARAM_LEVEL = '预警级别'
export const PARAM_EVENT_CLASS = '事件类别'

// ---- times ----

const BEIJING_OFFSET_MS = 8 * 3600_000
const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** Beijing wall-clock digits of an instant: [YYYY, MM, DD, hh, mm, ss]. */
function beijingParts(at: Date): string[] {
  const b = new Date(at.getTime() + BEIJING_OFFSET_MS)
  return [pad(b.getUTCFullYear(), 4), pad(b.getUTCMonth() + 1), pad(b.getUTCDate()), pad(b.getUTCHours()), pad(b.getUTCMinutes()), pad(b.getUTCSeconds())]
}

/**
 * A CAP time: `YYYY-MM-DDThh:mm:ss+08:00`. The OASIS schema's pattern has no `Z` and no
 * fractions, and Chinese feeds write Beijing time, so every instant is shown at +08:00.
 */
export function capTime(at: Date): string {
  const [y, mo, d, h, mi, s] = beijingParts(at)
  return `${y}-${mo}-${d}T${h}:${mi}:${s}+08:00`
}

const CAP_TIME = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)([-+])(\d\d):(\d\d)$/

/** Reads a CAP time (any offset); null when it does not match the schema's pattern or is no real date. */
export function parseCapTime(text: string): Date | null {
  const m = CAP_TIME.exec(text)
  if (!m) return null
  const [y, mo, d, h, mi, s, sign, oh, om] = [m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8], m[9]]
  const n = (x: string) => Number(x)
  if (n(mo) < 1 || n(mo) > 12 || n(h) > 23 || n(mi) > 59 || n(s) > 59 || n(oh) > 14 || n(om) > 59) return null
  const local = Date.UTC(n(y), n(mo) - 1, n(d), n(h), n(mi), n(s))
  // Date.UTC rolls 31 February over into March; a real date survives the round trip.
  if (new Date(local).getUTCDate() !== n(d)) return null
  const offset = (sign === '-' ? -1 : 1) * (n(oh) * 60 + n(om)) * 60_000
  return new Date(local - offset)
}

// ---- identifiers (GB/T 35965.1) ----

/**
 * Parts of `ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N` besides the region and time. DDD is the issuing
 * organisation's GB/T 4657 code; we know no code every deployment shares, so it defaults to
 * 000 and is set per deployment (CapOptions.organisation). UUU and XX keep the standard's defaults.
 */
export const CAP_IDENTIFIER_DEFAULTS = { organisation: '000', unit: '000', extension: '00' } as const

export const CAP_IDENTIFIER_PATTERN = /^\d{14}_\d{14}_\d$/

export type IdentifierParts = {
  /** The issuing region's 12-digit code; its first 6 digits are the GB/T 2260 code. */
  regionCode: string
  /** Time of issue; written as Beijing time. */
  issuedAt: Date
  /** N, 0–9: tells apart warnings of one region issued within the same second. */
  sequence?: number
  organisation?: string
  unit?: string
  extension?: string
}

/** The 31-character GB/T 35965.1 identifier, e.g. 33050200000000_20240701080000_0. */
export function capIdentifier(p: IdentifierParts): string {
  const organisation = p.organisation ?? CAP_IDENTIFIER_DEFAULTS.organisation
  const unit = p.unit ?? CAP_IDENTIFIER_DEFAULTS.unit
  const extension = p.extension ?? CAP_IDENTIFIER_DEFAULTS.extension
  const sequence = p.sequence ?? 0
  if (!/^\d{12}$/.test(p.regionCode)) throw new RangeError(`区划代码应为 12 位数字：${p.regionCode}`)
  if (!/^\d{3}$/.test(organisation) || !/^\d{3}$/.test(unit) || !/^\d{2}$/.test(extension)) {
    throw new RangeError(`预警标识的机构码、内设单位码、扩展码应分别为 3、3、2 位数字：${organisation} ${unit} ${extension}`)
  }
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 9) throw new RangeError(`预警标识的顺序码应为 0–9：${sequence}`)
  return `${p.regionCode.slice(0, 6)}${organisation}${unit}${extension}_${beijingParts(p.issuedAt).join('')}_${sequence}`
}

/**
 * Identifier of the m-th message about one warning, for warnings issued before each message was
 * recorded with an identifier of its own (see capEnvelope). Every CAP message needs
 * its own identifier, but the standard's form has one free digit: N. Message m therefore takes
 * N = (N of the stored identifier + m − 1) mod 10 and keeps the rest, so all messages of a warning
 * share region, organisation and time of first issue. The digit wraps after ten messages; a
 * warning revised that often is rare, and `references` still names the original Alert.
 */
export function messageIdentifier(base: string, messageNumber: number): string {
  if (messageNumber <= 1) return base
  if (!CAP_IDENTIFIER_PATTERN.test(base)) return `${base}.${messageNumber}`
  const n = (Number(base.slice(-1)) + messageNumber - 1) % 10
  return `${base.slice(0, -1)}${n}`
}

// ---- categories ----

/** CAP category of our event types (domain/warnings/levels.ts EVENT_TYPES). Met includes floods in CAP. */
export const CAP_CATEGORY_BY_EVENT_TYPE: Record<string, CapCategory> = {
  暴雨: 'Met', 台风: 'Met', 山洪: 'Met', 洪水: 'Met', 暴雪: 'Met', 寒潮: 'Met', 大风: 'Met', 高温: 'Met',
  干旱: 'Met', 雷电: 'Met', 冰雹: 'Met', 大雾: 'Met', 道路结冰: 'Met',
  地质灾害: 'Geo', 地震: 'Geo',
  森林火灾: 'Fire', 火灾: 'Fire',
  危险化学品事故: 'Safety', 建筑施工事故: 'Safety',
  道路交通事故: 'Transport', 水上交通事故: 'Transport',
  燃气事故: 'Infra', 停电停水: 'Infra',
  传染病疫情: 'Health', 食物中毒: 'Health', 动物疫情: 'Health',
  群体性事件: 'Security', 恐怖袭击: 'Security', 涉外突发事件: 'Security',
}

// Free-text event types: the words that give the hazard away, checked in this order.
const CATEGORY_BY_WORD: Array<[RegExp, CapCategory]> = [
  [/地震|滑坡|泥石流|崩塌|地质|塌陷/, 'Geo'],
  [/火/, 'Fire'],
  [/雨|雪|风|寒|高温|雷|雹|雾|霜|冰|旱|洪|涝|潮|霾|沙尘|气象/, 'Met'],
  [/疫|中毒|传染/, 'Health'],
  [/交通|道路|航道|船/, 'Transport'],
  [/污染|水质|环境/, 'Env'],
]

const CATEGORY_BY_CLASS: Record<EventClass, CapCategory> = { natural: 'Other', accident: 'Safety', health: 'Health', social: 'Security' }

export function capCategory(eventClass: string, eventType: string): CapCategory {
  const known = CAP_CATEGORY_BY_EVENT_TYPE[eventType]
  if (known) return known
  const byWord = CATEGORY_BY_WORD.find(([re]) => re.test(eventType))
  if (byWord) return byWord[1]
  return CATEGORY_BY_CLASS[eventClass as EventClass] ?? 'Other'
}

/** Our event class of an event type named in EVENT_TYPES, or null. */
export function eventClassOfType(eventType: string): EventClass | null {
  for (const [cls, types] of Object.entries(EVENT_TYPES)) if (types.includes(eventType)) return cls as EventClass
  return null
}

// ---- the message ----

/** The fields of a warning the CAP message is made of (a `warning` row plus its target). */
export type CapWarning = {
  regionCode: string
  purpose: WarningPurpose
  status: WarningStatus
  identifier: string | null
  revision: number
  eventClass: string
  eventType: string
  level: number
  headline: string
  description: string
  instruction: string
  areaDesc: string
  senderName: string
  onset: Date
  expires: Date | null
  issuedAt: Date | null
  endedAt: Date | null
  endReason: string | null
  createdAt: Date
  updatedAt: Date
  target: WarningTarget
  /**
   * The messages this warning has sent, oldest first, each with its own identifier, time and the
   * references it carried. The export shows the last one; absent for warnings from before they
   * were recorded.
   */
  messages?: CapSentMessage[]
}

/** One message as sent: what a later message must name in `references`. */
export type CapSentMessage = {
  identifier: string
  sender: string
  sent: Date
  status: string
  msgType: CapMsgType
  /** "sender,identifier,sent" of every earlier message, space separated; null for the first. */
  references: string | null
}

/** A message as `references` names it: "sender,identifier,sent". */
export const capReference = (m: { sender: string; identifier: string; sent: Date }) => `${m.sender},${m.identifier},${capTime(m.sent)}`

/** The messages a `references` value names; entries that are not "sender,identifier,sent" are skipped. */
export function parseCapReferences(text: string | null): Array<{ sender: string; identifier: string; sent: Date }> {
  if (!text) return []
  return text.split(/\s+/).filter(Boolean).flatMap((entry) => {
    const parts = entry.split(',')
    if (parts.length !== 3) return []
    const sent = parseCapTime(parts[2])
    return sent && parts[0] && parts[1] ? [{ sender: parts[0], identifier: parts[1], sent }] : []
  })
}

export type CapOptions = {
  /** Export time: the `sent` of a message that has not been issued. */
  now: Date
  /** Domain part of `sender` (`<region code>@<domain>`); set it to the deployment's own. */
  senderDomain?: string
  /** GB/T 4657 code of the issuing organisation, for identifiers made here. */
  organisation?: string
}

export const DEFAULT_SENDER_DOMAIN = 'shouwang'

/** `sender` of the messages a region issues here: `<region code>@<domain>`. */
export const capSender = (regionCode: string, domain = DEFAULT_SENDER_DOMAIN) => `${regionCode}@${domain}`

/** The alert-level facts of one warning's current message. */
export type CapEnvelope = {
  identifier: string
  sender: string
  sent: Date
  status: CapStatus
  msgType: CapMsgType
  /** "sender,identifier,sent" of the earlier messages (only the original Alert for warnings from before messages were recorded). */
  references: string | null
  note: string | null
  responseType: 'AllClear' | null
  urgency: CapUrgency
}

/**
 * Which message a warning is now. Drafts (draft / submitted) are status Draft, msgType Alert,
 * sent = export time. Once issued, the last recorded message (CapWarning.messages): its own
 * identifier, time, status (Actual, or Test for drills), msgType and the references to every
 * earlier message it was sent with. Warnings issued before messages were recorded are told from
 * their row as before:
 * - issued: Alert for revision 1 (sent = issued_at), Update for revision n > 1 (sent = updated_at,
 *   the time of the update), message number n;
 * - cancelled: Cancel; ended (解除): Update with responseType AllClear; both sent = ended_at and
 *   message number revision + 1.
 * Drills are status Test. Later messages reference the original Alert, which is the one message
 * whose sent time is stored exactly (issued_at).
 */
export function capEnvelope(w: CapWarning, opts: CapOptions): CapEnvelope {
  const sender = capSender(w.regionCode, opts.senderDomain)
  const last = w.messages?.[w.messages.length - 1]
  if (last && w.status !== 'draft' && w.status !== 'submitted') {
    const closed = w.status === 'cancelled' || w.status === 'ended'
    const urgent = (w.level === 1 || w.level === 2) && w.onset.getTime() <= last.sent.getTime()
    return {
      identifier: last.identifier,
      sender: last.sender,
      sent: last.sent,
      status: last.status === 'Test' ? 'Test' : 'Actual',
      msgType: last.msgType,
      references: last.references,
      note: [w.purpose === 'drill' ? '本消息为通联演练（测试），无需采取行动' : null, closed ? w.endReason : null].filter(Boolean).join('；') || null,
      responseType: w.status === 'ended' ? 'AllClear' : null,
      urgency: closed ? 'Past' : urgent ? 'Immediate' : 'Expected',
    }
  }
  const base = w.identifier ?? capIdentifier({ regionCode: w.regionCode, issuedAt: w.issuedAt ?? w.createdAt, organisation: opts.organisation })
  const unissued = w.status === 'draft' || w.status === 'submitted'
  const closed = w.status === 'cancelled' || w.status === 'ended'
  const status: CapStatus = unissued ? 'Draft' : w.purpose === 'drill' ? 'Test' : 'Actual'
  const msgType: CapMsgType = unissued ? 'Alert' : w.status === 'cancelled' ? 'Cancel' : w.status === 'ended' || w.revision > 1 ? 'Update' : 'Alert'
  const messageNumber = unissued ? 1 : closed ? w.revision + 1 : w.revision
  const sent = unissued ? opts.now
    : closed ? (w.endedAt ?? w.updatedAt)
    : w.revision > 1 ? w.updatedAt : (w.issuedAt ?? opts.now)
  const references = msgType !== 'Alert' && w.issuedAt ? `${sender},${base},${capTime(w.issuedAt)}` : null
  const urgent = (w.level === 1 || w.level === 2) && w.onset.getTime() <= sent.getTime()
  const drillNote = w.purpose === 'drill' ? '本消息为通联演练（测试），无需采取行动' : null
  return {
    identifier: messageIdentifier(base, messageNumber),
    sender,
    sent,
    status,
    msgType,
    references,
    note: [drillNote, closed ? w.endReason : null].filter(Boolean).join('；') || null,
    responseType: w.status === 'ended' ? 'AllClear' : null,
    urgency: closed ? 'Past' : urgent ? 'Immediate' : 'Expected',
  }
}

// Characters XML 1.0 cannot carry at all, even escaped (C0 controls but tab/LF/CR, lone
// surrogates, U+FFFE/FFFF): dropped so that hostile text cannot make the document unreadable.
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** Text or attribute content, escaped for XML. */
export function escapeXml(text: string): string {
  return text.replace(NOT_XML_CHAR, '')
    .replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;').replaceAll("'", '&apos;')
}

/** A coordinate as CAP wants it: plain decimal, no exponent, at most 6 places (~0.1 m). */
export function capNumber(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`坐标不是有限数值：${n}`)
  const text = n.toFixed(6).replace(/\.?0+$/, '')
  return text === '-0' ? '0' : text
}

/** "lat,lon lat,lon …", closed (the first point repeated at the end) as CAP requires. */
export function capPolygon(ring: ReadonlyArray<readonly [number, number]>): string {
  const points = ring.map(([lat, lng]) => `${capNumber(lat)},${capNumber(lng)}`)
  if (points.length > 0 && points[0] !== points[points.length - 1]) points.push(points[0])
  return points.join(' ')
}

/** "lat,lon radius", radius in kilometres. */
export function capCircle(c: { lat: number; lng: number; radiusKm: number }): string {
  return `${capNumber(c.lat)},${capNumber(c.lng)} ${capNumber(c.radiusKm)}`
}

/**
 * Geocodes of the target: each region's full 12-digit statistical code under valueName
 * GB/T 2260. Its first 6 digits are the GB/T 2260 code proper; the whole code is kept because a
 * township or village target cannot be said in 6 digits, and the importer pads 6-digit codes.
 */
export function capGeocodes(target: WarningTarget): string[] {
  return [...new Set(target.regions)]
}

const el = (name: string, value: string, indent: string) => `${indent}<${name}>${escapeXml(value)}</${name}>`
const pair = (name: string, valueName: string, value: string, indent: string) =>
  `${indent}<${name}>\n${el('valueName', valueName, indent + '  ')}\n${el('value', value, indent + '  ')}\n${indent}</${name}>`

/** The warning as one CAP 1.2 `alert` document (UTF-8), valid against the OASIS schema. */
export function buildCapXml(w: CapWarning, opts: CapOptions): string {
  const env = capEnvelope(w, opts)
  const level = isWarningLevel(w.level) ? WARNING_LEVELS[w.level] : null
  const lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', `<alert xmlns="${CAP_NAMESPACE}">`]
  const a = '  '
  lines.push(el('identifier', env.identifier, a), el('sender', env.sender, a), el('sent', capTime(env.sent), a))
  lines.push(el('status', env.status, a), el('msgType', env.msgType, a), el('scope', 'Public', a))
  if (env.note) lines.push(el('note', env.note, a))
  if (env.references) lines.push(el('references', env.references, a))

  const i = '    '
  lines.push(`${a}<info>`)
  lines.push(el('language', 'zh-CN', i), el('category', capCategory(w.eventClass, w.eventType), i), el('event', w.eventType, i))
  if (env.responseType) lines.push(el('responseType', env.responseType, i))
  lines.push(el('urgency', env.urgency, i), el('severity', level?.severity ?? 'Unknown', i), el('certainty', 'Likely', i))
  if (w.issuedAt && env.status !== 'Draft') lines.push(el('effective', capTime(w.issuedAt), i))
  lines.push(el('onset', capTime(w.onset), i))
  if (w.expires) lines.push(el('expires', capTime(w.expires), i))
  lines.push(el('senderName', w.senderName, i), el('headline', w.headline, i))
  lines.push(el('description', w.description, i), el('instruction', w.instruction, i))
  if (level) lines.push(pair('parameter', PARAM_LEVEL, level.short, i))
  const className = EVENT_CLASSES[w.eventClass as EventClass]
  if (className) lines.push(pair('parameter', PARAM_EVENT_CLASS, className, i))

  const r = '      '
  lines.push(`${i}<area>`, el('areaDesc', w.areaDesc, r))
  for (const ring of w.target.polygons) lines.push(el('polygon', capPolygon(ring), r))
  for (const c of w.target.circles) lines.push(el('circle', capCircle(c), r))
  for (const code of capGeocodes(w.target)) lines.push(pair('geocode', GEOCODE_VALUE_NAME, code, r))
  lines.push(`${i}</area>`, `${a}</info>`, '</alert>', '')
  return lines.join('\n')
}
