import { Type, type Static } from 'typebox'

/** What an administrator enters in the SMS and voice gateways' set-up so their callbacks are taken. */
export const GatewaySettings = Type.Object({
  secret: Type.String({ title: '回调密钥' }),
  source: Type.Union([Type.Literal('env'), Type.Literal('generated')], {
    title: '密钥来源', description: 'env 由环境变量 SHOUWANG_CALLBACK_SECRET 设定；generated 由本部署自动生成，可在此轮换',
  }),
  header: Type.String({ title: '签名请求头' }),
  algorithm: Type.String({ title: '签名算法' }),
  callbackUrls: Type.Object({
    smsReceipt: Type.String({ title: '短信回执地址' }),
    smsReply: Type.String({ title: '短信回复地址' }),
    voiceResult: Type.String({ title: '语音呼叫结果地址' }),
  }, { title: '回调地址' }),
  allow: Type.Array(Type.String(), { title: '网关地址白名单', description: '为空表示不限来源地址（仍须签名）' }),
}, { title: '网关回调设置' })
export type GatewaySettings = Static<typeof GatewaySettings>
