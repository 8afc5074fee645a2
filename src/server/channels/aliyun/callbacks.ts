import crypto from 'node:crypto'
import { Type, type Static } from 'typebox'
import type { SmsReceipt, SmsReply, VoiceResult } from '../../features/gateway/schema.js'

/**
 * What Alibaba Cloud pushes in its HTTP batch mode (HTTP批量推送), and the same facts in the shape
 * of our generic callbacks (features/gateway/callbacks.ts), so receipts, replies and call results
 * from this provider go through the one ladder, idempotency and time clamping. Each push is a JSON
 * array (several reports may come together); the provider wants { code: 0 } back, else it pushes
 * again (after 1, 5 and 10 minutes). Fields not used here are allowed: the provider adds some.
 */

const Text = (max: number, title: string) => Type.String({ maxLength: max, title })

/** SmsReport: one per message sent with SendSms, named by its BizId. */
export const AliyunSmsReports = Type.Array(Type.Object({
  biz_id: Type.String({ minLength: 1, maxLength: 100, title: '发送回执ID' }),
  success: Type.Boolean({ title: '是否接收成功' }),
  err_code: Type.Optional(Text(100, '状态报告编码')),
  err_msg: Type.Optional(Text(500, '状态报告说明')),
  phone_number: Type.Optional(Text(30, '手机号码')),
  report_time: Type.Optional(Text(30, '状态报告时间')),
}), { minItems: 1, maxItems: 1000, title: '阿里云短信状态报告' })
export type AliyunSmsReports = Static<typeof AliyunSmsReports>

/** SmsUp: a text a phone sent back to the signature's number. */
export const AliyunSmsUps = Type.Array(Type.Object({
  phone_number: Type.String({ minLength: 1, maxLength: 30, title: '手机号码' }),
  content: Text(1000, '发送内容'),
  send_time: Type.Optional(Text(30, '发送时间')),
  sequence_id: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }), Text(50, '序列号')], { title: '序列号' })),
  dest_code: Type.Optional(Text(30, '上行短信扩展号码')),
}), { minItems: 1, maxItems: 1000, title: '阿里云上行短信' })
export type AliyunSmsUps = Static<typeof AliyunSmsUps>

/** VoiceReport: the end of a call, with the keys pressed. */
export const AliyunVoiceReports = Type.Array(Type.Object({
  call_id: Type.String({ minLength: 1, maxLength: 100, title: '呼叫ID' }),
  status_code: Text(20, '呼叫结果状态码'),
  status_msg: Type.Optional(Text(200, '结果描述')),
  dtmf: Type.Optional(Text(20, '按键')),
  end_time: Type.Optional(Text(30, '通话结束时间')),
}), { minItems: 1, maxItems: 1000, title: '阿里云语音呼叫记录' })
export type AliyunVoiceReports = Static<typeof AliyunVoiceReports>

/** The answer the provider expects to every push. */
export const ALIYUN_ACCEPTED = { code: 0, msg: '接收成功' } as const

/** "2017-01-01 00:00:00", Beijing time as the provider writes it, as ISO 8601; undefined if not that. */
export function beijingIso(text: string | undefined): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})$/.exec(text?.trim() ?? '')
  return m ? new Date(`${m[1]}T${m[2]}+08:00`).toISOString() : undefined
}

export function receiptOf(r: AliyunSmsReports[number]): SmsReceipt {
  if (r.success) return { id: r.biz_id, status: 'delivered' }
  const error = [r.err_code, r.err_msg].filter(Boolean).join(' ').slice(0, 500)
  return { id: r.biz_id, status: 'failed', error: error || '运营商报告未送达' }
}

/**
 * The provider gives an upstream message no id of its own; number, time, sequence and text
 * together name it, so the same push repeated is recognised as one message.
 */
export function replyOf(r: AliyunSmsUps[number]): SmsReply {
  const what = [r.phone_number, r.send_time ?? '', String(r.sequence_id ?? ''), r.content].join('\n')
  const id = `aliyun-up:${crypto.createHash('sha256').update(what).digest('hex').slice(0, 40)}`
  const at = beijingIso(r.send_time)
  return at ? { id, from: r.phone_number, text: r.content, at } : { id, from: r.phone_number, text: r.content }
}

// Call result status codes (呼叫状态码) as documented: 200000 listened to the end, 200001 hung up
// early, 200008 picked up but pressed nothing in time; 200002 busy; 200003 rang, not answered.
const ANSWERED = new Set(['200000', '200001', '200008'])

export function voiceResultOf(r: AliyunVoiceReports[number]): VoiceResult {
  const digits = r.dtmf?.trim() || undefined
  const base = { id: r.call_id, ...(digits ? { digits } : {}) }
  if (digits?.startsWith('1')) return { ...base, result: 'confirmed' }
  if (ANSWERED.has(r.status_code)) return { ...base, result: 'answered' }
  if (r.status_code === '200002') return { ...base, result: 'busy' }
  if (r.status_code === '200003') return { ...base, result: 'no_answer' }
  return { ...base, result: 'failed' }
}
