import type { Channel } from '../../domain/warnings/delivery.js'
import type { Db } from '../db/database.js'
import type { Clock } from '../jobs/clock.js'
import { aliyunSmsAdapter } from './aliyun/sms.js'
import { aliyunVoiceAdapter } from './aliyun/voice.js'
import type { ChannelConfig } from './config.js'
import { dingtalkAdapter } from './dingtalk.js'
import { emailAdapter } from './email.js'
import { inappAdapter } from './inapp.js'
import { smsAdapter } from './sms.js'
import { tencentSmsAdapter } from './tencent/sms.js'
import { tencentVoiceAdapter } from './tencent/voice.js'
import type { ChannelAdapter } from './types.js'
import { voiceAdapter } from './voice.js'
import { wecomAdapter } from './wecom.js'

/** Why a channel without configuration refuses: shown on the delivery, so the operator knows what to set. */
export const NOT_CONFIGURED: Record<Exclude<Channel, 'inapp'>, string> = {
  sms: '未配置短信网关（SHOUWANG_SMS_URL 或 SHOUWANG_SMS_PROVIDER）',
  voice: '未配置语音网关（SHOUWANG_VOICE_URL 或 SHOUWANG_VOICE_PROVIDER）',
  email: '未配置邮件服务器（SHOUWANG_SMTP_HOST）',
  wecom: '企业微信群机器人已停用（SHOUWANG_WECOM=false）',
  dingtalk: '钉钉群机器人已停用（SHOUWANG_DINGTALK=false）',
}

/** An adapter for a channel that is off: every message fails at once, and the ladder moves on. */
function offAdapter(channel: Exclude<Channel, 'inapp'>): ChannelAdapter {
  return { channel, send: async () => ({ state: 'failed', error: NOT_CONFIGURED[channel], retryable: false }) }
}

/** SMS by the cloud provider chosen (SHOUWANG_SMS_PROVIDER), else the generic gateway, else off. */
function smsFor(config: ChannelConfig): ChannelAdapter {
  const p = config.smsProvider
  if (p) return p.provider === 'aliyun' ? aliyunSmsAdapter(p) : tencentSmsAdapter(p)
  return config.sms ? smsAdapter(config.sms) : offAdapter('sms')
}

function voiceFor(config: ChannelConfig): ChannelAdapter {
  const p = config.voiceProvider
  if (p) return p.provider === 'aliyun' ? aliyunVoiceAdapter(p) : tencentVoiceAdapter(p)
  return config.voice ? voiceAdapter(config.voice, config.publicBaseUrl) : offAdapter('voice')
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
    ['sms', smsFor(config)],
    ['voice', voiceFor(config)],
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
