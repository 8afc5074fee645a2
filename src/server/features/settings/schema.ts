import { Type, type Static } from 'typebox'
import { Count, MAX_INT4 } from '../../schema/numbers.js'

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
  providerCallbackUrls: Type.Optional(Type.Object({
    aliyunSmsReport: Type.String({ title: '阿里云短信状态报告（SmsReport）地址' }),
    aliyunSmsUp: Type.String({ title: '阿里云上行短信（SmsUp）地址' }),
    aliyunVoiceReport: Type.String({ title: '阿里云语音呼叫记录（VoiceReport）地址' }),
    tencentSmsStatus: Type.String({ title: '腾讯云短信状态回调地址' }),
    tencentSmsReply: Type.String({ title: '腾讯云短信回复回调地址' }),
    tencentVoice: Type.String({ title: '腾讯云语音消息回调地址' }),
  }, {
    title: '云服务商回调地址',
    description: '选用阿里云或腾讯云（SHOUWANG_SMS_PROVIDER、SHOUWANG_VOICE_PROVIDER）时给出；地址中含由回调密钥派生的令牌，轮换密钥后须重新填入云服务商控制台',
  })),
}, { title: '网关回调设置' })
export type GatewaySettings = Static<typeof GatewaySettings>

const JurisdictionLevel = Type.Union([Type.Literal('province'), Type.Literal('city'), Type.Literal('county'), Type.Literal('township'), Type.Literal('village')], {
  title: '辖区层级', description: 'province 省级、city 市级、county 区县级、township 乡镇街道级、village 村社区级',
})

export const IssuingRuleSchema = Type.Object({
  jurisdiction: JurisdictionLevel,
  levels: Type.Array(Type.Integer({ minimum: 1, maximum: 4, title: '预警级别' }), { minItems: 1, maxItems: 4, uniqueItems: true, title: '可审批发布的预警级别' }),
  eventTypes: Type.Array(Type.String({ minLength: 1, maxLength: 50, title: '事件类型' }), { maxItems: 50, uniqueItems: true, title: '事件类型', description: '为空表示全部事件类型' }),
}, { additionalProperties: false, title: '发布规则' })

/** Who may approve and issue which warnings in this deployment, and whether a second person must approve. */
export const IssuingSettings = Type.Object({
  fourEyes: Type.Boolean({ title: '双人审批', description: '起草、修改或提交预警的人不能审批发布该预警' }),
  fourEyesOffReason: Type.Union([Type.String(), Type.Null()], { title: '关闭双人审批的理由' }),
  rules: Type.Array(IssuingRuleSchema, { title: '发布规则' }),
  isDefault: Type.Boolean({ title: '是否为默认规则', description: '尚未修改过时为真：区县、市级可发布各级预警，乡镇街道只能发布三、四级，村社区不能发布' }),
  version: Type.Integer({ title: '版本号' }),
  updatedAt: Type.Union([Type.String(), Type.Null()], { title: '修改时间' }),
}, { title: '预警发布规则' })
export type IssuingSettings = Static<typeof IssuingSettings>

export const IssuingSettingsInput = Type.Object({
  fourEyes: Type.Boolean({ title: '双人审批' }),
  fourEyesOffReason: Type.Optional(Type.Union([Type.String({ maxLength: 200, title: '关闭双人审批的理由' }), Type.Null()])),
  rules: Type.Array(IssuingRuleSchema, { maxItems: 50, title: '发布规则' }),
  version: Count('版本号', 0, MAX_INT4, { description: '读取时的版本号；从未修改过时为 0' }),
}, { additionalProperties: false, title: '预警发布规则' })
export type IssuingSettingsInput = Static<typeof IssuingSettingsInput>
