import type { Channel } from '../../../../domain/warnings/delivery.js'
import { EVENT_CLASSES, isWarningLevel, WARNING_LEVELS, type EventClass } from '../../../../domain/warnings/levels.js'

/** What a message says about its warning: the eight fields of 突发事件应对法 Art. 64. */
export type MessageWarning = {
  level: number
  purpose: 'warning' | 'drill'
  status: string
  eventClass: string
  eventType: string
  headline: string
  description: string
  instruction: string
  areaDesc: string
  senderName: string
  issuedAt: Date | null
  onset: Date
}

export type ComposeInput = {
  warning: MessageWarning
  channel: Channel
  /** Personal confirm link; null for group robots and notices. */
  confirmUrl: string | null
  /** Set when this person receives the warning because people below them stay silent (escalation). */
  standsInFor?: StandIn | null
  /** The cancellation / all-clear notice instead of the warning itself. */
  notice?: boolean
}

export type Composed = { subject: string; text: string; speech: string }

/**
 * Whom a superior brought in by the ladder stands in for: one person by name or a count
 * (escalation-notice.ts), and where the list with their numbers is.
 */
export type StandIn = { who: string; listUrl: string | null }

export const confirmLink = (publicBaseUrl: string, token: string) => `${publicBaseUrl}/c/${token}`

/** 2026年7月20日 10:00, China time whatever the server's zone. */
export function chinaTime(at: Date): string {
  const t = new Date(at.getTime() + 8 * 3_600_000)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${t.getUTCFullYear()}年${t.getUTCMonth() + 1}月${t.getUTCDate()}日 ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}`
}

function levelOf(w: MessageWarning) {
  return isWarningLevel(w.level) ? WARNING_LEVELS[w.level] : null
}

export function subjectOf(w: MessageWarning, notice = false): string {
  const level = levelOf(w)
  const tag = notice
    ? w.status === 'cancelled' ? '预警撤销' : '预警解除'
    : `${level?.short ?? ''}预警`
  return `${w.purpose === 'drill' ? '【通联演练】' : ''}【${tag}】${w.headline}`
}

export function composeMessage(input: ComposeInput): Composed {
  const { warning: w, channel } = input
  if (input.notice) return composeNotice(w)
  const level = levelOf(w)
  const klass = EVENT_CLASSES[w.eventClass as EventClass] ?? w.eventClass
  const issued = chinaTime(w.issuedAt ?? w.onset)
  const drill = w.purpose === 'drill'
  const stand = input.standsInFor
  const standLine = stand
    ? `【叫应升级】${stand.who}未确认收到本预警，请您代为接收并督促落实${stand.listUrl ? `。名单及电话：${stand.listUrl}` : '。'}`
    : null
  const lines = [
    subjectOf(w),
    drill ? '本条为通联演练消息，请点击链接确认收到，无需采取其他行动。' : null,
    standLine,
    `类别：${klass}·${w.eventType}；级别：${level?.label ?? w.level}`,
    `影响范围：${w.areaDesc}`,
    `起始时间：${chinaTime(w.onset)}`,
    `警示事项：${w.description}`,
    `应当采取的措施：${w.instruction}`,
    `发布单位：${w.senderName}；发布时间：${issued}`,
  ]
  const isGroup = channel === 'wecom' || channel === 'dingtalk'
  if (isGroup) lines.push('各责任人请通过短信或系统消息中的个人链接确认收到。')
  // The link right after the subject: the part every screen shows without scrolling.
  else if (input.confirmUrl) lines.splice(1, 0, `确认收到请点击：${input.confirmUrl}`)
  const speech = [
    `这里是${w.senderName}。`,
    drill ? '这是一次通联演练。' : null,
    stand ? `${stand.who}未确认收到预警，请您督促落实。` : null,
    `${w.areaDesc}发布${level?.label ?? ''}${w.eventType}预警：${w.headline}。`,
    drill ? null : `${w.description}。请${w.instruction.replace(/^请/, '')}。`,
    '确认收到请按1。',
  ]
  const sms = channel === 'sms' && input.confirmUrl ? composeSms(w, input.confirmUrl, [standLine]) : null
  return {
    subject: subjectOf(w),
    text: sms ?? lines.filter((l): l is string => l !== null).join('\n'),
    speech: speech.filter((l): l is string => l !== null).join('').replace(/。。/g, '。'),
  }
}

function composeNotice(w: MessageWarning): Composed {
  const what = w.status === 'cancelled' ? '已撤销' : '已解除'
  const text = `${subjectOf(w, true)}\n${w.senderName}于${chinaTime(w.issuedAt ?? w.onset)}发布的“${w.headline}”${what}，请按规定结束相关响应措施。`
  return { subject: subjectOf(w, true), text, speech: `这里是${w.senderName}。${w.headline}${what}。` }
}

/** Characters in one Chinese SMS segment (UCS-2), the signature 【…】 the carrier adds included. */
export const SMS_SEGMENT_CHARS = 70
/** Room kept for that signature: 【吴兴应急】 is 6; a longer one costs the title that much. */
export const SMS_SIGNATURE_CHARS = 6

/**
 * The first SMS of a warning: short, the confirm link early, the rest behind the link (the
 * confirm page shows the area, start and end, and what to do). One segment where it fits: the
 * level tag, a title, the link and the reply hint, with the title shortened from the headline to
 * area and event type, to the event type alone. When even that does not fit (a long address),
 * the link comes straight after the tag and the headline after it. Further lines (standing in for
 * someone silent) always follow the link.
 */
export function composeSms(w: MessageWarning, confirmUrl: string, after: ReadonlyArray<string | null> = [], signatureChars = SMS_SIGNATURE_CHARS): string {
  const level = levelOf(w)
  const head = `${w.purpose === 'drill' ? '【通联演练】' : ''}【${level?.short ?? ''}预警】`
  // A space on both sides: phones end a link at a space, not at a Chinese character. "回1确认"
  // follows the "回T退订" every phone user knows, one character shorter than 回复1确认.
  const tail = ` ${confirmUrl} 回1确认`
  const room = SMS_SEGMENT_CHARS - signatureChars - head.length - tail.length
  const area = w.areaDesc.trim()
  const titles = [w.headline.trim(), `${area}${w.eventType}`, w.eventType]
  let title = titles.find((t) => t.length > 0 && t.length <= room) ?? null
  // An area that nearly fits is cut rather than dropped: "八里店镇、织里…暴雨" tells the reader more than "暴雨".
  const cutArea = room - w.eventType.length - 1
  if (title === w.eventType && area.length > cutArea && cutArea >= 3) title = `${area.slice(0, cutArea)}…${w.eventType}`
  const first = title !== null ? `${head}${title}${tail}` : `${head}${tail.trimStart()}\n${w.headline}`
  return [first, ...after.filter((l): l is string => !!l)].join('\n')
}

