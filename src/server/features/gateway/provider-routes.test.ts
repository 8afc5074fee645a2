import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Channel } from '../../../domain/warnings/delivery.js'
import { readChannelConfig } from '../../channels/config.js'
import { adaptersFor } from '../../channels/index.js'
import { fakeClock } from '../../jobs/clock.js'
import { startAliyunCloud, type AliyunCloud } from '../../testing/peers/aliyun-cloud.js'
import { startTencentCloud, type TencentCloud } from '../../testing/peers/tencent-cloud.js'
import { signIn, testApp } from '../../testing/test-app.js'
import { insertDelivery, insertPerson, insertRecipient, insertWarning } from '../../testing/warning-rows.js'
import { createDispatcher } from '../warnings/delivery/dispatch.js'
import { providerCallbackToken, providerCallbackUrls } from './provider-routes.js'
import { rotateCallbackSecret, storedCallbackSecret } from './secret.js'
import { gatewaySetupNotice } from './setup.js'

/**
 * The cloud providers end to end: a warning's SMS and call go out through the dispatcher and the
 * provider's adapter to its loopback fake (which verifies the signature as the provider does),
 * the fake pushes its status report, the person's reply "1" or the key 1, and the person is
 * confirmed, by the same ladder and idempotency as the generic gateway's callbacks.
 */

const clock = fakeClock('2026-07-20T02:10:00Z')
let app: FastifyInstance
let base: string
let aliyun: AliyunCloud
let tencent: TencentCloud

/** The fakes' callback base: the URL of one route without its last segment. */
const callbackBase = (url: string) => url.slice(0, url.lastIndexOf('/'))

async function pointFakesAtServer() {
  const urls = providerCallbackUrls(base, await storedCallbackSecret(app.db))
  aliyun.setCallbackBase(callbackBase(urls.aliyunSmsReport))
  tencent.setCallbackBase(callbackBase(urls.tencentSmsStatus))
}

beforeAll(async () => {
  ;[aliyun, tencent] = await Promise.all([startAliyunCloud(), startTencentCloud()])
  app = await testApp({ clock })
  await app.listen({ port: 0, host: '127.0.0.1' })
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  await pointFakesAtServer()
})
afterAll(async () => {
  await Promise.all([aliyun.close(), tencent.close()])
  await app.close()
})

const env = (provider: 'aliyun' | 'tencent') => ({
  ...(provider === 'aliyun' ? aliyun.env() : tencent.env()), SHOUWANG_SMS_PROVIDER: provider, SHOUWANG_VOICE_PROVIDER: provider, SHOUWANG_GATEWAY_TIMEOUT_MS: '2000',
})

/** A person with an issued warning and one queued delivery on `channel`, sent by the dispatcher through `provider`. */
async function sendThrough(provider: 'aliyun' | 'tencent', channel: Channel) {
  const w = await insertWarning(app.db)
  const p = await insertPerson(app.db)
  await insertRecipient(app.db, w.id, p.id)
  const d = await insertDelivery(app.db, { warningId: w.id, personId: p.id, channel, state: 'queued' })
  await app.db.updateTable('delivery').set({ address: p.mobile }).where('id', '=', d.id).execute()
  const adapters = adaptersFor(readChannelConfig(env(provider)), { db: app.db, clock })
  await createDispatcher({ db: app.db, clock, publicBaseUrl: base, adapters }).drain()
  const row = await delivery(d.id)
  return { w, p, d, providerId: row.providerId!, state: row.state }
}

const delivery = (id: number) => app.db.selectFrom('delivery').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const recipient = (warningId: number, personId: number) => app.db.selectFrom('warningRecipient').select(['state', 'ackChannel'])
  .where('warningId', '=', warningId).where('personId', '=', personId).executeTakeFirstOrThrow()
const inbound = (key: string) => app.db.selectFrom('inboundMessage').select('outcome').where('providerKey', '=', key).execute()

describe('Alibaba Cloud end to end', () => {
  it('SMS: sent through the fake, SmsReport marks it delivered, SmsUp "1" confirms; a repeated push changes nothing', async () => {
    const { w, p, d, providerId, state } = await sendThrough('aliyun', 'sms')
    expect(state).toBe('sent')
    expect(aliyun.sms.find((s) => s.bizId === providerId)).toMatchObject({ phone: p.mobile, templateCode: 'SMS_WARNING' })

    expect(await aliyun.pushSmsReport(providerId)).toEqual({ status: 200, body: { code: 0, msg: '接收成功' } })
    expect(await delivery(d.id)).toMatchObject({ state: 'delivered' })
    expect(await aliyun.pushSmsReport(providerId)).toEqual({ status: 200, body: { code: 0, msg: '接收成功' } })
    expect(await inbound(`sms:${providerId}:delivered`)).toEqual([{ outcome: 'delivered' }])

    expect((await aliyun.pushSmsUp(p.mobile!, '1')).status).toBe(200)
    expect(await recipient(w.id, p.id)).toEqual({ state: 'acknowledged', ackChannel: 'sms' })
  })

  it('SMS: a failed report marks the delivery failed with the carrier\'s code', async () => {
    const { d, providerId } = await sendThrough('aliyun', 'sms')
    await aliyun.pushSmsReport(providerId, false, 'MK:0012')
    expect(await delivery(d.id)).toMatchObject({ state: 'failed', error: 'MK:0012 用户接收失败' })
  })

  it('voice: the call is placed, and the VoiceReport with dtmf 1 confirms', async () => {
    const { w, p, providerId, state } = await sendThrough('aliyun', 'voice')
    expect(state).toBe('sent')
    expect(aliyun.calls.find((c) => c.callId === providerId)).toMatchObject({ number: p.mobile, ttsCode: 'TTS_WARNING' })
    expect((await aliyun.pushVoiceReport(providerId, '200000', '1')).body).toEqual({ code: 0, msg: '接收成功' })
    expect(await recipient(w.id, p.id)).toEqual({ state: 'acknowledged', ackChannel: 'voice' })
  })

  it('voice: no answer settles the call as failed and leaves the person unconfirmed', async () => {
    const { w, p, d, providerId } = await sendThrough('aliyun', 'voice')
    await aliyun.pushVoiceReport(providerId, '200003')
    expect(await delivery(d.id)).toMatchObject({ state: 'failed', error: '无人接听' })
    expect((await recipient(w.id, p.id)).state).not.toBe('acknowledged')
  })
})

describe('Tencent Cloud end to end', () => {
  it('SMS: sent through the fake, the status callback marks it delivered, the reply "1" confirms', async () => {
    const { w, p, d, providerId, state } = await sendThrough('tencent', 'sms')
    expect(state).toBe('sent')
    expect(tencent.sms.find((s) => s.serialNo === providerId)).toMatchObject({ phone: `+86${p.mobile}`, templateId: '100001' })

    expect(await tencent.pushSmsStatus(providerId)).toEqual({ status: 200, body: { result: 0, errmsg: 'OK' } })
    expect(await delivery(d.id)).toMatchObject({ state: 'delivered' })

    const at = new Date('2026-07-20T02:05:00Z')
    expect(await tencent.pushSmsReply(p.mobile!, '收到', at)).toEqual({ status: 200, body: { result: 0, errmsg: 'OK' } })
    expect(await recipient(w.id, p.id)).toEqual({ state: 'acknowledged', ackChannel: 'sms' })
    // The same reply posted again is one message, not a second confirmation.
    await tencent.pushSmsReply(p.mobile!, '收到', at)
    const replies = await app.db.selectFrom('inboundMessage').select('outcome').where('body', '@>', JSON.stringify({ from: p.mobile })).execute()
    expect(replies.map((r) => r.outcome)).toEqual(['acknowledged'])
  })

  it('voice: the key 1 confirms; the call status that follows changes nothing back', async () => {
    const { w, p, d, providerId } = await sendThrough('tencent', 'voice')
    expect((await tencent.pushVoiceKey(providerId, '1')).body).toEqual({ result: 0, errmsg: 'OK' })
    expect(await recipient(w.id, p.id)).toEqual({ state: 'acknowledged', ackChannel: 'voice' })
    await tencent.pushVoicePrompt(providerId, '0')
    expect(await delivery(d.id)).toMatchObject({ state: 'acknowledged' })
  })

  it('voice: a failure callback marks the call failed', async () => {
    const { d, providerId } = await sendThrough('tencent', 'voice')
    await tencent.pushVoiceFailure(providerId, '空号')
    expect(await delivery(d.id)).toMatchObject({ state: 'failed' })
  })
})

describe('provider callback authentication', () => {
  const post = (url: string, body: unknown, remoteAddress = '198.51.100.40') =>
    app.inject({ method: 'POST', url, payload: JSON.stringify(body), headers: { 'content-type': 'application/json' }, remoteAddress })
  const refusals = (ip: string) => app.db.selectFrom('auditLog').select('after').where('ip', '=', ip).where('action', '=', 'refused.callback').execute()

  it('refuses a wrong token, or the other provider\'s, with 401 before reading the body, and audits each', async () => {
    const { w, p, d, providerId } = await sendThrough('aliyun', 'sms')
    const secret = await storedCallbackSecret(app.db)
    const ip = '198.51.100.41'
    const attempts = [
      await post(`/api/gateway/aliyun/${'0'.repeat(32)}/sms-report`, [{ biz_id: providerId, success: true }], ip),
      await post(`/api/gateway/aliyun/${providerCallbackToken(secret, 'tencent')}/sms-up`, [{ phone_number: p.mobile, content: '1' }], ip),
      await post('/api/gateway/tencent/x/sms-reply', { mobile: p.mobile, text: '1' }, ip),
      await post(`/api/gateway/tencent/${providerCallbackToken('guessed', 'tencent')}/voice`, 'not even json', ip),
    ]
    expect(attempts.map((r) => [r.statusCode, r.json().code])).toEqual(Array(4).fill([401, 'CALLBACK_UNAUTHENTICATED']))
    expect(await refusals(ip)).toHaveLength(4)
    expect(await delivery(d.id)).toMatchObject({ state: 'sent' })
    expect((await recipient(w.id, p.id)).state).not.toBe('acknowledged')
  })

  it('takes the right token, answers bad bodies 400 without a fault, and honours the address allow-list', async () => {
    const urls = providerCallbackUrls('', await storedCallbackSecret(app.db))
    expect((await post(urls.tencentSmsStatus, [{ sid: 'made-up', report_status: 'SUCCESS' }])).json()).toEqual({ result: 0, errmsg: 'OK' })
    expect((await post(urls.tencentSmsStatus, [{ sid: 'made-up', report_status: 'LOST' }])).statusCode).toBe(400)
    expect((await post(urls.aliyunSmsReport, { biz_id: 'not-an-array' })).statusCode).toBe(400)
    app.channels.gatewayAllow = ['10.20.0.0/16']
    try {
      expect((await post(urls.aliyunSmsUp, [{ phone_number: '13999999990', content: '1' }], '203.0.113.50')).statusCode).toBe(403)
      expect((await post(urls.aliyunSmsUp, [{ phone_number: '13999999990', content: '1' }], '10.20.1.2')).json()).toEqual({ code: 0, msg: '接收成功' })
    } finally {
      app.channels.gatewayAllow = []
    }
  })

  it('stops taking the old URLs the moment the secret is rotated', async () => {
    const before = providerCallbackUrls('', await storedCallbackSecret(app.db))
    await rotateCallbackSecret(app.db)
    try {
      expect((await post(before.aliyunVoiceReport, [{ call_id: 'c-1', status_code: '200003' }])).statusCode).toBe(401)
      const after = providerCallbackUrls('', await storedCallbackSecret(app.db))
      expect(after.aliyunVoiceReport).not.toBe(before.aliyunVoiceReport)
      expect((await post(after.aliyunVoiceReport, [{ call_id: 'c-1', status_code: '200003' }])).statusCode).toBe(200)
    } finally {
      await pointFakesAtServer()
    }
  })
})

describe('where the operator finds the provider callback URLs', () => {
  it('shows them on the 网关回调 page once a provider is chosen, and names the provider at start-up without the token', async () => {
    const admin = await signIn(app, { role: 'sysadmin', regionCode: '330500000000' })
    expect((await admin.request({ url: '/api/settings/gateway' })).json().providerCallbackUrls).toBeUndefined()
    const chosen = readChannelConfig(env('tencent'))
    app.channels.smsProvider = chosen.smsProvider
    try {
      const shown = (await admin.request({ url: '/api/settings/gateway' })).json()
      expect(shown.providerCallbackUrls).toEqual(providerCallbackUrls(app.channels.publicBaseUrl, shown.secret))
      const lines = await gatewaySetupNotice(app.db, app.channels)
      expect(lines.at(-1)).toContain('短信经腾讯云发送')
      expect(lines.join('\n')).not.toContain(providerCallbackToken(shown.secret, 'tencent'))
    } finally {
      app.channels.smsProvider = null
    }
  })
})
