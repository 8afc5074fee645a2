import { kindOf, mainlandMobile, notMobile, speechVariable } from '../provider-text.js'
import type { ChannelAdapter, SendResult } from '../types.js'
import { callTc3 } from './client.js'
import type { TencentVoiceConfig } from './config.js'

/**
 * Voice notification calls through Tencent Cloud's VMS SendTtsVoice (API version 2020-09-02):
 * the template registered for the message's kind, with the speech as its one variable {1}. The
 * call's answer, the keys pressed (1 confirms) and failures come back as voiceprompt_callback,
 * voicekey_callback and voice_failure_callback (features/gateway/provider-routes.ts), naming
 * the CallId. "sent" here only means the call was placed. VMS calls mainland mobiles only.
 */

// The API documents that a voice message's content stays within 350 characters; the template's
// own words take part of that.
export const TENCENT_TTS_PARAM_MAX = 300

const PLAY_TIMES = 2

export function tencentVoiceAdapter(config: TencentVoiceConfig): ChannelAdapter {
  return {
    channel: 'voice',
    async send(msg, signal): Promise<SendResult> {
      const phone = mainlandMobile(msg.address)
      if (!phone) return { state: 'failed', error: notMobile(msg.address), retryable: false }
      const res = await callTc3(config.endpoint, {
        service: 'vms', action: 'SendTtsVoice', version: '2020-09-02', region: config.region, creds: config.credentials,
        payload: {
          TemplateId: config.templates[kindOf(msg)],
          CalledNumber: `+86${phone}`,
          VoiceSdkAppid: config.appId,
          TemplateParamSet: [speechVariable(msg, TENCENT_TTS_PARAM_MAX)],
          PlayTimes: PLAY_TIMES,
          SessionContext: msg.key,
        },
      }, { peer: '腾讯云语音接口', timeoutMs: config.timeoutMs, signal })
      if (!res.ok) return { state: 'failed', error: res.error, retryable: res.retryable }
      const status = res.response.SendStatus as Record<string, unknown> | undefined
      const callId = status?.CallId
      if (typeof callId === 'string' && callId !== '') return { state: 'sent', providerId: callId }
      return { state: 'failed', error: '腾讯云语音接口的应答缺少呼叫编号（CallId）', retryable: false }
    },
  }
}
