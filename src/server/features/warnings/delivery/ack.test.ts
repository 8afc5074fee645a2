import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Db } from '../../../db/database.js'
import { fakeClock } from '../../../jobs/clock.js'
import { createTestDb } from '../../../testing/test-app.js'
import { createAckBatcher } from './ack-batcher.js'
import { acknowledge, acknowledgeMany, recordDeliveryResult } from './ack.js'
import { addPerson, issuedWarning, V1, ZHILI } from '../engine-fixtures.js'
import { fanOut } from './fanout.js'

let db: Db
let drop: () => Promise<void>
beforeEach(async () => { ({ db, drop } = await createTestDb()) })
afterEach(async () => { await drop() })

async function twoPeople() {
  const clock = fakeClock('2026-07-20T02:00:00Z')
  const a = await addPerson(db, { regionCode: V1, account: true })
  const b = await addPerson(db, { regionCode: V1 })
  const id = await issuedWarning(db, clock, { target: { regions: [V1] }, channels: ['inapp', 'sms'] })
  await fanOut(db, clock, { warningId: id, revision: 1 })
  return { clock, a, b, id }
}

describe('acknowledgeMany and the batcher', () => {
  it('answers each confirmation of a batch on its own: new, repeated, closed, stranger', async () => {
    const { clock, a, b, id } = await twoPeople()
    const c = await addPerson(db, { regionCode: V1 })
    const other = await issuedWarning(db, clock, { target: { regions: [V1] }, channels: ['sms'] })
    await fanOut(db, clock, { warningId: other, revision: 1 })
    await db.updateTable('warning').set({ status: 'cancelled' }).where('id', '=', other).execute()
    const at = clock.now()
    const outcomes = await acknowledgeMany(db, [
      { warningId: id, personId: a, via: 'link', at },
      { warningId: id, personId: a, via: 'sms', at },
      { warningId: other, personId: c, via: 'link', at },
      { warningId: id, personId: 999_999, via: 'link', at },
      { warningId: id, personId: b, via: 'link', at },
    ])
    expect(outcomes).toEqual(['acknowledged', 'already', 'closed', 'not_recipient', 'acknowledged'])
    expect((await warningRow(id)).fullyConfirmedAt).toEqual(at)
    const steps = await db.selectFrom('warningStep').select('kind').where('warningId', '=', id).where('kind', '=', 'acknowledged').execute()
    expect(steps).toHaveLength(2)
  })

  it('gathers confirmations arriving together and gives every caller its outcome', async () => {
    const clock = fakeClock('2026-07-20T02:00:00Z')
    const people = await Promise.all(Array.from({ length: 40 }, () => addPerson(db, { regionCode: V1 })))
    const id = await issuedWarning(db, clock, { target: { regions: [V1] }, channels: ['sms'] })
    await fanOut(db, clock, { warningId: id, revision: 1 })
    const acks = createAckBatcher(db, { maxBatch: 16, maxWaitMs: 20 })
    const at = clock.now()
    // Every person twice, all at once: 40 confirmed, 40 already.
    const outcomes = await Promise.all([...people, ...people].map((personId) => acks.acknowledge({ warningId: id, personId, via: 'link', at })))
    await acks.close()
    expect(outcomes.filter((o) => o === 'acknowledged')).toHaveLength(40)
    expect(outcomes.filter((o) => o === 'already')).toHaveLength(40)
    const { n } = await db.selectFrom('warningRecipient').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('warningId', '=', id).where('state', '=', 'acknowledged').executeTakeFirstOrThrow()
    expect(n).toBe(40)
    // Batched: far fewer transactions than confirmations, seen as timeline steps sharing one time.
    expect((await warningRow(id)).fullyConfirmedAt).toEqual(at)
  })
})

const warningRow = (id: number) => db.selectFrom('warning').select(['fullyConfirmedAt']).where('id', '=', id).executeTakeFirstOrThrow()

describe('acknowledge', () => {
  it('confirms once, settles unsent messages, and records when the last person confirmed', async () => {
    const { clock, a, b, id } = await twoPeople()
    await db.updateTable('delivery').set({ state: 'sent' }).where('personId', '=', a).where('channel', '=', 'sms').execute()
    const task = await db.insertInto('doorKnockTask').values({ warningId: id, areaCode: ZHILI, regionCode: ZHILI }).returning('id').executeTakeFirstOrThrow()
    await db.insertInto('doorKnockPerson').values({ taskId: task.id, warningId: id, personId: a }).execute()

    expect(await acknowledge(db, { warningId: id, personId: a, via: 'sms', at: clock.now() })).toBe('acknowledged')
    expect(await acknowledge(db, { warningId: id, personId: a, via: 'link', at: clock.advance(1000) })).toBe('already')
    const mine = await db.selectFrom('delivery').select(['channel', 'state', 'acknowledgedAt']).where('personId', '=', a).orderBy('channel').execute()
    expect(mine).toEqual([
      { channel: 'inapp', state: 'acknowledged', acknowledgedAt: new Date('2026-07-20T02:00:00Z') }, // was still queued
      { channel: 'sms', state: 'acknowledged', acknowledgedAt: new Date('2026-07-20T02:00:00Z') }, // the reply came through it
    ])
    expect(await db.selectFrom('doorKnockTask').select(['state', 'result']).executeTakeFirstOrThrow())
      .toEqual({ state: 'done', result: '本人已确认（短信）' })
    expect((await warningRow(id)).fullyConfirmedAt).toBeNull()

    clock.advance(60_000)
    await acknowledge(db, { warningId: id, personId: b, via: 'voice', at: clock.now() })
    expect((await warningRow(id)).fullyConfirmedAt).toEqual(new Date('2026-07-20T02:01:01Z'))
    const kinds = await db.selectFrom('warningStep').select('kind').where('warningId', '=', id).orderBy('id').execute()
    expect(kinds.map((k) => k.kind)).toEqual(['fanout', 'acknowledged', 'acknowledged', 'fully_confirmed'])
  })

  it('works inside the caller\'s transaction, and answers closed once the warning is closed', async () => {
    const { clock, a, b, id } = await twoPeople()
    await db.transaction().execute(async (trx) => {
      expect(await acknowledge(trx, { warningId: id, personId: a, via: 'door', at: clock.now(), actorId: null })).toBe('acknowledged')
    })
    await db.updateTable('warning').set({ status: 'ended' }).where('id', '=', id).execute()
    expect(await acknowledge(db, { warningId: id, personId: b, via: 'link', at: clock.now() })).toBe('closed')
    expect(await acknowledge(db, { warningId: id, personId: a, via: 'link', at: clock.now() })).toBe('already')
    await expect(acknowledge(db, { warningId: id, personId: 999_999, via: 'link', at: clock.now() })).rejects.toMatchObject({ status: 404 })
  })
})

describe('delivery receipts', () => {
  it('moves a delivery forward only', async () => {
    const { clock, a, id } = await twoPeople()
    const sms = await db.updateTable('delivery').set({ state: 'sent', providerId: 'gw-1' })
      .where('personId', '=', a).where('channel', '=', 'sms').returning('id').executeTakeFirstOrThrow()
    expect(await recordDeliveryResult(db, { providerId: 'gw-1', channel: 'sms', state: 'delivered', at: clock.now() }))
      .toMatchObject({ id: sms.id, warningId: id, personId: a, state: 'delivered' })
    // A late failure receipt does not undo a delivery.
    expect(await recordDeliveryResult(db, { providerId: 'gw-1', channel: 'sms', state: 'failed', error: '空号', at: clock.now() }))
      .toMatchObject({ state: 'delivered' })
    expect(await recordDeliveryResult(db, { providerId: 'gw-1', channel: 'voice', state: 'failed', at: clock.now() })).toBeNull()
    expect(await recordDeliveryResult(db, { providerId: 'nobody', state: 'delivered', at: clock.now() })).toBeNull()
    const row = await db.selectFrom('delivery').select(['state', 'deliveredAt', 'error']).where('id', '=', sms.id).executeTakeFirstOrThrow()
    expect(row).toEqual({ state: 'delivered', deliveredAt: clock.now(), error: null })
  })
})
