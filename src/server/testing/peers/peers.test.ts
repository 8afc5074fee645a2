import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { smsAdapter } from '../../channels/sms.js'
import { voiceAdapter } from '../../channels/voice.js'
import { applyWaitingCallbacks } from '../../features/gateway/callbacks.js'
import { storedCallbackSecret } from '../../features/gateway/secret.js'
import { outgoing } from '../outgoing.js'
import { testApp } from '../test-app.js'
import { insertDelivery, insertPerson, insertRecipient, insertWarning } from '../warning-rows.js'
import { sleep } from './http-peer.js'
import { startPeers, type Peers } from './index.js'
import { startSmsGateway } from './sms-gateway.js'

let app: FastifyInstance
let peers: Peers
const never = new AbortController().signal

beforeAll(async () => {
  // Nothing configured: the peers sign with the secret the server generated for itself.
  peers = await startPeers({ token: 't0ken', callbackSecret: () => storedCallbackSecret(app.db), autoReceipt: true })
  app = await testApp({ channels: peers.channels('http://placeholder') })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  app.channels.publicBaseUrl = base
  peers.setCallbackUrl(`${base}/api/gateway`)
})
afterAll(async () => {
  await peers.close()
  await app.close()
})

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const v = await read()
    if (done(v)) return v
    await sleep(20)
  }
  throw new Error('condition not reached')
}

describe('loopback peers against the server', () => {
  it('SMS: the automatic receipt is kept until the send is recorded, then marks it delivered', async () => {
    const w = await insertWarning(app.db)
    const p = await insertPerson(app.db)
    await insertRecipient(app.db, w.id, p.id)
    const d = await insertDelivery(app.db, { warningId: w.id, personId: p.id, channel: 'sms', state: 'sending' })
    const sms = smsAdapter(app.channels.sms!)
    const result = await sms.send(outgoing({ key: `peer-${d.id}`, address: p.mobile! }), never)
    expect(result.state).toBe('sent')
    // As the dispatcher records it, a moment after the gateway answered (and its receipt came).
    const providerId = result.state === 'sent' ? result.providerId! : null
    await until(() => app.db.selectFrom('inboundMessage').select('outcome').where('providerKey', '=', `sms:${providerId}:delivered`).execute(), (r) => r.length === 1)
    await app.db.updateTable('delivery').set({ state: 'sent', providerId }).where('id', '=', d.id).execute()
    await applyWaitingCallbacks(app.db, new Date(), [{ channel: 'sms', providerId }])
    const row = await until(() => app.db.selectFrom('delivery').select('state').where('id', '=', d.id).executeTakeFirstOrThrow(), (r) => r.state === 'delivered')
    expect(row.state).toBe('delivered')
  })

  it('SMS: a signed reply of 收到 confirms', async () => {
    const w = await insertWarning(app.db)
    const p = await insertPerson(app.db)
    await insertRecipient(app.db, w.id, p.id)
    const res = await peers.sms.reply(p.mobile!, '收到')
    expect(res).toEqual({ status: 200, body: { outcome: 'acknowledged' } })
    const again = await peers.sms.reply(p.mobile!, '收到', { id: 'fixed-reply' })
    expect(again.body).toEqual({ outcome: 'no_pending' })
    expect((await peers.sms.reply(p.mobile!, '收到', { id: 'fixed-reply' })).body).toEqual({ outcome: 'duplicate' })
  })

  it('voice: the call carries the server\'s callback URL, and pressing 1 there confirms', async () => {
    const w = await insertWarning(app.db)
    const p = await insertPerson(app.db)
    await insertRecipient(app.db, w.id, p.id)
    const d = await insertDelivery(app.db, { warningId: w.id, personId: p.id, channel: 'voice', state: 'sending' })
    peers.voice.setCallbackUrl(null)
    const voice = voiceAdapter(app.channels.voice!, app.channels.publicBaseUrl)
    const result = await voice.send(outgoing({ channel: 'voice', key: `peer-${d.id}`, address: p.mobile! }), never)
    if (result.state !== 'sent') throw new Error(JSON.stringify(result))
    await app.db.updateTable('delivery').set({ state: 'sent', providerId: result.providerId! }).where('id', '=', d.id).execute()
    const res = await peers.voice.answer(result.providerId!, 'confirmed')
    expect(res).toEqual({ status: 200, body: { outcome: 'acknowledged' } })
    const r = await app.db.selectFrom('warningRecipient').select(['state', 'ackChannel']).where('warningId', '=', w.id).where('personId', '=', p.id).executeTakeFirstOrThrow()
    expect(r).toEqual({ state: 'acknowledged', ackChannel: 'voice' })
  })

  it('peers sign with SHOUWANG_CALLBACK_SECRET when the server has one', async () => {
    app.channels.callbackSecret = 'set-in-the-environment'
    try {
      expect((await peers.sms.reply('13800000000', '1')).status).toBe(401)
      peers.setCallbackSecret('set-in-the-environment')
      expect(await peers.sms.reply('13800000000', '1')).toEqual({ status: 200, body: { outcome: 'unknown_sender' } })
    } finally {
      app.channels.callbackSecret = null
      peers.setCallbackSecret(() => storedCallbackSecret(app.db))
    }
  })

  it('a peer with the wrong secret is refused', async () => {
    const rogue = await startSmsGateway({ callbackUrl: `${app.channels.publicBaseUrl}/api/gateway`, callbackSecret: 'guess' })
    try {
      expect((await rogue.reply('13800000000', '1')).status).toBe(401)
    } finally {
      await rogue.close()
    }
  })
})
