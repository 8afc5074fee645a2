import { CHANNELS, DELIVERY_STATES, RECIPIENT_REASONS, RECIPIENT_STATES } from '../../domain/warnings/delivery.js'
import { NOTICE_STEP_LABELS } from '../../domain/warnings/ladder.js'
import { confirmedPercent } from '../../domain/warnings/progress.js'
import { WARNING_LEVELS, WARNING_STATUSES, type WarningLevel, type WarningStatus } from '../../domain/warnings/levels.js'

/** Tag colours of the statuses: what still needs someone's action stands out. */
export const STATUS_COLORS: Record<WarningStatus, string> = {
  draft: 'default',
  submitted: 'blue',
  issued: 'green',
  cancelled: 'red',
  ended: 'default',
}

export function statusLabel(status: string): string {
  return (WARNING_STATUSES as Record<string, string>)[status] ?? status
}

export function levelInfo(level: number) {
  return WARNING_LEVELS[level as WarningLevel] ?? { label: `${level}级`, short: `${level}级`, color: '#8c8c8c' }
}

/** Yellow is unreadable as text on white; its tags get dark text. */
export function levelTextColor(level: number): string {
  return level === 3 ? '#614700' : '#fff'
}

export function channelLabel(channel: string): string {
  return (CHANNELS as Record<string, string>)[channel] ?? channel
}

export function deliveryStateLabel(state: string): string {
  return (DELIVERY_STATES as Record<string, string>)[state] ?? state
}

export function recipientStateLabel(state: string): string {
  return (RECIPIENT_STATES as Record<string, string>)[state] ?? state
}

export function reasonLabel(reason: string): string {
  return (RECIPIENT_REASONS as Record<string, string>)[reason] ?? reason
}

export const RECIPIENT_STATE_COLORS: Record<string, string> = {
  pending: 'warning',
  acknowledged: 'success',
  escalated: 'orange',
  unreachable: 'error',
}

/**
 * How far the ladder went (domain/warnings/ladder.ts): 0 after wave 1, k after the k-th voice
 * call, beyond the calls once escalated. Negative steps are notices: the cancellation /
 * all-clear (-1), an escalation notice to a superior (-2), a digest of those (-3).
 */
export function stepLabel(step: number, state?: string): string {
  if (step < 0) return NOTICE_STEP_LABELS[step] ?? '通知'
  if (state === 'escalated') return '已升级'
  if (step === 0) return '首轮'
  return `语音第 ${step} 次`
}

/** Percent with one decimal: never 0 once someone confirmed, never 100 before everyone has. */
export const percent = confirmedPercent

/** 1 小时 5 分, 3 分 20 秒, 45 秒: how long since issue, or how long to 100%. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || seconds < 0) return '—'
  const s = Math.floor(seconds)
  const d = Math.floor(s / 86400)
  const h = Math.floor((s % 86400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  if (d > 0) return `${d} 天 ${h} 小时`
  if (h > 0) return `${h} 小时 ${m} 分`
  if (m > 0) return `${m} 分 ${sec} 秒`
  return `${sec} 秒`
}
