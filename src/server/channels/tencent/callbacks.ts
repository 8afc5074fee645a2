import crypto from 'node:crypto'
import { Type, type Static } from 'typebox'
import type { SmsReceipt, SmsReply, VoiceResult } from '../../features/gateway/schema.js'

/**
 * What Tencent Cloud posts to the callback URLs configured in its SMS and voice message consoles,
 * and the same facts in the shape of our generic callbacks (features/gateway/callbacks.ts), so
 * they go through the one ladder, idempotency and time clamping. The provider wants
 * { result: 0, errmsg: "OK" } back. Fields not used here are allowed: the provider adds some.
 */

const Text = (max: number, title: string) => Type.String({ maxLength: max, title })

/** 短信下发状态通知: a JSON array, several reports per post; `sid` is the send's SerialNo. */
export const TencentSmsStatuses = Type.Array(Type.Object({
  sid: Type.String({ minLength: 1, maxLength: 100, title: '发送标识' }),
  report_status: Type.Union([Type.Literal('SUCCESS'), Type.Literal('FAIL')], { title: '接收状态' }),
  errmsg: Type.Optional(Text(100, '状态码')),
  description: Type.Optional(Text(500, '状态描述')),
  mobile: Type.Optional(Text(30, '手机号码')),
  user_receive_time: Type.Optional(Text(30, '接收时间')),
}), { minItems: 1, maxItems: 1000, title: '腾讯云短信状态报告' })
export type TencentSmsStatuses = Static<typeof TencentSmsStatuses>

/** 短信回复: one object per post; `time` is a Unix timestamp in seconds. */
export const TencentSmsReply = Type.Object({
  mobile: Type.String({ minLength: 1, maxLength: 30, title: '手机号码' }),
  nationcode: Type.Optional(Text(8, '国家码')),
  text: Text(1000, '回复内容'),
  time: Type.Optional(Type.Integer({ minimum: 0, maximum: 99_999_999_999, title: '回复时间' })),
  sign: Type.Optional(Text(100, '短信签名')),
  extend: Type.Optional(Text(30, '扩展码')),
}, { title: '腾讯云短信回复' })
export type TencentSmsReply = Static<typeof TencentSmsReply>

const CallId = Type.String({ minLength: 1, maxLength: 100, title: '呼叫编号' })

/**
 * The voice console's one event URL receives three kinds of post, each an object under its own
 * name: voiceprompt_callback (result "0" answered, "1" not answered, "2" call failed),
 * voicekey_callback (the key pressed) and voice_failure_callback (why the call failed).
 */
export const TencentVoiceEvent = Type.Object({
  voiceprompt_callback: Type.Optional(Type.Object({ callid: CallId, result: Text(10, '呼叫结果') })),
  voicekey_callback: Type.Optional(Type.Object({ callid: CallId, keypress: Text(20, '按键') })),
  voice_failure_callback: Type.Optional(Type.Object({ callid: CallId, failure_reason: Type.Optional(Text(200, '失败原因')) })),
}, { title: '腾讯云语音消息回调' })
export type TencentVoiceEvent = Static<typeof TencentVoiceEvent>

export const TENCENT_ACCEPTED = { result: 0, errmsg: 'OK' } as const

export function receiptOf(r: TencentSmsStatuses[number]): SmsReceipt {
  if (r.report_status === 'SUCCESS') return { id: r.sid, status: 'delivered' }
  const error = [r.errmsg, r.description].filter(Boolean).join(' ').slice(0, 500)
  return { id: r.sid, status: 'failed', error: error || '运营商报告未送达' }
}

/** A reply has no id of its own; number, time and text together name it, so a repeated post is one message. */
export function replyOf(r: TencentSmsReply): SmsReply {
  const what = [r.nationcode ?? '', r.mobile, String(r.time ?? ''), r.text].join('\n')
  const id = `tencent-up:${crypto.createHash('sha256').update(what).digest('hex').slice(0, 40)}`
  const at = r.time ? new Date(r.time * 1000).toISOString() : undefined
  return at ? { id, from: r.mobile, text: r.text, at } : { id, from: r.mobile, text: r.text }
}

/** The call results in one post (normally one), in our terms. */
export function voiceResultsOf(e: TencentVoiceEvent): VoiceResult[] {
  const out: VoiceResult[] = []
  if (e.voicekey_callback) {
    const digits = e.voicekey_callback.keypress.trim()
    out.push({ id: e.voicekey_callback.callid, result: digits.startsWith('1') ? 'confirmed' : 'answered', ...(digits ? { digits } : {}) })
  }
  if (e.voiceprompt_callback) {
    const r = e.voiceprompt_callback.result.trim()
    out.push({ id: e.voiceprompt_callback.callid, result: r === '0' ? 'answered' : r === '1' ? 'no_answer' : 'failed' })
  }
  if (e.voice_failure_callback) out.push({ id: e.voice_failure_callback.callid, result: 'failed' })
  return out
}
