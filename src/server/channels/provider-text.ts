import { normaliseLandline, normaliseMobile } from '../../domain/people/phone.js'
import type { MessageKind, OutgoingMessage } from './types.js'

/**
 * A composed message cut into the variables of a template registered with a cloud SMS or voice
 * provider (channels/aliyun, channels/tencent). Those providers send only approved templates:
 * the county registers one per kind of message, with fixed wording around the variables, and
 * the text we composed travels in the variables. Both providers forbid links in variables, and
 * 【】 anywhere in the content (it is kept for the signature), so:
 *
 * - `title` is the subject with 【…】 turned into （…）: （橙色预警）吴兴区暴雨橙色预警
 * - `content` is the body without the subject, links and the asks to click or reply, ending as
 *   a sentence; the warning template's own fixed text asks for the reply 1 ("确认收到请回复1").
 * - the voice variable is the speech without its closing "确认收到请按1", which the warning TTS
 *   template says itself.
 *
 * `max` (SHOUWANG_SMS_PARAM_MAX, or the voice limits the providers document) shortens a variable
 * that would be refused for its length, ending it with "…": a shortened warning that still asks
 * for the reply is worth more than none.
 */

export type TemplateSet = Record<MessageKind, string>

export const kindOf = (msg: OutgoingMessage): MessageKind => msg.kind ?? 'warning'

const withoutBrackets = (s: string) => s.replace(/【([^】]*)】/g, '（$1）').replace(/[【】]/g, '')

/** At most `max` characters (code points, as the providers count), the last one "…" when cut. */
export function fit(value: string, max: number | null): string {
  const chars = Array.from(value)
  if (max === null || chars.length <= max) return value
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`
}

// Lines that end a sentence already need no separator; the others get "；".
const joinLines = (lines: string[]) =>
  lines.reduce((out, line) => (out === '' ? line : /[。；！？.;!?]$/.test(out) ? out + line : `${out}；${line}`), '')

const REPLY_ASK = /确认收到请回复\s*1(确认)?。?$/
const PRESS_ASK = /确认收到请按\s*1。?$/
const URL = /https?:\/\/\S+/g
// What asks for the link or the reply in a text composed for the generic gateway; the template says it instead.
const CONFIRM_ASK = /确认收到请点击[：:]?|或?回复?\s*1\s*确认[。]?/g
// A label left without its link once the link is cut: "名单及电话：".
const DANGLING_LABEL = /[^\s。；，,;：:]{1,10}[：:]\s*$/

/**
 * The body of a text composed for the generic gateway (features/warnings/delivery/message.ts), made fit for
 * a template variable: links, the asks to click or reply and the subject line cut out. When
 * nothing is left (the warning SMS there is one line of subject, link and "回1确认"), the
 * speech, which says the same in full sentences, gives the body.
 */
function smsBody(msg: OutgoingMessage): string {
  const subject = withoutBrackets(msg.subject)
  const lines = msg.text.split('\n')
    .map((l) => withoutBrackets(l.replace(URL, '').replace(CONFIRM_ASK, '').trim().replace(DANGLING_LABEL, '').trim()))
    .filter((l) => l !== '' && l !== subject)
  const body = joinLines(lines)
  if (body !== '') return body
  return withoutBrackets(msg.speech.replace(PRESS_ASK, '').replace(/^这里是[^。]*。/, '').trim())
}

export function smsVariables(msg: OutgoingMessage, max: number | null): { title: string; content: string } {
  let content = smsBody(msg)
  if (kindOf(msg) === 'warning') content = content.replace(REPLY_ASK, '')
  content ||= withoutBrackets(msg.subject)
  // Ended as a sentence, so the template's own words after it read on.
  if (!/[。！？.!?]$/.test(content)) content += '。'
  return { title: fit(withoutBrackets(msg.subject), max), content: fit(content, max) }
}

export function speechVariable(msg: OutgoingMessage, max: number | null): string {
  const speech = kindOf(msg) === 'warning' ? msg.speech.replace(PRESS_ASK, '') : msg.speech
  return fit(withoutBrackets(speech), max)
}

/** The 11-digit mainland mobile the providers dial, or null: their channels here reach mainland mobiles only. */
export function mainlandMobile(address: string): string | null {
  const m = normaliseMobile(address)
  return m.ok ? m.value : null
}

/** A mobile, or a landline without extension as digits (0572-2012345 → 05722012345), for voice calls that take both. */
export function dialableNumber(address: string): string | null {
  const mobile = mainlandMobile(address)
  if (mobile) return mobile
  const line = normaliseLandline(address)
  return line.ok && /^0\d{2,3}-\d{7,8}$/.test(line.value) ? line.value.replace('-', '') : null
}

export const notMobile = (address: string) => `“${address}”不是中国大陆手机号，无法经云服务商发送`
