import crypto from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type, type TSchema } from 'typebox'
import * as aliyun from '../../channels/aliyun/callbacks.js'
import * as tencent from '../../channels/tencent/callbacks.js'
import type { Db } from '../../db/database.js'
import { AppError } from '../../errors.js'
import { addressAllowed } from './allow-list.js'
import { smsReceipt, smsReply, voiceResult } from './callbacks.js'
import { callbackSecret } from './secret.js'

/**
 * Callbacks pushed by the cloud SMS and voice providers (Alibaba Cloud, Tencent Cloud): delivery
 * reports, replies, call results and keys pressed. These providers cannot sign with our HMAC, so
 * the callback URL itself carries a token: the first 128 bits of HMAC-SHA256 of the provider's
 * name under the deployment's callback secret (secret.ts). Only someone who was given the URL,
 * from the 网关回调 page, can post; rotating the secret changes the token, and the URLs must then
 * be entered again in the providers' consoles. SHOUWANG_GATEWAY_ALLOW, when set, also limits
 * the addresses. Refusals are answered 401/403 before the body is read and audited by the errors
 * plugin (CALLBACK_UNAUTHENTICATED, CALLBACK_ADDRESS).
 *
 * Each report becomes the generic callback it stands for (callbacks.ts: smsReceipt, smsReply,
 * voiceResult), so the ladder, idempotency and time clamping are the same for every gateway.
 */

export type CloudProvider = 'aliyun' | 'tencent'

export function providerCallbackToken(secret: string, provider: CloudProvider): string {
  return crypto.createHmac('sha256', secret).update(`shouwang-provider-callback:${provider}`).digest('hex').slice(0, 32)
}

/** What the operator enters in each provider's console (回执消息配置 / 事件回调配置). */
export function providerCallbackUrls(publicBaseUrl: string, secret: string) {
  const a = `${publicBaseUrl}/api/gateway/aliyun/${providerCallbackToken(secret, 'aliyun')}`
  const t = `${publicBaseUrl}/api/gateway/tencent/${providerCallbackToken(secret, 'tencent')}`
  return {
    aliyunSmsReport: `${a}/sms-report`,
    aliyunSmsUp: `${a}/sms-up`,
    aliyunVoiceReport: `${a}/voice-report`,
    tencentSmsStatus: `${t}/sms-status`,
    tencentSmsReply: `${t}/sms-reply`,
    tencentVoice: `${t}/voice`,
  }
}

const TOKEN_SHAPE = /^[0-9a-f]{32}$/

function sameToken(given: string, expected: string): boolean {
  return given.length === expected.length && crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected))
}

// A batch of a thousand reports is about 300 KB; more than this is not a provider.
const BODY_LIMIT = 512 * 1024
const tags = ['网关回调']
const TokenParam = Type.Object({ token: Type.String({ maxLength: 200, title: '回调令牌' }) })
const AliyunAnswer = Type.Object({ code: Type.Integer(), msg: Type.String() })
const TencentAnswer = Type.Object({ result: Type.Integer(), errmsg: Type.String() })

/** In order, each in its own transaction: a failure answers 5xx and the provider pushes the batch again, which repeats nothing already applied. */
async function each<T>(items: readonly T[], apply: (item: T) => Promise<unknown>): Promise<void> {
  for (const item of items) await apply(item)
}

export const providerCallbackRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db: Db = app.db

  /** Before the body is read: a stranger's request costs nothing more than this. */
  const authenticate = (provider: CloudProvider) => async (req: FastifyRequest) => {
    if (!addressAllowed(app.channels.gatewayAllow, req.ip)) {
      throw new AppError('CALLBACK_ADDRESS', 403, `回调来源地址“${req.ip}”不在网关地址白名单（SHOUWANG_GATEWAY_ALLOW）内`)
    }
    const given = (req.params as { token?: unknown }).token
    const refused = () => new AppError('CALLBACK_UNAUTHENTICATED', 401, '回调地址中的令牌无效：请在“网关回调”页面复制云服务商回调地址，填入其控制台')
    // A malformed token is refused before the secret is read (which would make it on first use).
    if (typeof given !== 'string' || !TOKEN_SHAPE.test(given)) throw refused()
    const secret = await callbackSecret(db, app.channels)
    if (!sameToken(given, providerCallbackToken(secret.value, provider))) throw refused()
  }
  const options = <B extends TSchema, R extends TSchema>(provider: CloudProvider, summary: string, body: B, answer: R) => ({
    config: { public: true },
    bodyLimit: BODY_LIMIT,
    onRequest: authenticate(provider),
    schema: {
      tags, summary, security: [], params: TokenParam, body, response: { 200: answer },
      description: '无需登录；回调地址中含本部署的回调令牌（见“网关回调”页面），令牌不符一律拒绝。',
    },
  })

  app.post('/aliyun/:token/sms-report', options('aliyun', '阿里云短信状态报告（SmsReport）', aliyun.AliyunSmsReports, AliyunAnswer), async (req) => {
    const now = app.clock.now()
    await each(req.body, (r) => smsReceipt(db, now, aliyun.receiptOf(r)))
    return aliyun.ALIYUN_ACCEPTED
  })

  app.post('/aliyun/:token/sms-up', options('aliyun', '阿里云上行短信（SmsUp，回复 1 即确认）', aliyun.AliyunSmsUps, AliyunAnswer), async (req) => {
    const now = app.clock.now()
    await each(req.body, (r) => smsReply(db, now, aliyun.replyOf(r)))
    return aliyun.ALIYUN_ACCEPTED
  })

  app.post('/aliyun/:token/voice-report', options('aliyun', '阿里云语音呼叫记录（VoiceReport，按 1 即确认）', aliyun.AliyunVoiceReports, AliyunAnswer), async (req) => {
    const now = app.clock.now()
    await each(req.body, (r) => voiceResult(db, now, aliyun.voiceResultOf(r)))
    return aliyun.ALIYUN_ACCEPTED
  })

  app.post('/tencent/:token/sms-status', options('tencent', '腾讯云短信下发状态通知', tencent.TencentSmsStatuses, TencentAnswer), async (req) => {
    const now = app.clock.now()
    await each(req.body, (r) => smsReceipt(db, now, tencent.receiptOf(r)))
    return tencent.TENCENT_ACCEPTED
  })

  app.post('/tencent/:token/sms-reply', options('tencent', '腾讯云短信回复（回复 1 即确认）', tencent.TencentSmsReply, TencentAnswer), async (req) => {
    await smsReply(db, app.clock.now(), tencent.replyOf(req.body))
    return tencent.TENCENT_ACCEPTED
  })

  app.post('/tencent/:token/voice', options('tencent', '腾讯云语音消息回调（状态、按键、失败原因；按 1 即确认）', tencent.TencentVoiceEvent, TencentAnswer), async (req) => {
    const now = app.clock.now()
    await each(tencent.voiceResultsOf(req.body), (r) => voiceResult(db, now, r))
    return tencent.TENCENT_ACCEPTED
  })
}
