import crypto from 'node:crypto'
import type { ChannelConfig } from './config.js'
import { postJson } from './http.js'
import { fitBytes, robotResult } from './robot.js'
import type { ChannelAdapter, SendResult } from './types.js'

const MAX_TEXT_BYTES = 20_000
const SECRET_MARK = '#secret='

/**
 * The delivery address of a 钉钉 robot. A robot with 加签 (signing) needs its secret at send time,
 * and an adapter only sees the message, so the dispatcher passes `<webhook>#secret=<secret>`:
 * the fragment is never sent over the wire, and the adapter strips it and signs each request.
 */
export function dingtalkAddress(webhook: string, secret: string | null): string {
  return secret ? `${webhook}${SECRET_MARK}${encodeURIComponent(secret)}` : webhook
}

export function splitDingtalkAddress(address: string): { webhook: string; secret: string | null } {
  const at = address.indexOf(SECRET_MARK)
  if (at < 0) return { webhook: address, secret: null }
  return { webhook: address.slice(0, at), secret: decodeURIComponent(address.slice(at + SECRET_MARK.length)) }
}

/** 钉钉 加签: base64 HMAC-SHA256 over "<timestamp ms>\n<secret>", keyed by the secret. */
export function dingtalkSign(timestamp: number, secret: string): string {
  return crypto.createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64')
}

/**
 * A 钉钉 group robot. 钉钉 checks the signature's timestamp against its own clock (within an hour),
 * so signing uses the wall clock, not the ladder's clock.
 */
export function dingtalkAdapter(config: ChannelConfig['dingtalk']): ChannelAdapter {
  return {
    channel: 'dingtalk',
    async send(msg, signal): Promise<SendResult> {
      const { webhook, secret } = splitDingtalkAddress(msg.address)
      let url = webhook
      if (secret) {
        const timestamp = Date.now()
        url += `${webhook.includes('?') ? '&' : '?'}timestamp=${timestamp}&sign=${encodeURIComponent(dingtalkSign(timestamp, secret))}`
      }
      const res = await postJson(url, { msgtype: 'text', text: { content: fitBytes(msg.text, MAX_TEXT_BYTES) } }, {
        peer: '钉钉机器人', timeoutMs: config.timeoutMs, signal,
      })
      return robotResult(res, '钉钉机器人')
    },
  }
}
