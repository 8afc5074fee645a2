import { XMLParser, XMLValidator } from 'fast-xml-parser'
import {
  CAP_CATEGORIES, CAP_CERTAINTIES, CAP_MSG_TYPES, CAP_NAMESPACE, CAP_RESPONSE_TYPES, CAP_SCOPES, CAP_SEVERITIES, CAP_STATUSES,
  CAP_URGENCIES, parseCapTime, type CapCategory,
} from '../../../../domain/warnings/cap.js'
import type { WarningTarget } from '../../../../domain/warnings/target.js'
import { AppError, type ErrorDetail } from '../../../errors.js'

/**
 * Reading CAP 1.2 from an upstream feed (气象台, 自然资源, 水利): well-formed XML, the CAP 1.2
 * namespace, the required elements and enumerations of the OASIS schema, its time pattern and
 * closed polygons. Every refusal names the element and the value. draft.ts maps the result
 * to a draft warning.
 */

export const MAX_CAP_CHARS = 1_000_000

export type ValuePair = { valueName: string; value: string }
export type CapArea = { areaDesc: string; polygons: Array<Array<[number, number]>>; circles: WarningTarget['circles']; geocodes: ValuePair[] }
export type CapInfo = {
  language: string
  categories: CapCategory[]
  event: string
  responseTypes: string[]
  urgency: string
  severity: string
  certainty: string
  eventCodes: ValuePair[]
  effective: Date | null
  onset: Date | null
  expires: Date | null
  senderName: string | null
  headline: string | null
  description: string | null
  instruction: string | null
  parameters: ValuePair[]
  areas: CapArea[]
}
export type CapMessage = {
  identifier: string
  sender: string
  sent: Date
  status: (typeof CAP_STATUSES)[number]
  msgType: (typeof CAP_MSG_TYPES)[number]
  scope: string
  references: string | null
  infos: CapInfo[]
}

const invalidCap = (message: string, details: ErrorDetail[] = []) => new AppError('CAP_INVALID', 400, message, details)

/** A value as quoted in a message: one line, at most 60 characters. */
export function shown(value: string): string {
  const line = value.replace(/\s+/g, ' ')
  return line.length > 60 ? `${line.slice(0, 60)}…` : line
}

// ---- a namespace-aware tree on top of fast-xml-parser's objects ----

type El = { name: string; ns: string | null; text: string; hasChildren: boolean; kids: El[] }

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  htmlEntities: false,
  // Every element as a list, so a repeated singleton is seen rather than silently merged.
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
})

function toEl(qname: string, raw: unknown, inherited: Map<string, string>): El {
  const obj = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : null
  const namespaces = new Map(inherited)
  if (obj) {
    for (const [k, v] of Object.entries(obj)) {
      if (k === '@_xmlns') namespaces.set('', String(v))
      else if (k.startsWith('@_xmlns:')) namespaces.set(k.slice('@_xmlns:'.length), String(v))
    }
  }
  const colon = qname.indexOf(':')
  const prefix = colon < 0 ? '' : qname.slice(0, colon)
  const kids: El[] = []
  if (obj) {
    for (const [k, v] of Object.entries(obj)) {
      if (k.startsWith('@_') || k === '#text') continue
      for (const item of Array.isArray(v) ? v : [v]) kids.push(toEl(k, item, namespaces))
    }
  }
  const text = obj ? String(obj['#text'] ?? '') : String(raw ?? '')
  return { name: colon < 0 ? qname : qname.slice(colon + 1), ns: namespaces.get(prefix) ?? null, text: text.trim(), hasChildren: kids.length > 0, kids }
}

/**
 * The XML checker's English findings in Chinese, naming the tag, attribute or character. Unknown
 * wordings (a newer parser version) fall back to a general sentence rather than leak English.
 */
const XML_FINDINGS: Array<[RegExp, (...m: string[]) => string]> = [
  [/^Expected closing tag '(.+)' \(opened in line (\d+), col (\d+)\) instead of closing tag '(.+)'\.$/,
    (open, line, col, close) => `应为 ${open} 的结束标签（该元素在第 ${line} 行第 ${col} 列开始），实际是 ${close} 的结束标签`],
  [/^Closing tag '(.+)' has not been opened\.$/, (t) => `结束标签 ${t} 没有对应的开始标签`],
  [/^Closing tag '(.+)' doesn't have proper closing\.$/, (t) => `结束标签 ${t} 没有正确结束（缺少“>”）`],
  [/^Closing tag '(.+)' can't have attributes or invalid starting\.$/, (t) => `结束标签 ${t} 不能带属性`],
  [/^Unclosed tag '(.+)'\.$/, (t) => `元素 ${t} 没有结束标签`],
  [/^Invalid '(.+)' found\.$/, (t) => `元素 ${t.replace(/[[\]"\s]/g, '').replace(/,/g, '、')} 没有结束标签`],
  [/^Invalid space after '<'\.$/, () => '“<”之后不能有空格'],
  [/^Tag '(.*)' is an invalid name\.$/, (t) => `“${t}”不是合法的元素名`],
  [/^Attributes for '(.+)' have open quote\.$/, (t) => `元素 ${t} 的属性值引号没有闭合`],
  [/^Attribute '(.+)' has no space in starting\.$/, (a) => `属性 ${a} 前面缺少空格`],
  [/^Attribute '(.+)' is without value\.$/, (a) => `属性 ${a} 没有值`],
  [/^boolean attribute '(.+)' is not allowed\.$/, (a) => `属性 ${a} 没有值`],
  [/^Attribute '(.+)' is an invalid name\.$/, (a) => `“${a}”不是合法的属性名`],
  [/^Attribute '(.+)' is repeated\.$/, (a) => `属性 ${a} 重复出现`],
  [/^Multiple possible root nodes found\.$/, () => '有多个根元素，CAP 消息只能有一个 alert'],
  [/^char '&' is not expected\.$/, () => '出现了未转义的“&”（文本中的 & 应写作 &amp;）'],
  [/^char '(.)' is not expected\.$/, (c) => `出现了不应有的字符“${c}”`],
  [/^Extra text at the end$/, () => '根元素结束之后还有多余的内容'],
  [/^Start tag expected\.$/, () => '没有找到任何元素'],
  [/^XML declaration allowed only at the start of the document\.$/, () => 'XML 声明（<?xml …?>）只能位于文档开头'],
]

export function xmlFindingInChinese(msg: string): string {
  for (const [re, say] of XML_FINDINGS) {
    const m = re.exec(msg)
    if (m) return say(...m.slice(1))
  }
  return '结构不正确（元素、属性或特殊字符的写法有误）'
}

/** Parses the document and returns its root, refusing what is not one well-formed XML element. */
function parseRoot(xml: string): El {
  if (xml.length > MAX_CAP_CHARS) throw new AppError('CAP_TOO_LARGE', 413, 'CAP 消息超过 100 万个字符的上限')
  const body = xml.replace(/^\uFEFF/, '').trim()
  if (body === '') throw invalidCap('请求内容为空，应为 CAP 1.2 的 XML 文本')
  // Entity declarations can expand without bound (billion laughs); CAP never needs a DTD.
  if (/<!DOCTYPE/i.test(body)) throw invalidCap('CAP 消息不允许包含 DOCTYPE 声明')
  if (!body.startsWith('<')) throw invalidCap(`内容不是 XML：以“${shown(body.slice(0, 20))}”开头，应为 CAP 1.2 的 XML 文本`)
  let check: ReturnType<typeof XMLValidator.validate>
  try {
    check = XMLValidator.validate(body)
  } catch {
    // The checker's own stack on absurd nesting: bad input, not a fault.
    throw invalidCap('无法解析 XML：元素嵌套过深或结构过于复杂')
  }
  if (check !== true) {
    const { line, col, msg } = check.err
    const finding = xmlFindingInChinese(msg)
    throw invalidCap(`内容不是有效的 XML（第 ${line} 行第 ${col} 列：${finding}）`, [{ row: line, message: finding }])
  }
  let roots: El[]
  try {
    const doc = parser.parse(body) as Record<string, unknown>
    roots = Object.entries(doc).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((item) => toEl(k, item, new Map())))
  } catch {
    // The parser's own limits (nesting depth, entity expansion) and a blown stack: bad input, not a fault.
    throw invalidCap('无法解析 XML：元素嵌套过深或实体展开过多')
  }
  if (roots.length !== 1) throw invalidCap(`XML 应只有一个根元素，实际有 ${roots.length} 个`)
  return roots[0]
}

// ---- reading elements with messages that name them ----

class Reader {
  readonly errors: ErrorDetail[] = []
  constructor(private readonly ns: string) {}

  fail(field: string, message: string, value?: string) {
    this.errors.push({ field, value, message })
  }

  all(parent: El, name: string): El[] {
    return parent.kids.filter((k) => k.name === name && k.ns === this.ns)
  }

  /** The text of a single child; null when absent (an error when required). */
  text(parent: El, where: string, field: string, name: string, required: boolean): string | null {
    const found = this.all(parent, name)
    if (found.length === 0) {
      if (required) this.fail(`${field}.${name}`, `${where}缺少必填元素 ${name}`)
      return null
    }
    if (found.length > 1) this.fail(`${field}.${name}`, `${where}的 ${name} 出现了 ${found.length} 次，CAP 1.2 只允许 1 个`)
    if (found[0].hasChildren) {
      this.fail(`${field}.${name}`, `${where}的 ${name} 应为文本，不能含有子元素`)
      return null
    }
    if (required && found[0].text === '') {
      this.fail(`${field}.${name}`, `${where}的 ${name} 不能为空`)
      return null
    }
    return found[0].text
  }

  oneOf<T extends string>(value: string | null, allowed: readonly T[], where: string, field: string, name: string): T | null {
    if (value === null) return null
    if ((allowed as readonly string[]).includes(value)) return value as T
    this.fail(`${field}.${name}`, `${where}的 ${name} 值 "${shown(value)}" 不是 CAP 1.2 允许的值（${allowed.join('/')}）`, value)
    return null
  }

  time(value: string | null, where: string, field: string, name: string): Date | null {
    if (value === null) return null
    const at = parseCapTime(value)
    if (!at) this.fail(`${field}.${name}`, `${where}的 ${name} 值 "${shown(value)}" 不是 CAP 1.2 的时间格式（应为 YYYY-MM-DDThh:mm:ss+08:00，不能用 Z 或小数秒）`, value)
    return at
  }

  /** No spaces, commas or the restricted characters < and & (CAP 1.2 §3.2.1). */
  token(value: string | null, where: string, field: string, name: string): string | null {
    if (value !== null && /[\s,<&]/.test(value)) {
      this.fail(`${field}.${name}`, `${where}的 ${name} 值 "${shown(value)}" 不能含有空格、逗号、< 或 &`, value)
    }
    return value
  }

  pairs(parent: El, where: string, field: string, name: string): ValuePair[] {
    return this.all(parent, name).map((el, k) => {
      const at = `${where}的第 ${k + 1} 个 ${name}`
      const f = `${field}.${name}[${k + 1}]`
      return { valueName: this.text(el, at, f, 'valueName', true) ?? '', value: this.text(el, at, f, 'value', true) ?? '' }
    })
  }
}

const NUMBER = '[-+]?(?:\\d+\\.?\\d*|\\.\\d+)'
const POINT = new RegExp(`^(${NUMBER}),(${NUMBER})$`)
const CIRCLE = new RegExp(`^(${NUMBER}),(${NUMBER})\\s+(${NUMBER})$`)
const onEarth = (lat: number, lng: number) => Math.abs(lat) <= 90 && Math.abs(lng) <= 180

function readPolygon(r: Reader, text: string, where: string, field: string): Array<[number, number]> | null {
  const points: Array<[number, number]> = []
  for (const pair of text.split(/\s+/).filter(Boolean)) {
    const m = POINT.exec(pair)
    if (!m) {
      r.fail(field, `${where}的 polygon 值 "${shown(text)}" 格式不正确：“${shown(pair)}”不是“纬度,经度”`, text)
      return null
    }
    points.push([Number(m[1]), Number(m[2])])
  }
  if (points.length < 4) {
    r.fail(field, `${where}的 polygon 值 "${shown(text)}" 只有 ${points.length} 个点，CAP 1.2 要求至少 4 个点且首尾相同`, text)
    return null
  }
  const [first, last] = [points[0], points[points.length - 1]]
  if (first[0] !== last[0] || first[1] !== last[1]) {
    r.fail(field, `${where}的 polygon 值 "${shown(text)}" 首尾两点不同，多边形未闭合`, text)
    return null
  }
  if (!points.every(([lat, lng]) => onEarth(lat, lng))) {
    r.fail(field, `${where}的 polygon 值 "${shown(text)}" 坐标超出范围（纬度 -90～90，经度 -180～180）`, text)
    return null
  }
  return points
}

function readCircle(r: Reader, text: string, where: string, field: string): WarningTarget['circles'][number] | null {
  const m = CIRCLE.exec(text)
  const [lat, lng, radiusKm] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [NaN, NaN, NaN]
  if (!m || !onEarth(lat, lng) || !(radiusKm > 0)) {
    r.fail(field, `${where}的 circle 值 "${shown(text)}" 格式不正确（应为“纬度,经度 半径”，半径以公里计且大于 0）`, text)
    return null
  }
  return { lat, lng, radiusKm }
}

function readInfo(r: Reader, el: El, n: number): CapInfo {
  const where = `第 ${n} 个 info `
  const field = `info[${n}]`
  const categories = r.all(el, 'category').map((c) => r.oneOf(c.text, CAP_CATEGORIES, where, field, 'category'))
  if (categories.length === 0) r.fail(`${field}.category`, `${where}缺少必填元素 category`)
  const responseTypes = r.all(el, 'responseType').map((c) => r.oneOf(c.text, CAP_RESPONSE_TYPES, where, field, 'responseType'))
  const areas = r.all(el, 'area').map((area, k): CapArea => {
    const aw = `${where}第 ${k + 1} 个 area `
    const af = `${field}.area[${k + 1}]`
    return {
      areaDesc: r.text(area, aw, af, 'areaDesc', true) ?? '',
      polygons: r.all(area, 'polygon').map((p) => readPolygon(r, p.text, aw, `${af}.polygon`)).filter((p) => p !== null),
      circles: r.all(area, 'circle').map((c) => readCircle(r, c.text, aw, `${af}.circle`)).filter((c) => c !== null),
      geocodes: r.pairs(area, aw, af, 'geocode'),
    }
  })
  return {
    // The schema's default language.
    language: r.text(el, where, field, 'language', false) || 'en-US',
    categories: categories.filter((c): c is CapCategory => c !== null),
    event: r.text(el, where, field, 'event', true) ?? '',
    responseTypes: responseTypes.filter((t) => t !== null),
    urgency: r.oneOf(r.text(el, where, field, 'urgency', true), CAP_URGENCIES, where, field, 'urgency') ?? 'Unknown',
    severity: r.oneOf(r.text(el, where, field, 'severity', true), CAP_SEVERITIES, where, field, 'severity') ?? 'Unknown',
    certainty: r.oneOf(r.text(el, where, field, 'certainty', true), CAP_CERTAINTIES, where, field, 'certainty') ?? 'Unknown',
    eventCodes: r.pairs(el, where, field, 'eventCode'),
    effective: r.time(r.text(el, where, field, 'effective', false), where, field, 'effective'),
    onset: r.time(r.text(el, where, field, 'onset', false), where, field, 'onset'),
    expires: r.time(r.text(el, where, field, 'expires', false), where, field, 'expires'),
    senderName: r.text(el, where, field, 'senderName', false) || null,
    headline: r.text(el, where, field, 'headline', false) || null,
    description: r.text(el, where, field, 'description', false) || null,
    instruction: r.text(el, where, field, 'instruction', false) || null,
    parameters: r.pairs(el, where, field, 'parameter'),
    areas,
  }
}

/**
 * Parses and checks one CAP 1.2 alert. Throws AppError 400 CAP_INVALID listing every problem
 * found (the message shows the first five).
 */
export function parseCap(xml: string): CapMessage {
  const root = parseRoot(xml)
  if (root.name !== 'alert') throw invalidCap(`根元素是 ${root.name}，不是 CAP 的 alert`)
  if (root.ns !== CAP_NAMESPACE) {
    throw invalidCap(root.ns === null
      ? `alert 没有声明命名空间，CAP 1.2 的命名空间应为 ${CAP_NAMESPACE}`
      : `alert 的命名空间 "${shown(root.ns)}" 不是 CAP 1.2（应为 ${CAP_NAMESPACE}）`)
  }
  const r = new Reader(CAP_NAMESPACE)
  const where = 'alert '
  const f = 'alert'
  const message = {
    identifier: r.token(r.text(root, where, f, 'identifier', true), where, f, 'identifier') ?? '',
    sender: r.token(r.text(root, where, f, 'sender', true), where, f, 'sender') ?? '',
    sent: r.time(r.text(root, where, f, 'sent', true), where, f, 'sent'),
    status: r.oneOf(r.text(root, where, f, 'status', true), CAP_STATUSES, where, f, 'status'),
    msgType: r.oneOf(r.text(root, where, f, 'msgType', true), CAP_MSG_TYPES, where, f, 'msgType'),
    scope: r.oneOf(r.text(root, where, f, 'scope', true), CAP_SCOPES, where, f, 'scope'),
    references: r.text(root, where, f, 'references', false) || null,
    infos: r.all(root, 'info').map((info, k) => readInfo(r, info, k + 1)),
  }
  if (r.errors.length > 0 || !message.sent || !message.status || !message.msgType || !message.scope) {
    const shownErrors = r.errors.slice(0, 5).map((e) => e.message)
    const more = r.errors.length > 5 ? `；另有 ${r.errors.length - 5} 处问题` : ''
    throw invalidCap(`CAP 消息不符合 CAP 1.2：${shownErrors.join('；')}${more}`, r.errors)
  }
  return { ...message, sent: message.sent, status: message.status, msgType: message.msgType, scope: message.scope }
}
