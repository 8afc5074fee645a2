import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Db } from '../../../db/database.js'
import { fakeClock } from '../../../jobs/clock.js'
import { createTestDb } from '../../../testing/test-app.js'
import { acknowledge } from './ack.js'
import { addPerson, BALIDIAN, issuedWarning, V1, V2, ZHILI } from '../engine-fixtures.js'
import { fanOut } from './fanout.js'

let db: Db
let drop: () => Promise<void>
// A database per test: each counts everyone in its villages.
beforeEach(async () => { ({ db, drop } = await createTestDb()) })
afterEach(async () => { await drop() })

const deliveriesOf = (warningId: number) => db.selectFrom('delivery')
  .select(['personId', 'groupId', 'channel', 'key', 'step', 'attempt', 'revision', 'state', 'address', 'error'])
  .where('warningId', '=', warningId).orderBy('id').execute()

const recipientsOf = (warningId: number) => db.selectFrom('warningRecipient').selectAll()
  .where('warningId', '=', warningId).orderBy('personId').execute()

describe('fan-out', () => {
  it('gives each person one recipient row and one message per channel they can receive', async () => {
    const clock = fakeClock('2026-07-20T02:00:00Z') // 10:00 China time
    const full = await addPerson(db, { regionCode: V1, roles: ['head'], email: 'head@zhili.test', account: true })
    const smsOnly = await addPerson(db, { regionCode: V1, roles: ['grid_worker'] })
    const nothing = await addPerson(db, { regionCode: V2, roles: ['head'], mobile: null })
    const outsider = await addPerson(db, { regionCode: BALIDIAN, roles: ['head'] })
    await addPerson(db, { regionCode: V1, roles: ['expert'] }) // not a warning role: not reached
    const group = await db.insertInto('linkageGroup').values({
      regionCode: ZHILI.slice(0, 6).padEnd(12, '0'), name: '防汛责任人', kind: 'custom', roles: [],
      wecomWebhook: 'http://127.0.0.1:9/cgi-bin/webhook/send?key=abc',
    }).returning('id').executeTakeFirstOrThrow()
    // Two ways to the same person: the target area and the chosen group.
    await db.insertInto('linkageMember').values([{ groupId: group.id, personId: full }, { groupId: group.id, personId: outsider }]).execute()

    const id = await issuedWarning(db, clock, {
      target: { regions: [ZHILI], groupIds: [group.id] },
      channels: ['inapp', 'sms', 'email', 'wecom'],
      ladder: { wave1: ['inapp', 'sms', 'email', 'wecom'] },
    })
    const counts = await fanOut(db, clock, { warningId: id, revision: 1 })
    expect(counts).toMatchObject({ recipients: 4, unreachable: 1, groups: 1 })

    const recipients = await recipientsOf(id)
    expect(recipients.map((r) => [r.personId, r.reason, r.state])).toEqual([
      [full, 'target', 'pending'], [smsOnly, 'target', 'pending'], [nothing, 'target', 'pending'], [outsider, 'group', 'pending'],
    ])
    // The reachable wait 5 minutes for the first call; the unreachable go to their superior at once.
    const at = (pid: number) => recipients.find((r) => r.personId === pid)!.nextAt?.toISOString()
    expect(at(full)).toBe('2026-07-20T02:05:00.000Z')
    expect(at(nothing)).toBe('2026-07-20T02:00:00.000Z')

    const deliveries = await deliveriesOf(id)
    const channels = (pid: number | null) => deliveries.filter((d) => d.personId === pid).map((d) => d.channel).sort()
    expect(channels(full)).toEqual(['email', 'inapp', 'sms'])
    expect(channels(smsOnly)).toEqual(['sms'])
    expect(channels(nothing)).toEqual([])
    expect(channels(outsider)).toEqual(['sms'])
    const robot = deliveries.filter((d) => d.groupId === group.id)
    expect(robot).toMatchObject([{ channel: 'wecom', personId: null, address: 'http://127.0.0.1:9/cgi-bin/webhook/send?key=abc' }])
    expect(deliveries.find((d) => d.personId === full && d.channel === 'sms')!.key).toBe(`w${id}r1p${full}:sms:s0a1`)
    expect(deliveries.every((d) => d.state === 'queued' && d.step === 0 && d.attempt === 1)).toBe(true)

    const step = await db.selectFrom('warningStep').select(['kind', 'detail']).where('warningId', '=', id).executeTakeFirstOrThrow()
    expect(step.kind).toBe('fanout')
    expect(step.detail).toMatchObject({ revision: 1, recipients: 4, deliveries: 6, groups: 1, byChannel: { inapp: 1, sms: 3, email: 1, wecom: 1 } })

    // The job may run again after a crash: nothing changes.
    expect(await fanOut(db, clock, { warningId: id, revision: 1 })).toBeNull()
    expect(await deliveriesOf(id)).toHaveLength(deliveries.length)
  })

  it('starts everyone over on an update, and drops what the old revision had not sent', async () => {
    const clock = fakeClock('2026-07-20T02:00:00Z')
    const a = await addPerson(db, { regionCode: V1, account: true })
    const b = await addPerson(db, { regionCode: V2 })
    const id = await issuedWarning(db, clock, { channels: ['inapp', 'sms'], target: { regions: [V1, V2] } })
    await fanOut(db, clock, { warningId: id, revision: 1 })
    await acknowledge(db, { warningId: id, personId: a, via: 'inapp', at: clock.now() })
    expect((await recipientsOf(id)).map((r) => r.state)).toEqual(['acknowledged', 'pending'])

    clock.advance(60_000)
    await db.updateTable('warning').set({ revision: 2, headline: '吴兴区暴雨橙色预警（更新）' }).where('id', '=', id).execute()
    expect(await fanOut(db, clock, { warningId: id, revision: 1 })).toBeNull() // superseded
    await fanOut(db, clock, { warningId: id, revision: 2 })

    const recipients = await recipientsOf(id)
    expect(recipients.map((r) => [r.personId, r.state, r.revision, r.acknowledgedAt])).toEqual([[a, 'pending', 2, null], [b, 'pending', 2, null]])
    expect(recipients[0].nextAt!.toISOString()).toBe('2026-07-20T02:06:00.000Z')
    const deliveries = await deliveriesOf(id)
    expect(deliveries.filter((d) => d.revision === 2).map((d) => d.key).sort()).toEqual(
      [`w${id}r2p${a}:inapp:s0a1`, `w${id}r2p${a}:sms:s0a1`, `w${id}r2p${b}:sms:s0a1`].sort())
    const old = deliveries.filter((d) => d.revision === 1)
    expect(old.find((d) => d.personId === b)).toMatchObject({ state: 'failed', error: '预警已更新，改发新版' })
    expect(old.filter((d) => d.personId === a).every((d) => d.state === 'acknowledged')).toBe(true)
  })

  it('starts with the voice call at night', async () => {
    const clock = fakeClock('2026-07-20T15:30:00Z') // 23:30 China time
    const p = await addPerson(db, { regionCode: V1 })
    const noPhone = await addPerson(db, { regionCode: V1, mobile: null, account: true })
    const id = await issuedWarning(db, clock, { channels: ['inapp', 'sms'], target: { regions: [V1] } })
    await fanOut(db, clock, { warningId: id, revision: 1 })
    const deliveries = await deliveriesOf(id)
    expect(deliveries.filter((d) => d.personId === p).map((d) => [d.channel, d.step])).toEqual([['sms', 0], ['voice', 1]])
    expect(deliveries.filter((d) => d.personId === noPhone).map((d) => d.channel)).toEqual(['inapp'])
    const r = await recipientsOf(id)
    expect(r.find((x) => x.personId === p)).toMatchObject({ step: 1, nextAt: new Date('2026-07-20T15:32:30Z') })
    expect(r.find((x) => x.personId === noPhone)).toMatchObject({ step: 0, nextAt: new Date('2026-07-20T15:35:00Z') })
  })

  it('marks the unreachable at once in a drill, and sends nothing for a warning closed before its fan-out', async () => {
    const clock = fakeClock('2026-07-20T02:00:00Z')
    const silent = await addPerson(db, { regionCode: V2, roles: ['liaison'], mobile: null })
    const drill = await issuedWarning(db, clock, { purpose: 'drill', target: { regions: [V2], roles: ['liaison'] } })
    await fanOut(db, clock, { warningId: drill, revision: 1 })
    expect(await recipientsOf(drill)).toMatchObject([{ personId: silent, state: 'unreachable', nextAt: null }])

    const cancelled = await issuedWarning(db, clock, { target: { regions: [V2] } })
    await db.updateTable('warning').set({ status: 'cancelled' }).where('id', '=', cancelled).execute()
    expect(await fanOut(db, clock, { warningId: cancelled, revision: 1 })).toBeNull()
    expect(await recipientsOf(cancelled)).toEqual([])
  })
})
