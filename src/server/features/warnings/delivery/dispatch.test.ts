import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Channel } from '../../../../domain/warnings/delivery.js'
import { inappAdapter } from '../../../channels/inapp.js'
import { smsAdapter } from '../../../channels/sms.js'
import type { ChannelAdapter } from '../../../channels/types.js'
import type { Db } from '../../../db/database.js'
import { fakeClock } from '../../../jobs/clock.js'
import { outgoing } from '../../../testing/outgoing.js'
import { startSmsGateway, type SmsGateway } from '../../../testing/peers/sms-gateway.js'
import { createTestDb } from '../../../testing/test-app.js'
import { acknowledge } from './ack.js'
import { addPerson, issuedWarning, V1, V2 } from '../engine-fixtures.js'
import { fanOut } from './fanout.js'
import { createDispatcher } from './dispatch.js'
import { verifyConfirmToken } from './tokens.js'

let db: Db
let drop: () => Promise<void>
let gateway: SmsGateway
// Fresh ones per test: ids (and so keys) start over in each database.
beforeEach(async () => {
  ({ db, drop } = await createTestDb())
  gateway = await startSmsGateway()
})
afterEach(async () => {
  await gateway.close()
  await drop()
})

const BASE = 'http://shouwang.test'
const RETRY_MS = 10_000

function setup(timeoutMs = 2000) {
  const clock = fakeClock('2026-07-20T02:00:00Z')
  const adapters = new Map<Channel, ChannelAdapter>([
    ['inapp', inappAdapter(db)],
    ['sms', smsAdapter({ url: gateway.url, token: null, timeoutMs })],
  ])
  const dispatcher = (id = 'a') => createDispatcher({ db, clock, publicBaseUrl: BASE, adapters, retryDelayMs: () => RETRY_MS, leaseMs: 60_000, batchSize: id === 'a' ? 500 : 7 })
  return { clock, adapters, dispatcher }
}

/** A warning to `n` people of a village, reachable by SMS only, fanned out. */
async function smsWarning(clock: ReturnType<typeof fakeClock>, n = 1, village = V1) {
  const people: number[] = []
  for (let i = 0; i < n; i++) people.push(await addPerson(db, { regionCode: village }))
  const id = await issuedWarning(db, clock, { channels: ['sms'], target: { regions: [village] } })
  await fanOut(db, clock, { warningId: id, revision: 1 })
  return { id, people }
}

const smsRows = (warningId: number) => db.selectFrom('delivery').selectAll()
  .where('warningId', '=', warningId).where('channel', '=', 'sms').orderBy('id').execute()

describe('dispatcher', () => {
  it('retries a 500 with the same key: the phone gets one message with a working confirm link', async () => {
    const { clock, dispatcher } = setup()
    const { id, people } = await smsWarning(clock)
    gateway.failNext(1, 500)
    const d = dispatcher()
    await d.drain()
    const [first] = await smsRows(id)
    expect(first).toMatchObject({ state: 'queued', tries: 1, sentAt: null })
    expect(first.error).toContain('HTTP 500')
    expect(first.sendAfter.getTime()).toBe(clock.now().getTime() + RETRY_MS)
    expect(gateway.received).toHaveLength(0)

    expect(await d.drain()).toBe(0) // not due before the backoff
    clock.advance(RETRY_MS)
    await d.drain()
    const [sent] = await smsRows(id)
    expect(sent).toMatchObject({ state: 'sent', tries: 2, providerId: gateway.received[0].id, error: null, sentAt: clock.now() })
    expect(gateway.received.map((m) => m.key)).toEqual([`w${id}r1p${people[0]}:sms:s0a1`])

    const text = gateway.received[0].text
    expect(text).toContain('【橙色预警】吴兴区暴雨橙色预警')
    expect(text).toContain('回1确认')
    const token = /http:\/\/shouwang\.test\/c\/(\S+)/.exec(text)![1]
    expect(await verifyConfirmToken(db, token, clock.now())).toMatchObject({ warningId: id, personId: people[0], revision: 1 })
  })

  it('retries a gateway that took the message but answered too late, without a second message', async () => {
    const { clock, dispatcher } = setup(200)
    const { id } = await smsWarning(clock)
    gateway.delayNext(1000)
    const d = dispatcher()
    await d.drain()
    const [late] = await smsRows(id)
    expect(late.state).toBe('queued')
    expect(late.error).toContain('无应答')
    clock.advance(RETRY_MS)
    await d.drain()
    expect(await smsRows(id)).toMatchObject([{ state: 'sent', providerId: gateway.received[0].id }])
    expect(gateway.received).toHaveLength(1)
    expect(gateway.requests).toBe(2)
  })

  it('resumes after a crash mid-send without sending twice', async () => {
    const { clock, adapters, dispatcher } = setup()
    const { id } = await smsWarning(clock, 2)
    const [sentBeforeCrash, claimedByLiveInstance] = await smsRows(id)
    // The dead instance had claimed the first row and handed it to the gateway, then died
    // before recording it; another, live instance holds the second row under a running lease.
    const r = await adapters.get('sms')!.send(outgoing({ key: sentBeforeCrash.key, address: sentBeforeCrash.address! }), AbortSignal.timeout(2000))
    expect(r).toEqual({ state: 'sent', providerId: gateway.received[0].id })
    await db.updateTable('delivery').set({ state: 'sending', tries: 1, lockedUntil: new Date(clock.now().getTime() - 1) })
      .where('id', '=', sentBeforeCrash.id).execute()
    await db.updateTable('delivery').set({ state: 'sending', tries: 1, lockedUntil: new Date(clock.now().getTime() + 30_000) })
      .where('id', '=', claimedByLiveInstance.id).execute()

    await dispatcher().drain()
    const rows = await smsRows(id)
    expect(rows[0]).toMatchObject({ state: 'sent', providerId: gateway.received[0].id, tries: 2 })
    expect(rows[1]).toMatchObject({ state: 'sending' }) // not ours while its lease runs
    expect(gateway.received).toHaveLength(1)
    expect(gateway.requests).toBe(2) // the repeat reached the gateway, which knew the key
  })

  it('lets two dispatchers share the queue, each message sent once', async () => {
    const { clock, dispatcher } = setup()
    const { id } = await smsWarning(clock, 30)
    await Promise.all([dispatcher('a').drain(), dispatcher('b').drain()])
    const rows = await smsRows(id)
    expect(rows.every((r) => r.state === 'sent' && r.tries === 1)).toBe(true)
    expect(gateway.requests).toBe(30)
    expect(new Set(gateway.received.map((m) => m.key)).size).toBe(30)
  })

  it('does not send to someone who already confirmed, nor for a closed warning', async () => {
    const { clock, dispatcher } = setup()
    const { id, people } = await smsWarning(clock, 2)
    await acknowledge(db, { warningId: id, personId: people[0], via: 'link', at: clock.now() })
    // A message that was already claimed before the confirmation came.
    await db.updateTable('delivery').set({ state: 'sending', lockedUntil: new Date(clock.now().getTime() - 1) })
      .where('warningId', '=', id).where('personId', '=', people[0]).execute()
    await dispatcher().drain()
    const rows = await smsRows(id)
    expect(rows.map((r) => r.state)).toEqual(['acknowledged', 'sent'])
    expect(gateway.received).toHaveLength(1)

    const { id: closed } = await smsWarning(clock, 1, V2)
    await db.updateTable('warning').set({ status: 'cancelled' }).where('id', '=', closed).execute()
    await dispatcher().drain()
    expect(await smsRows(closed)).toMatchObject([{ state: 'failed', error: '预警已撤销/解除' }])
    expect(gateway.received).toHaveLength(1)
  })

  it('fails at once on a refusal, and after four tries on a gateway that stays down', async () => {
    const { clock, dispatcher } = setup()
    const { id } = await smsWarning(clock, 1)
    gateway.failNext(1, 400)
    await dispatcher().drain()
    expect(await smsRows(id)).toMatchObject([{ state: 'failed', tries: 1 }])

    const { id: down } = await smsWarning(clock, 1, V2)
    gateway.failNext(10, 503)
    const d = dispatcher()
    for (let i = 0; i < 6; i++) {
      await d.drain()
      clock.advance(RETRY_MS)
    }
    const [row] = await smsRows(down)
    expect(row).toMatchObject({ state: 'failed', tries: 4 })
    expect(row.error).toContain('HTTP 503')
    expect(row.failedAt).not.toBeNull()
    expect(gateway.requests).toBe(5)
  })

  it('fails a channel with no adapter, saying so', async () => {
    const clock = fakeClock('2026-07-20T02:00:00Z')
    const { id } = await smsWarning(clock, 1)
    await createDispatcher({ db, clock, publicBaseUrl: BASE, adapters: new Map() }).drain()
    expect(await smsRows(id)).toMatchObject([{ state: 'failed', error: '该渠道未开启' }])
  })
})
