import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { AppError } from '../../errors.js'
import { smsReceipt, smsReply, voiceResult } from './callbacks.js'
import { CallbackOutcome, SmsReceipt, SmsReply, VoiceResult } from './schema.js'
import { SIGNATURE_HEADER, verifyCallback } from './signature.js'

const tags = ['网关回调']

// Callbacks are a few hundred bytes; anything near this is not a gateway.
const BODY_LIMIT = 64 * 1024

/**
 * Callbacks from the SMS and voice gateways (receipts, replies, call results). Public: gateways
 * have no session; when a callback secret is configured, each body must carry its HMAC.
 */
export const gatewayRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // The signature covers the exact bytes sent, so this plugin keeps them: re-serialising the
  // parsed JSON could differ in spacing, key order or escapes and break a valid signature.
  const rawBodies = new WeakMap<FastifyRequest, string>()
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (req, body, done) => {
    const text = body as string
    rawBodies.set(req, text)
    try {
      done(null, JSON.parse(text))
    } catch {
      done(new AppError('BAD_JSON', 400, '回调内容不是有效的 JSON'), undefined)
    }
  })

  // Before validation, so an unsigned request learns nothing about what the schema expects.
  app.addHook('preValidation', async (req) => {
    const secret = app.channels.callbackSecret
    if (!secret) return
    const given = req.headers[SIGNATURE_HEADER]
    if (!verifyCallback(secret, rawBodies.get(req) ?? '', Array.isArray(given) ? given[0] : given)) {
      throw new AppError('BAD_SIGNATURE', 401, '回调签名无效：请核对网关配置的回调密钥')
    }
  })

  const config = { public: true }

  app.post('/sms/receipt', {
    config,
    schema: { tags, summary: '短信送达回执', body: SmsReceipt, response: { 200: CallbackOutcome } },
  }, async (req) => ({ outcome: await smsReceipt(app.db, app.clock.now(), req.body) }))

  app.post('/sms/reply', {
    config,
    schema: { tags, summary: '短信回复（回复 1 或“收到”即确认）', body: SmsReply, response: { 200: CallbackOutcome } },
  }, async (req) => ({ outcome: await smsReply(app.db, app.clock.now(), req.body) }))

  app.post('/voice/result', {
    config,
    schema: { tags, summary: '语音呼叫结果（按 1 即确认）', body: VoiceResult, response: { 200: CallbackOutcome } },
  }, async (req) => ({ outcome: await voiceResult(app.db, app.clock.now(), req.body) }))
}
