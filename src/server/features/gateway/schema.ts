import { Type, type Static } from 'typebox'

const ProviderId = Type.String({ minLength: 1, maxLength: 100, title: '网关消息编号' })

export const SmsReceipt = Type.Object({
  id: ProviderId,
  status: Type.Union([Type.Literal('delivered'), Type.Literal('failed')], { title: '回执状态' }),
  error: Type.Optional(Type.String({ maxLength: 500, title: '失败原因' })),
}, { title: '短信回执' })
export type SmsReceipt = Static<typeof SmsReceipt>

export const SmsReply = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100, title: '上行短信编号' }),
  from: Type.String({ minLength: 1, maxLength: 30, title: '发送号码' }),
  text: Type.String({ maxLength: 1000, title: '短信内容' }),
  at: Type.Optional(Type.String({ format: 'date-time', title: '接收时间' })),
}, { title: '短信回复' })
export type SmsReply = Static<typeof SmsReply>

export const VOICE_RESULTS = ['confirmed', 'answered', 'no_answer', 'busy', 'failed'] as const

export const VoiceResult = Type.Object({
  id: ProviderId,
  // Spelled out rather than mapped from VOICE_RESULTS: a mapped array is not a tuple, and the
  // static type of a union over it is never.
  result: Type.Union([
    Type.Literal('confirmed'), Type.Literal('answered'), Type.Literal('no_answer'), Type.Literal('busy'), Type.Literal('failed'),
  ], { title: '呼叫结果' }),
  digits: Type.Optional(Type.String({ maxLength: 20, title: '按键' })),
}, { title: '语音呼叫结果' })
export type VoiceResult = Static<typeof VoiceResult>

export const CallbackOutcome = Type.Object({
  outcome: Type.String({
    description: 'delivered / failed 已记录回执；acknowledged 已确认；already 此前已确认；closed 预警已结束；'
      + 'ignored 不是确认回复；unknown_sender 号码不在通讯录；no_pending 没有待确认的预警；'
      + 'answered / no_answer / busy 已记录呼叫结果；duplicate 重复回调，未作改动',
  }),
})
