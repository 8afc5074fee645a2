import type { ChannelConfig } from './config.js'
import { postJson } from './http.js'
import { acceptedId } from './sms.js'
import type { ChannelAdapter, SendResult } from './types.js'

/** Where voice gateways post call results (features/gateway/routes.ts). */
export const voiceResultPath = '/api/gateway/voice/result'

/**
 * Voice calls through our generic HTTP gateway: POST { key, to, speech, callbackUrl } → { id }.
 * The gateway reads `speech` by text-to-speech and posts the result (pressed 1 = confirmed) to
 * `callbackUrl`; "sent" here only means the call was placed.
 */
export function voiceAdapter(config: NonNullable<ChannelConfig['voice']>, publicBaseUrl: string): ChannelAdapter {
  const callbackUrl = `${publicBaseUrl.replace(/\/$/, '')}${voiceResultPath}`
  return {
    channel: 'voice',
    async send(msg, signal): Promise<SendResult> {
      const res = await postJson(config.url, { key: msg.key, to: msg.address, speech: msg.speech, callbackUrl }, {
        peer: '语音网关', token: config.token, timeoutMs: config.timeoutMs, signal,
      })
      if (!res.ok) return { state: 'failed', error: res.error, retryable: res.retryable }
      return acceptedId(res.body, '语音网关')
    },
  }
}
