import type { Channel } from '../../../domain/warnings/delivery.js'
import { EVENT_CLASSES, isWarningLevel, WARNING_LEVELS, type EventClass } from '../../../domain/warnings/levels.js'

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
  /** Set when this person stands in for a silent one (escalation): whom they chase. */
  standsInFor?: { name: string; post: string | null; regionName: string } | null
  /** The cancellation / all-clear notice instead of the warning itself. */
  notice?: boolean
  /** An escalation notice to someone who has the warning already: whom to chase. */
  silent?: { name: string; post: string | null; regionName: string } | null
}

export type Composed = { subject: string; text: string; speech: string }

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
  if (input.silent) return composeEscalation(w, input.silent)
  const level = levelOf(w)
  const klass = EVENT_CLASSES[w.eventClass as EventClass] ?? w.eventClass
  const issued = chinaTime(w.issuedAt ?? w.onset)
  const drill = w.purpose === 'drill'
  const stand = input.standsInFor
  const standLine = stand
    ? `${stand.regionName}${stand.post ?? ''}${stand.name}未确认收到本预警，请您代为接收并督促落实。`
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
  else if (input.confirmUrl) {
    lines.push(channel === 'sms'
      ? `确认收到请点击 ${input.confirmUrl} 或回复1确认`
      : `确认收到请点击：${input.confirmUrl}`)
  }
  const speech = [
    `这里是${w.senderName}。`,
    drill ? '这是一次通联演练。' : null,
    stand ? `${stand.regionName}${stand.post ?? ''}${stand.name}未确认收到预警，请您督促落实。` : null,
    `${w.areaDesc}发布${level?.label ?? ''}${w.eventType}预警：${w.headline}。`,
    drill ? null : `${w.description}。请${w.instruction.replace(/^请/, '')}。`,
    '确认收到请按1。',
  ]
  return {
    subject: subjectOf(w),
    text: lines.filter((l): l is string => l !== null).join('\n'),
    speech: speech.filter((l): l is string => l !== null).join('').replace(/。。/g, '。'),
  }
}

function composeEscalation(w: MessageWarning, s: NonNullable<ComposeInput['silent']>): Composed {
  const who = `${s.regionName}${s.post ?? ''}${s.name}`
  const subject = `${w.purpose === 'drill' ? '【通联演练】' : ''}【叫应升级】${who}未确认预警`
  const text = `${subject}\n${who}经多次短信和电话呼叫，仍未确认收到“${w.headline}”。请立即设法联系，必要时上门叫应，并在系统“上门叫应任务”中办结。`
  return { subject, text, speech: `这里是${w.senderName}。${who}未确认收到${w.headline}，请立即联系或上门叫应。` }
}

function composeNotice(w: MessageWarning): Composed {
  const what = w.status === 'cancelled' ? '已撤销' : '已解除'
  const text = `${subjectOf(w, true)}\n${w.senderName}于${chinaTime(w.issuedAt ?? w.onset)}发布的“${w.headline}”${what}，请按规定结束相关响应措施。`
  return { subject: subjectOf(w, true), text, speech: `这里是${w.senderName}。${w.headline}${what}。` }
}
