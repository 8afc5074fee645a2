import { dialableNumber, kindOf, notMobile, speechVariable } from '../provider-text.js'
import type { ChannelAdapter, SendResult } from '../types.js'
import { callRpc } from './client.js'
import type { AliyunVoiceConfig } from './config.js'

/**
 * Voice notification calls through Alibaba Cloud's dyvmsapi SingleCallByTts (API version
 * 2017-05-25): the TTS template registered for the message's kind, read with the speech as its
 * variable `content`. The call's end comes back in a VoiceReport (features/gateway/provider-routes.ts),
 * with the keys pressed in `dtmf`: 1 confirms. "sent" here only means the call was placed.
 */

// The API documents that all variables together must stay under 250 characters.
export const ALIYUN_TTS_PARAM_MAX = 249

// Played twice: the first time often goes to "hello?" and fumbling for the phone.
const PLAY_TIMES = '2'

export function aliyunVoiceAdapter(config: AliyunVoiceConfig): ChannelAdapter {
  return {
    channel: 'voice',
    async send(msg, signal): Promise<SendResult> {
      const number = dialableNumber(msg.address)
      if (!number) return { state: 'failed', error: notMobile(msg.address), retryable: false }
      const params: Record<string, string> = {
        Action: 'SingleCallByTts',
        Version: '2017-05-25',
        RegionId: 'cn-hangzhou',
        CalledNumber: number,
        TtsCode: config.templates[kindOf(msg)],
        TtsParam: JSON.stringify({ content: speechVariable(msg, ALIYUN_TTS_PARAM_MAX) }),
        PlayTimes: PLAY_TIMES,
      }
      if (config.showNumber) params.CalledShowNumber = config.showNumber
      // OutId is limited to 15 bytes: the delivery id fits, the key does not.
      const outId = String(msg.deliveryId)
      if (outId.length <= 15) params.OutId = outId
      const res = await callRpc(config.endpoint, params, config.credentials, { peer: '阿里云语音接口', timeoutMs: config.timeoutMs, signal })
      if (!res.ok) return { state: 'failed', error: res.error, retryable: res.retryable }
      const callId = res.body.CallId
      if (typeof callId === 'string' && callId !== '') return { state: 'sent', providerId: callId }
      return { state: 'failed', error: '阿里云语音接口的应答缺少呼叫编号（CallId）', retryable: false }
    },
  }
}
