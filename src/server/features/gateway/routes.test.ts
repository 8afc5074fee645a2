import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { channelsOff } from '../../channels/config.js'
import { fakeClock } from '../../jobs/clock.js'
import { testApp } from '../../testing/test-app.js'
import { insertDelivery, insertPerson, insertRecipient, insertWarning } from '../../testing/warning-rows.js'
import { SIGNATURE_HEADER, signCallback } from './signature.js'

const SECRET = 'callback-secret'
const clock = fakeClock('2026-07-20T02:10:00Z')
let app: FastifyInstance
beforeAll(async () => { app = await testApp({ clock, channels: { ...channelsOff(), callbackSecret: SECRET } }) })
afterAll(async () => { await app.close() })

/** Posts the exact text given, signed (or with the signature given). */
function post(url: string, body: unknown, signature?: string | null) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body)
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  const sig = signature === undefined ? signCallback(SECRET, raw) : signature
  if (sig !== null) headers[SIGNATURE_HEADER] = sig
  return app.inject({ method: 'POST', url: `/api/gateway${url}`, payload: raw, headers })
}

const recipient = (warningId: number, personId: number) =>
  app.db.selectFrom('warningRecipient').selectAll().where('warningId', '=', warningId).where('personId', '=', personId).executeTakeFirstOrThrow()
const delivery = (id: number) => app.db.selectFrom('delivery').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const inbound = (key: string) => app.db.selectFrom('inboundMessage').selectAll().where('providerKey', '=', key).execute()

describe('callback signature', () => {
  it('accepts a body signed over its exact bytes, however it is spaced', async () => {
    const w = await insertWarning(app.db)
    const p = await insertPerson(app.db)
    await insertRecipient(app.db, w.id, p.id)
    await insertDelivery(app.db, { warningId: w.id, personId: p.id, channel: 'sms', providerId: 'sig-1' })
    const res = await post('/sms/receipt', '{ "status" : "delivered",\n  "id": "sig-1" }')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ outcome: 'delivered' })
  })

  it('refuses a wrong or missing signature with 401 and stores nothing', async () => {
    const body = { id: 'sig-2', status: 'delivered' }
    const wrong = await post('/sms/receipt', body, signCallback('another-secret', JSON.stringify(body)))
    expect(wrong.statusCode).toBe(401)
    expect(wrong.json().code).toBe('BAD_SIGNATURE')
    expect(wrong.json().message).toContain('签名')
    const missing = await post('/sms/receipt', body, null)
    expect(missing.statusCode).toBe(401)
    const tampered = await app.inject({
      method: 'POST', url: '/api/gateway/sms/reply',
      payload: JSON.stringify({ id: 'x', from: '13800000000', text: '1' }),
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signCallback(SECRET, JSON.stringify({ id: 'x', from: '13800000000', text: '2' })) },
    })
    expect(tampered.statusCode).toBe(401)
    expect(await inbound('sms:sig-2:delivered')).toHaveLength(0)
  })

  it('answers bad JSON and bad fields with 400 in Chinese', async () => {
    const broken = await post('/sms/receipt', '{"id": ')
    expect(broken.statusCode).toBe(400)
    expect(broken.json().message).toContain('JSON')
    const bad = await post('/voice/result', { id: 'c1', result: 'maybe' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toContain('呼叫结果')
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

  it('asks the gateway to retry (404, nothing stored) a receipt that overtook the send being recorded', async () => {
    const early = await post('/sms/receipt', { id: 'r-early', status: 'delivered' })
    expect(early.statusCode).toBe(404)
    expect(early.json().code).toBe('UNKNOWN_MESSAGE')
    expect(await inbound('sms:r-early:delivered')).toHaveLength(0)
    const w = await insertWarning(app.db)
    const p = await insertPerson(app.db)
    const d = await insertDelivery(app.db, { warningId: w.id, personId: p.id, channel: 'sms', providerId: 'r-early' })
    expect((await post('/sms/receipt', { id: 'r-early', status: 'delivered' })).json()).toEqual({ outcome: 'delivered' })
    expect((await delivery(d.id)).state).toBe('delivered')
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
    await insertDelivery(app.db, { warningId: w.id, personId: p.id, channel: 'sms', providerId: 'same-id' })
    expect((await post('/voice/result', { id: 'same-id', result: 'busy' })).statusCode).toBe(404)
  })
})

describe('without a callback secret', () => {
  it('takes unsigned callbacks', async () => {
    app.channels.callbackSecret = null
    try {
      const res = await post('/sms/reply', { id: 'mo-unsigned', from: '13999999998', text: '1' }, null)
      expect(res.json()).toEqual({ outcome: 'unknown_sender' })
    } finally {
      app.channels.callbackSecret = SECRET
    }
  })
})
