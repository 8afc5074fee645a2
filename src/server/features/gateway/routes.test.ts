import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Channel } from '../../../domain/warnings/delivery.js'
import { smsAdapter } from '../../channels/sms.js'
import type { ChannelAdapter } from '../../channels/types.js'
import { fakeClock } from '../../jobs/clock.js'
import { startSmsGateway } from '../../testing/peers/sms-gateway.js'
import { testApp } from '../../testing/test-app.js'
import { insertDelivery, insertPerson, insertRecipient, insertWarning } from '../../testing/warning-rows.js'
import { createDispatcher } from '../warnings/delivery/dispatch.js'
import { applyWaitingCallbacks } from './callbacks.js'
import { rotateCallbackSecret, storedCallbackSecret } from './secret.js'
import { SIGNATURE_HEADER, signCallback } from './signature.js'

const clock = fakeClock('2026-07-20T02:10:00Z')
let app: FastifyInstance
// The deployment's own secret: these tests configure nothing, as a fresh installation would not.
let secret: string
beforeAll(async () => {
  app = await testApp({ clock })
  secret = await storedCallbackSecret(app.db)
})
afterAll(async () => { await app.close() })

/** Posts the exact text given, signed with the deployment's secret (or with the signature given). */
function post(url: string, body: unknown, signature?: string | null, remoteAddress?: string) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body)
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  const sig = signature === undefined ? signCallback(secret, raw) : signature
  if (sig !== null) headers[SIGNATURE_HEADER] = sig
  return app.inject({ method: 'POST', url: `/api/gateway${url}`, payload: raw, headers, ...(remoteAddress ? { remoteAddress } : {}) })
}

const recipient = (warningId: number, personId: number) =>
  app.db.selectFrom('warningRecipient').selectAll().where('warningId', '=', warningId).where('personId', '=', personId).executeTakeFirstOrThrow()
const delivery = (id: number) => app.db.selectFrom('delivery').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const inbound = (key: string) => app.db.selectFrom('inboundMessage').selectAll().where('providerKey', '=', key).execute()
/** Refusals audited from one address (each test uses its own, so the per-address rate limit never folds them). */
const refusalsFrom = (ip: string) => app.db.selectFrom('auditLog').select(['action', 'after', 'actorId'])
  .where('ip', '=', ip).where('action', '=', 'refused.callback').orderBy('id').execute()

/** A person with a pending warning, an SMS that was delivered and a voice call placed. */
async function pendingPerson(tag: string) {
  const w = await insertWarning(app.db)
  const p = await insertPerson(app.db)
  await insertRecipient(app.db, w.id, p.id)
  const sms = await insertDelivery(app.db, { warningId: w.id, personId: p.id, channel: 'sms', providerId: `${tag}-sms` })
  const call = await insertDelivery(app.db, { warningId: w.id, personId: p.id, channel: 'voice', providerId: `${tag}-call` })
  return { w, p, sms, call }
}

describe('callback authentication with no configuration at all', () => {
  it('accepts a body signed with the generated secret over its exact bytes, however it is spaced', async () => {
    const w = await insertWarning(app.db)
    const p = await insertPerson(app.db)
    await insertRecipient(app.db, w.id, p.id)
    await insertDelivery(app.db, { warningId: w.id, personId: p.id, channel: 'sms', providerId: 'sig-1' })
    expect(app.channels.callbackSecret).toBeNull()
    expect(secret).toMatch(/^[0-9a-f]{64}$/)
    const res = await post('/sms/receipt', '{ "status" : "delivered",\n  "id": "sig-1" }')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ outcome: 'delivered' })
  })

  it('refuses unsigned and wrongly signed callbacks with 401, changes nothing, and audits each', async () => {
    const { w, p, sms, call } = await pendingPerson('anon')
    const ip = '198.51.100.7'
    const reply = { id: 'anon-reply', from: p.mobile, text: '1', at: '2000-01-01T00:00:00Z' }
    const attempts = [
      await post('/sms/reply', reply, null, ip),
      await post('/sms/reply', reply, signCallback('guessed-secret', JSON.stringify(reply)), ip),
      await post('/sms/reply', reply, signCallback('', JSON.stringify(reply)), ip),
      await post('/sms/reply', reply, '', ip),
      await post('/sms/receipt', { id: 'anon-sms', status: 'failed', error: '空号' }, null, ip),
      await post('/voice/result', { id: 'anon-call', result: 'confirmed', digits: '1' }, 'ab'.repeat(32), ip),
    ]
    expect(attempts.map((r) => r.statusCode)).toEqual([401, 401, 401, 401, 401, 401])
    expect(attempts.map((r) => r.json().code)).toEqual([
      'CALLBACK_UNAUTHENTICATED', 'BAD_SIGNATURE', 'BAD_SIGNATURE', 'CALLBACK_UNAUTHENTICATED', 'CALLBACK_UNAUTHENTICATED', 'BAD_SIGNATURE',
    ])
    expect(attempts[0].json().message).toContain(SIGNATURE_HEADER)
    expect(attempts[1].json().message).toContain('签名')

    expect(await recipient(w.id, p.id)).toMatchObject({ state: 'pending', acknowledgedAt: null })
    expect(await delivery(sms.id)).toMatchObject({ state: 'sent', deliveredAt: null, failedAt: null })
    expect(await delivery(call.id)).toMatchObject({ state: 'sent', acknowledgedAt: null })
    expect(await inbound('sms:anon-reply:reply')).toHaveLength(0)
    expect(await inbound('voice:anon-call:confirmed')).toHaveLength(0)

    const audited = await refusalsFrom(ip)
    expect(audited).toHaveLength(6)
    expect(audited.map((a) => (a.after as { reason: string }).reason)).toEqual(attempts.map((r) => r.json().code))
    expect(audited[0]).toMatchObject({ actorId: null, after: { url: '/api/gateway/sms/reply', method: 'POST' } })
  })

  it('refuses a body altered after signing', async () => {
    const tampered = await app.inject({
      method: 'POST', url: '/api/gateway/sms/reply',
      payload: JSON.stringify({ id: 'x', from: '13800000000', text: '1' }),
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signCallback(secret, JSON.stringify({ id: 'x', from: '13800000000', text: '2' })) },
    })
    expect(tampered.statusCode).toBe(401)
    expect(tampered.json().code).toBe('BAD_SIGNATURE')
  })

  it('answers bad JSON and bad fields with 400 in Chinese, but only once the signature holds', async () => {
    const unsigned = await post('/sms/receipt', '{"id": ', null)
    expect(unsigned.statusCode).toBe(401)
    const broken = await post('/sms/receipt', '{"id": ')
    expect(broken.statusCode).toBe(400)
    expect(broken.json().message).toContain('JSON')
    const bad = await post('/voice/result', { id: 'c1', result: 'maybe' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toContain('呼叫结果')
  })

  it('uses SHOUWANG_CALLBACK_SECRET instead when it is set, and a rotated secret at once', async () => {
    const body = { id: 'mo-env', from: '13999999997', text: '1' }
    app.channels.callbackSecret = 'from-the-environment'
    try {
      expect((await post('/sms/reply', body)).statusCode).toBe(401)
      const ok = await post('/sms/reply', body, signCallback('from-the-environment', JSON.stringify(body)))
      expect(ok.json()).toEqual({ outcome: 'unknown_sender' })
    } finally {
      app.channels.callbackSecret = null
    }
    const old = secret
    secret = await rotateCallbackSecret(app.db)
    expect(secret).not.toBe(old)
    const stale = { id: 'mo-rotated', from: '13999999997', text: '1' }
    expect((await post('/sms/reply', stale, signCallback(old, JSON.stringify(stale)))).statusCode).toBe(401)
    expect((await post('/sms/reply', stale)).json()).toEqual({ outcome: 'unknown_sender' })
  })

  it('takes callbacks only from the allowed addresses when SHOUWANG_GATEWAY_ALLOW is set', async () => {
    const body = { id: 'mo-allow', from: '13999999996', text: '1' }
    app.channels.gatewayAllow = ['10.20.0.0/16', '2001:db8::1']
    try {
      const outside = await post('/sms/reply', body, undefined, '203.0.113.9')
      expect(outside.statusCode).toBe(403)
      expect(outside.json()).toMatchObject({ code: 'CALLBACK_ADDRESS' })
      expect(outside.json().message).toContain('203.0.113.9')
      expect((await refusalsFrom('203.0.113.9')).map((a) => (a.after as { reason: string }).reason)).toEqual(['CALLBACK_ADDRESS'])
      expect(await inbound('sms:mo-allow:reply')).toHaveLength(0)
      expect((await post('/sms/reply', body, undefined, '10.20.3.4')).json()).toEqual({ outcome: 'unknown_sender' })
      expect((await post('/sms/reply', { ...body, id: 'mo-allow-6' }, undefined, '::ffff:10.20.9.9')).statusCode).toBe(200)
      expect((await post('/sms/reply', { ...body, id: 'mo-allow-v6' }, undefined, '2001:db8::1')).statusCode).toBe(200)
    } finally {
      app.channels.gatewayAllow = []
    }
  })
})

describe('gateway times', () => {
  it('clamps the time of an SMS reply to between the warning reaching the person and now', async () => {
    const reachedAt = new Date('2026-07-20T02:03:00Z')
    const cases = [
      { at: '2000-01-01T00:00:00Z', stored: reachedAt },
      { at: '2031-01-01T00:00:00Z', stored: clock.now() },
      { at: '2026-07-20T02:05:00+00:00', stored: new Date('2026-07-20T02:05:00Z') },
    ]
    for (const [i, c] of cases.entries()) {
      const w = await insertWarning(app.db)
      const p = await insertPerson(app.db)
      await insertRecipient(app.db, w.id, p.id)
      await app.db.updateTable('warningRecipient').set({ createdAt: reachedAt }).where('warningId', '=', w.id).execute()
      expect((await post('/sms/reply', { id: `mo-time-${i}`, from: p.mobile, text: '1', at: c.at })).json()).toEqual({ outcome: 'acknowledged' })
      expect((await recipient(w.id, p.id)).acknowledgedAt).toEqual(c.stored)
      const step = await app.db.selectFrom('warningStep').select('at').where('warningId', '=', w.id).where('kind', '=', 'acknowledged').executeTakeFirstOrThrow()
      expect(step.at).toEqual(c.stored)
    }
  })

  it('never records a receipt as earlier than the message was sent', async () => {
    const w = await insertWarning(app.db)
    const p = await insertPerson(app.db)
    // Sent by an instance whose clock runs 30 s ahead of this one.
    const sentAt = '2026-07-20T02:10:30Z'
    const d = await insertDelivery(app.db, { warningId: w.id, personId: p.id, channel: 'sms', providerId: 'r-ahead', sentAt })
    expect((await post('/sms/receipt', { id: 'r-ahead', status: 'delivered' })).json()).toEqual({ outcome: 'delivered' })
    expect((await delivery(d.id)).deliveredAt).toEqual(new Date(sentAt))
  })
})

describe('SMS receipts', () => {
  it('records delivery once; a repeated receipt is a duplicate that changes nothing', async () => {
    const w = await insertWarning(app.db)
    const p = await insertPerson(app.db)
    await insertRecipient(app.db, w.id, p.id)
    const d = await insertDelivery(app.db, { warningId: w.id, personId: p.id, channel: 'sms', providerId: 'r-1' })
    expect((await post('/sms/receipt', { id: 'r-1', status: 'delivered' })).json()).toEqual({ outcome: 'delivered' })
    const after = await delivery(d.id)
    expect(after.state).toBe('delivered')
    expect(after.deliveredAt).toEqual(clock.now())
    clock.advance(60_000)
    const again = await post('/sms/receipt', { id: 'r-1', status: 'delivered' })
    expect(again.statusCode).toBe(200)
    expect(again.json()).toEqual({ outcome: 'duplicate' })
    expect((await delivery(d.id)).deliveredAt).toEqual(after.deliveredAt)
    expect(await inbound('sms:r-1:delivered')).toHaveLength(1)
  })

  it('records a failure with its reason', async () => {
    const w = await insertWarning(app.db)
    const p = await insertPerson(app.db)
    const d = await insertDelivery(app.db, { warningId: w.id, personId: p.id, channel: 'sms', providerId: 'r-2' })
    expect((await post('/sms/receipt', { id: 'r-2', status: 'failed', error: '空号' })).json()).toEqual({ outcome: 'failed' })
    expect(await delivery(d.id)).toMatchObject({ state: 'failed', error: '空号' })
  })

  it('keeps a receipt that overtook the send being recorded, and applies it once the id is recorded', async () => {
    const early = await post('/sms/receipt', { id: 'r-early', status: 'delivered' })
    expect(early.statusCode).toBe(200)
    expect(early.json()).toEqual({ outcome: 'delivered' })
    expect(await inbound('sms:r-early:delivered')).toMatchObject([{ outcome: 'waiting', providerId: 'r-early' }])
    const w = await insertWarning(app.db)
    const p = await insertPerson(app.db)
    const d = await insertDelivery(app.db, { warningId: w.id, personId: p.id, channel: 'sms', providerId: 'r-early' })
    expect(await applyWaitingCallbacks(app.db, clock.now(), [{ channel: 'sms', providerId: 'r-early' }])).toBe(1)
    expect(await delivery(d.id)).toMatchObject({ state: 'delivered', deliveredAt: clock.now() })
    expect(await inbound('sms:r-early:delivered')).toMatchObject([{ outcome: 'delivered' }])
    // Applied once: asking again finds nothing waiting, and the gateway's retry is a duplicate.
    expect(await applyWaitingCallbacks(app.db, clock.now(), [{ channel: 'sms', providerId: 'r-early' }])).toBe(0)
    expect((await post('/sms/receipt', { id: 'r-early', status: 'delivered' })).json()).toEqual({ outcome: 'duplicate' })
  })

  it('applies the overtaking receipt through the real dispatcher as it records the gateway\'s id', async () => {
    const w = await insertWarning(app.db)
    const p = await insertPerson(app.db)
    await insertRecipient(app.db, w.id, p.id)
    const d = await insertDelivery(app.db, { warningId: w.id, personId: p.id, channel: 'sms', state: 'queued' })
    const receipts: Array<Promise<{ statusCode: number; body: string }>> = []
    // The gateway takes the message, posts its receipt, and only then answers the send.
    const gateway = await startSmsGateway({
      onMessage: (m) => { receipts.push(post('/sms/receipt', { id: m.id, status: 'delivered' })) },
    })
    try {
      gateway.delayNext(300)
      const adapters = new Map<Channel, ChannelAdapter>([['sms', smsAdapter({ url: gateway.url, token: null, timeoutMs: 5_000 })]])
      await createDispatcher({ db: app.db, clock, publicBaseUrl: 'http://shouwang.test', adapters }).drain()
      expect(receipts).toHaveLength(1)
      const receipt = await receipts[0]
      expect(receipt.statusCode).toBe(200)
      expect(JSON.parse(receipt.body)).toEqual({ outcome: 'delivered' })
      const id = gateway.received[0].id
      expect(await delivery(d.id)).toMatchObject({ state: 'delivered', providerId: id })
      // It did wait: the id is kept only on a callback that came before its send was recorded.
      expect(await inbound(`sms:${id}:delivered`)).toMatchObject([{ outcome: 'delivered', providerId: id }])
    } finally {
      await gateway.close()
    }
  })

  it('answers a receipt or call result for an unknown id exactly as for a known one', async () => {
    const { sms, call } = await pendingPerson('known')
    const pairs: Array<[string, object, object]> = [
      ['/sms/receipt', { id: 'known-sms', status: 'failed', error: '空号' }, { id: 'made-up-sms', status: 'failed', error: '空号' }],
      ['/voice/result', { id: 'known-call', result: 'busy' }, { id: 'made-up-call', result: 'busy' }],
    ]
    for (const [url, known, unknown] of pairs) {
      const a = await post(url, known)
      const b = await post(url, unknown)
      expect([b.statusCode, b.json()]).toEqual([a.statusCode, a.json()])
      expect(Object.keys(b.headers).sort()).toEqual(Object.keys(a.headers).sort())
    }
    expect((await delivery(sms.id)).state).toBe('failed')
    expect((await delivery(call.id)).state).toBe('failed')
    const { w, p } = await pendingPerson('known2')
    const confirmedKnown = await post('/voice/result', { id: 'known2-call', result: 'confirmed', digits: '1' })
    const confirmedUnknown = await post('/voice/result', { id: 'made-up-call-2', result: 'confirmed', digits: '1' })
    expect(confirmedUnknown.json()).toEqual(confirmedKnown.json())
    expect(confirmedKnown.json()).toEqual({ outcome: 'acknowledged' })
    expect((await recipient(w.id, p.id)).state).toBe('acknowledged')
  })
})

describe('SMS replies', () => {
  it('confirms the sender\'s latest unconfirmed warning with "１", then the earlier one with "收到"', async () => {
    const p = await insertPerson(app.db)
    const older = await insertWarning(app.db, { issuedAt: '2026-07-20T01:00:00Z' })
    const newer = await insertWarning(app.db, { issuedAt: '2026-07-20T02:00:00Z' })
    await insertRecipient(app.db, older.id, p.id)
    await insertRecipient(app.db, newer.id, p.id)
    const sms = await insertDelivery(app.db, { warningId: newer.id, personId: p.id, channel: 'sms', state: 'delivered' })
    // Written the way people's phones and gateways pass numbers on.
    const from = `+86 ${p.mobile!.slice(0, 3)}-${p.mobile!.slice(3, 7)}-${p.mobile!.slice(7)}`
    expect((await post('/sms/reply', { id: 'mo-1', from, text: '１' })).json()).toEqual({ outcome: 'acknowledged' })
    expect(await recipient(newer.id, p.id)).toMatchObject({ state: 'acknowledged', ackChannel: 'sms', acknowledgedAt: clock.now() })
    expect((await delivery(sms.id)).state).toBe('acknowledged')
    expect((await recipient(older.id, p.id)).state).toBe('pending')

    expect((await post('/sms/reply', { id: 'mo-2', from: p.mobile, text: '收到！' })).json()).toEqual({ outcome: 'acknowledged' })
    expect((await recipient(older.id, p.id)).state).toBe('acknowledged')
    expect((await post('/sms/reply', { id: 'mo-3', from: p.mobile, text: '收到' })).json()).toEqual({ outcome: 'no_pending' })
  })

  it('stores other words, unknown numbers and repeats without confirming anything', async () => {
    const p = await insertPerson(app.db)
    const w = await insertWarning(app.db)
    await insertRecipient(app.db, w.id, p.id)
    expect((await post('/sms/reply', { id: 'mo-10', from: p.mobile, text: '什么情况？' })).json()).toEqual({ outcome: 'ignored' })
    expect((await post('/sms/reply', { id: 'mo-11', from: '13999999999', text: '收到' })).json()).toEqual({ outcome: 'unknown_sender' })
    expect((await post('/sms/reply', { id: 'mo-12', from: '0572-2012345', text: '1' })).json()).toEqual({ outcome: 'unknown_sender' })
    expect((await recipient(w.id, p.id)).state).toBe('pending')
    expect((await inbound('sms:mo-10:reply'))[0].outcome).toBe('ignored')

    expect((await post('/sms/reply', { id: 'mo-13', from: p.mobile, text: '1' })).json()).toEqual({ outcome: 'acknowledged' })
    expect((await post('/sms/reply', { id: 'mo-13', from: p.mobile, text: '1' })).json()).toEqual({ outcome: 'duplicate' })
    expect(await inbound('sms:mo-13:reply')).toHaveLength(1)
  })

  it('does not confirm a warning that is no longer in force', async () => {
    const p = await insertPerson(app.db)
    const w = await insertWarning(app.db, { status: 'cancelled' })
    await insertRecipient(app.db, w.id, p.id)
    expect((await post('/sms/reply', { id: 'mo-20', from: p.mobile, text: '收到' })).json()).toEqual({ outcome: 'no_pending' })
    expect((await recipient(w.id, p.id)).state).toBe('pending')
  })
})

describe('voice results', () => {
  it('confirms on pressing 1', async () => {
    const p = await insertPerson(app.db)
    const w = await insertWarning(app.db)
    await insertRecipient(app.db, w.id, p.id)
    const call = await insertDelivery(app.db, { warningId: w.id, personId: p.id, channel: 'voice', providerId: 'call-1' })
    expect((await post('/voice/result', { id: 'call-1', result: 'confirmed', digits: '1' })).json()).toEqual({ outcome: 'acknowledged' })
    expect(await recipient(w.id, p.id)).toMatchObject({ state: 'acknowledged', ackChannel: 'voice' })
    expect((await delivery(call.id)).state).toBe('acknowledged')
    expect((await post('/voice/result', { id: 'call-1', result: 'confirmed', digits: '1' })).json()).toEqual({ outcome: 'duplicate' })
  })

  it('marks an unanswered call failed and leaves the person to the ladder', async () => {
    const p = await insertPerson(app.db)
    const w = await insertWarning(app.db)
    await insertRecipient(app.db, w.id, p.id)
    const call = await insertDelivery(app.db, { warningId: w.id, personId: p.id, channel: 'voice', providerId: 'call-2' })
    expect((await post('/voice/result', { id: 'call-2', result: 'no_answer' })).json()).toEqual({ outcome: 'no_answer' })
    expect(await delivery(call.id)).toMatchObject({ state: 'failed', error: '无人接听' })
    expect((await recipient(w.id, p.id)).state).toBe('pending')
    const answered = await insertDelivery(app.db, { warningId: w.id, personId: p.id, channel: 'voice', providerId: 'call-3' })
    expect((await post('/voice/result', { id: 'call-3', result: 'answered' })).json()).toEqual({ outcome: 'answered' })
    expect((await delivery(answered.id)).state).toBe('delivered')
    expect((await recipient(w.id, p.id)).state).toBe('pending')
  })

  it('keeps SMS and voice ids apart', async () => {
    const p = await insertPerson(app.db)
    const w = await insertWarning(app.db)
    const sms = await insertDelivery(app.db, { warningId: w.id, personId: p.id, channel: 'sms', providerId: 'same-id' })
    expect((await post('/voice/result', { id: 'same-id', result: 'busy' })).json()).toEqual({ outcome: 'busy' })
    expect((await delivery(sms.id)).state).toBe('sent')
    expect(await inbound('voice:same-id:busy')).toMatchObject([{ outcome: 'waiting', channel: 'voice' }])
    expect(await applyWaitingCallbacks(app.db, clock.now(), [{ channel: 'sms', providerId: 'same-id' }])).toBe(0)
    expect((await delivery(sms.id)).state).toBe('sent')
  })
})
