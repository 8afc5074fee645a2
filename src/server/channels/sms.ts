import type { ChannelConfig } from './config.js'
import { postJson } from './http.js'
import type { ChannelAdapter, SendResult } from './types.js'

/**
 * SMS through our generic HTTP gateway: POST { key, to, text } → { id }. The gateway treats a
 * repeated key as the same message, so a retry after a timeout cannot send twice.
 */
export function smsAdapter(config: NonNullable<ChannelConfig['sms']>): ChannelAdapter {
  return {
    channel: 'sms',
    async send(msg, signal): Promise<SendResult> {
      const res = await postJson(config.url, { key: msg.key, to: msg.address, text: msg.text }, {
        peer: '短信网关', token: config.token, timeoutMs: config.timeoutMs, signal,
      })
      if (!res.ok) return { state: 'failed', error: res.error, retryable: res.retryable }
      return acceptedId(res.body, '短信网关')
    },
  }
}

/**
 * The gateway's message id, which its receipts will name. A 2xx without one still took the
 * message; retrying with the same key is safe and gets the id.
 */
export function acceptedId(body: unknown, peer: string): SendResult {
  const id = body && typeof body === 'object' ? (body as Record<string, unknown>).id : undefined
  if (typeof id === 'string' && id !== '') return { state: 'sent', providerId: id }
  if (typeof id === 'number') return { state: 'sent', providerId: String(id) }
  return { state: 'failed', error: `${peer}的应答缺少消息编号（id）`, retryable: true }
}
