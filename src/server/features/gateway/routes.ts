import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { AppError } from '../../errors.js'
import { addressAllowed } from './allow-list.js'
import { smsReceipt, smsReply, voiceResult } from './callbacks.js'
import { providerCallbackRoutes } from './provider-routes.js'
import { CallbackOutcome, SmsReceipt, SmsReply, VoiceResult } from './schema.js'
import { callbackSecret } from './secret.js'
import { SIGNATURE_HEADER, verifyCallback } from './signature.js'

const tags = ['网关回调']

// Callbacks are a few hundred bytes; anything near this is not a gateway.
const BODY_LIMIT = 64 * 1024

/**
 * Callbacks to the gateway routes: from our generic HTTP contract, signed with the callback
 * secret (below), and from the cloud providers, authenticated by a token in their URL
 * (provider-routes.ts). Each in its own encapsulated plugin, so the one's body parser and
 * signature check never apply to the other.
 */
export const gatewayRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(signedCallbackRoutes)
  await app.register(providerCallbackRoutes)
}

/**
 * Callbacks from the SMS and voice gateways (receipts, replies, call results). Public: gateways
 * have no session. Each body must carry its HMAC under the deployment's callback secret (the
 * environment's, else the one generated for this deployment: see secret.ts), and, when
 * SHOUWANG_GATEWAY_ALLOW is set, come from a listed address. Refusals are audited by the errors
 * plugin (codes CALLBACK_ADDRESS, CALLBACK_UNAUTHENTICATED, BAD_SIGNATURE).
 */
const signedCallbackRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // The signature covers the exact bytes sent, so this plugin keeps them: re-serialising the
  // parsed JSON could differ in spacing, key order or escapes and break a valid signature.
  const rawBodies = new WeakMap<FastifyRequest, string>()
  // Bad JSON is reported only after the signature holds: an unsigned request learns nothing.
  const badJson = new WeakSet<FastifyRequest>()
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (req, body, done) => {
    const text = body as string
    rawBodies.set(req, text)
    try {
      done(null, JSON.parse(text))
    } catch {
      badJson.add(req)
      done(null, undefined)
    }
  })

  // Before the body is read: a stranger's request costs nothing more than this.
  app.addHook('onRequest', async (req) => {
    if (!addressAllowed(app.channels.gatewayAllow, req.ip)) {
      throw new AppError('CALLBACK_ADDRESS', 403, `回调来源地址“${req.ip}”不在网关地址白名单（SHOUWANG_GATEWAY_ALLOW）内`)
    }
  })

  // Before validation, so an unsigned request learns nothing about what the schema expects.
  app.addHook('preValidation', async (req) => {
    const given = req.headers[SIGNATURE_HEADER]
    const signature = Array.isArray(given) ? given[0] : given
    if (!signature) {
      throw new AppError('CALLBACK_UNAUTHENTICATED', 401, `回调未签名：缺少请求头 ${SIGNATURE_HEADER}，请在网关配置回调密钥`)
    }
    const secret = await callbackSecret(app.db, app.channels)
    if (!verifyCallback(secret.value, rawBodies.get(req) ?? '', signature)) {
      throw new AppError('BAD_SIGNATURE', 401, '回调签名无效：请核对网关配置的回调密钥')
    }
    if (badJson.has(req)) throw new AppError('BAD_JSON', 400, '回调内容不是有效的 JSON')
  })

  const config = { public: true }
  const description = `网关回调无需登录，但须在请求头 ${SIGNATURE_HEADER} 中携带以回调密钥对请求体原文计算的 HMAC-SHA256（十六进制）；`
    + '回调密钥由系统管理员在“网关回调”页面查看。'

  app.post('/sms/receipt', {
    config,
    schema: { tags, summary: '短信送达回执', description, security: [], body: SmsReceipt, response: { 200: CallbackOutcome } },
  }, async (req) => ({ outcome: await smsReceipt(app.db, app.clock.now(), req.body) }))

  app.post('/sms/reply', {
    config,
    schema: { tags, summary: '短信回复（回复 1 或“收到”即确认）', description, security: [], body: SmsReply, response: { 200: CallbackOutcome } },
  }, async (req) => ({ outcome: await smsReply(app.db, app.clock.now(), req.body) }))

  app.post('/voice/result', {
    config,
    schema: { tags, summary: '语音呼叫结果（按 1 即确认）', description, security: [], body: VoiceResult, response: { 200: CallbackOutcome } },
  }, async (req) => ({ outcome: await voiceResult(app.db, app.clock.now(), req.body) }))
}
