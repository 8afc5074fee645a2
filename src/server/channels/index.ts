import type { Channel } from '../../domain/warnings/delivery.js'
import type { Db } from '../db/database.js'
import type { Clock } from '../jobs/clock.js'
import type { ChannelConfig } from './config.js'
import { dingtalkAdapter } from './dingtalk.js'
import { emailAdapter } from './email.js'
import { inappAdapter } from './inapp.js'
import { smsAdapter } from './sms.js'
import type { ChannelAdapter } from './types.js'
import { voiceAdapter } from './voice.js'
import { wecomAdapter } from './wecom.js'

/** Why a channel without configuration refuses: shown on the delivery, so the operator knows what to set. */
export const NOT_CONFIGURED: Record<Exclude<Channel, 'inapp'>, string> = {
  sms: '未配置短信网关（SHOUWANG_SMS_URL）',
  voice: '未配置语音网关（SHOUWANG_VOICE_URL）',
  email: '未配置邮件服务器（SHOUWANG_SMTP_HOST）',
  wecom: '企业微信群机器人已停用（SHOUWANG_WECOM=false）',
  dingtalk: '钉钉群机器人已停用（SHOUWANG_DINGTALK=false）',
}

/** An adapter for a channel that is off: every message fails at once, and the ladder moves on. */
function offAdapter(channel: Exclude<Channel, 'inapp'>): ChannelAdapter {
  return { channel, send: async () => ({ state: 'failed', error: NOT_CONFIGURED[channel], retryable: false }) }
}

/**
 * One adapter per channel for the dispatcher. Some hold connections (the SMTP pool): call
 * `closeAdapters` when the dispatcher stops. `deps.clock` is accepted for adapters that need
 * the ladder's time; the current ones use the wall clock only for wire-level signatures.
 */
export function adaptersFor(config: ChannelConfig, deps: { db: Db; clock: Clock }): Map<Channel, ChannelAdapter> {
  const timeoutMs = config.sms?.timeoutMs ?? config.voice?.timeoutMs ?? 10_000
  return new Map<Channel, ChannelAdapter>([
    ['inapp', inappAdapter(deps.db)],
    ['sms', config.sms ? smsAdapter(config.sms) : offAdapter('sms')],
    ['voice', config.voice ? voiceAdapter(config.voice, config.publicBaseUrl) : offAdapter('voice')],
    ['email', config.email ? emailAdapter(config.email, Math.max(timeoutMs, 10_000)) : offAdapter('email')],
    ['wecom', config.wecom.enabled ? wecomAdapter(config.wecom) : offAdapter('wecom')],
    ['dingtalk', config.dingtalk.enabled ? dingtalkAdapter(config.dingtalk) : offAdapter('dingtalk')],
  ])
}

/** Releases what adapters hold open (the SMTP connection pool), so the process can exit. */
export function closeAdapters(adapters: Map<Channel, ChannelAdapter>): void {
  for (const adapter of adapters.values()) {
    if ('close' in adapter && typeof adapter.close === 'function') adapter.close()
  }
}
