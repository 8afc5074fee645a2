import type { FastifyInstance } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fakeClock } from '../../../jobs/clock.js'
import { enqueueClose } from '../workflow/queries.js'
import { runUntilIdle } from '../../../jobs/testing.js'
import { startPeers, type Peers } from '../../../testing/peers/index.js'
import { testApp } from '../../../testing/test-app.js'
import { addPerson, COUNTY, issuedWarning, V1, V2, ZHILI } from '../engine-fixtures.js'

const BASE = 'http://shouwang.test'
const MIN = 60_000

let app: FastifyInstance
let peers: Peers
let clock: ReturnType<typeof fakeClock>

async function start(at: string) {
  clock = fakeClock(at)
  peers = await startPeers()
  app = await testApp({ clock, channels: peers.channels(BASE) })
}

afterEach(async () => {
  await app.close()
  await peers.close()
})

/** Moves the fake clock on and lets the engine do whatever became due. */
async function after(ms: number) {
  clock.advance(ms)
  await runUntilIdle(app)
}

const recipient = (warningId: number, personId: number) => app.db.selectFrom('warningRecipient').selectAll()
  .where('warningId', '=', warningId).where('personId', '=', personId).executeTakeFirst()

const callsTo = (mobile: string) => peers.voice.received.filter((c) => c.to === mobile)

async function mobileOf(personId: number) {
  return (await app.db.selectFrom('person').select('mobile').where('id', '=', personId).executeTakeFirstOrThrow()).mobile!
}

describe('the 叫应 ladder, end to end on a fake clock', () => {
  describe('by day', () => {
    beforeEach(async () => { await start('2026-07-20T02:00:00Z') }) // 10:00 China time

    it('calls a silent village head three times within five minutes, then tells the township and opens a door-knock task', async () => {
      const head = await addPerson(app.db, { regionCode: V1, name: '张村长', post: '村主任', roles: ['head', 'flood_control'] })
      const townHead = await addPerson(app.db, { regionCode: ZHILI, name: '李镇长', post: '镇长', roles: ['head'] })
      await addPerson(app.db, { regionCode: ZHILI, name: '王干事', roles: ['informant'] }) // other roles: not asked
      const id = await issuedWarning(app.db, clock, { regionCode: COUNTY, target: { regions: [V1] }, channels: ['inapp', 'sms'] })
      const mobile = await mobileOf(head)

      await runUntilIdle(app)
      expect(peers.sms.received.map((m) => m.to)).toEqual([mobile])
      expect(await recipient(id, head)).toMatchObject({ state: 'pending', step: 0 })

      await after(4 * MIN)
      expect(callsTo(mobile)).toHaveLength(0)
      await after(1 * MIN) // 5 min: first call
      await after(2.5 * MIN) // 7.5 min: second
      await after(2.5 * MIN) // 10 min: third
      const calls = callsTo(mobile)
      expect(calls.map((c) => c.key)).toEqual([1, 2, 3].map((n) => `w${id}r1p${head}:voice:s${n}a${n}`))
      expect(calls[0].speech).toMatch(/确认收到请按1。$/)
      const voiceRows = await app.db.selectFrom('delivery').select('sendAfter').where('warningId', '=', id).where('channel', '=', 'voice').orderBy('id').execute()
      const spread = voiceRows.at(-1)!.sendAfter.getTime() - voiceRows[0].sendAfter.getTime()
      expect(spread).toBeLessThanOrEqual(5 * MIN)
      expect(await app.db.selectFrom('doorKnockTask').selectAll().execute()).toEqual([])

      await after(5 * MIN) // still silent 5 min after the last call
      expect(await recipient(id, head)).toMatchObject({ state: 'escalated', nextAt: null })
      expect(await recipient(id, townHead)).toMatchObject({ reason: 'escalation', escalatedFrom: head, state: 'pending', regionLevel: 'township' })
      // New to the warning, he gets the warning itself, saying whom he stands in for: one SMS, no separate notice.
      const toTown = peers.sms.received.filter((m) => m.key.includes(`p${townHead}:`))
      expect(toTown).toHaveLength(1)
      expect(toTown[0].text).toContain('【叫应升级】织里居委会村主任张村长未确认收到本预警，请您代为接收并督促落实')
      expect(toTown[0].text).toContain(`名单及电话：${BASE}/inbox/escalations?warning=${id}`)
      expect(toTown[0].text).toContain(`${BASE}/c/`)
      const tasks = await app.db.selectFrom('doorKnockTask').selectAll().execute()
      expect(tasks).toMatchObject([{ warningId: id, areaCode: V1, regionCode: ZHILI, state: 'open' }])
      expect(await app.db.selectFrom('doorKnockPerson').select(['taskId', 'personId']).execute()).toEqual([{ taskId: tasks[0].id, personId: head }])
      const steps = await app.db.selectFrom('warningStep').select(['kind', 'personId', 'detail']).where('warningId', '=', id).orderBy('id').execute()
      expect(steps.map((s) => s.kind)).toEqual(['fanout', 'voice', 'voice', 'voice', 'escalated'])
      expect((steps[4].detail as { text: string }).text).toBe('村级 1 人多次呼叫未确认，已升级至乡镇（通知 1 人），生成上门叫应任务 1 个')

      // The township head now runs the ladder himself.
      await after(5 * MIN)
      expect(callsTo(await mobileOf(townHead))).toHaveLength(1)
    })

    it('tells a township head who has the warning already which village head stays silent, even after he confirmed', async () => {
      const head = await addPerson(app.db, { regionCode: V1, name: '张村长', post: '村主任', roles: ['head'] })
      const other = await addPerson(app.db, { regionCode: V2, name: '赵村长', post: '村主任', roles: ['head'] })
      const townHead = await addPerson(app.db, { regionCode: ZHILI, name: '李镇长', post: '镇长', roles: ['head'] })
      const id = await issuedWarning(app.db, clock, { regionCode: COUNTY, target: { regions: [ZHILI] }, channels: ['inapp', 'sms'] })
      await runUntilIdle(app)
      const link = (personId: number) => /http:\/\/shouwang\.test\/c\/(\S+)/.exec(peers.sms.received.find((m) => m.key.includes(`p${personId}:`))!.text)![1]
      for (const p of [townHead, other]) await app.inject({ method: 'POST', url: `/api/confirm/${link(p)}` })

      for (const m of [5, 2.5, 2.5, 5]) await after(m * MIN) // three calls, then still silent
      expect(await recipient(id, head)).toMatchObject({ state: 'escalated' })
      expect(await recipient(id, townHead)).toMatchObject({ reason: 'target', state: 'acknowledged' })
      const townMobile = await mobileOf(townHead)
      const notice = peers.sms.received.filter((m) => m.to === townMobile && m.key.endsWith(':round1'))
      expect(notice).toHaveLength(1)
      expect(notice[0].text).toBe(`【叫应升级】织里居委会村主任张村长未确认“吴兴区暴雨橙色预警”，请立即组织联系，必要时上门叫应。名单及电话 ${BASE}/inbox/escalations?warning=${id} `)
      expect(notice[0].text).not.toContain('/c/') // it asks him to chase, not to confirm again
      const round = await app.db.selectFrom('escalationRound').select(['id', 'number']).where('warningId', '=', id).executeTakeFirstOrThrow()
      expect(round.number).toBe(1)
      const notices = await app.db.selectFrom('delivery').select(['channel', 'roundId'])
        .where('personId', '=', townHead).where('step', '=', -2).execute()
      expect(notices).toEqual([{ channel: 'sms', roundId: round.id }]) // no account, so no in-app message
      expect(await app.db.selectFrom('escalation').select(['personId', 'superiorId']).execute()).toEqual([{ personId: head, superiorId: townHead }])
      expect(await app.db.selectFrom('doorKnockTask').select(['areaCode', 'regionCode']).execute()).toEqual([{ areaCode: V1, regionCode: ZHILI }])
    })

    it('stops for someone who confirms from the link, after the first call', async () => {
      const head = await addPerson(app.db, { regionCode: V1, account: true })
      const id = await issuedWarning(app.db, clock, { target: { regions: [V1] }, channels: ['inapp', 'sms'] })
      const mobile = await mobileOf(head)
      await runUntilIdle(app)
      await after(5 * MIN)
      expect(callsTo(mobile)).toHaveLength(1)

      const link = /http:\/\/shouwang\.test\/c\/(\S+)/.exec(peers.sms.received[0].text)![1]
      const res = await app.inject({ method: 'POST', url: `/api/confirm/${link}` })
      expect(res.json()).toEqual({ outcome: 'acknowledged' })
      for (let i = 0; i < 6; i++) await after(5 * MIN)
      expect(callsTo(mobile)).toHaveLength(1)
      expect(await recipient(id, head)).toMatchObject({ state: 'acknowledged', ackChannel: 'link', nextAt: null })
      expect(await app.db.selectFrom('doorKnockTask').selectAll().execute()).toEqual([])
      const w = await app.db.selectFrom('warning').select('fullyConfirmedAt').where('id', '=', id).executeTakeFirstOrThrow()
      expect(w.fullyConfirmedAt).toEqual(new Date('2026-07-20T02:05:00Z'))
    })

    it('calls in a drill but escalates nobody', async () => {
      const head = await addPerson(app.db, { regionCode: V2 })
      await addPerson(app.db, { regionCode: ZHILI, roles: ['head'] })
      const id = await issuedWarning(app.db, clock, { purpose: 'drill', target: { regions: [V2] }, channels: ['sms'] })
      await runUntilIdle(app)
      for (let i = 0; i < 8; i++) await after(5 * MIN)
      expect(callsTo(await mobileOf(head))).toHaveLength(3)
      expect(await recipient(id, head)).toMatchObject({ state: 'pending', nextAt: null })
      const rows = await app.db.selectFrom('warningRecipient').select('personId').where('warningId', '=', id).execute()
      expect(rows).toHaveLength(1)
      expect(await app.db.selectFrom('doorKnockTask').selectAll().execute()).toEqual([])
      expect(peers.sms.received[0].text).toContain('【通联演练】')
    })

    it('stops the ladder and sends a notice when the warning is cancelled', async () => {
      const head = await addPerson(app.db, { regionCode: V1, account: true })
      const id = await issuedWarning(app.db, clock, { target: { regions: [V1] }, channels: ['inapp', 'sms'] })
      await runUntilIdle(app)
      await app.db.updateTable('warning').set({ status: 'cancelled' }).where('id', '=', id).execute()
      await enqueueClose(app.db, id, 'cancelled', clock.now())
      await runUntilIdle(app)
      for (let i = 0; i < 4; i++) await after(5 * MIN)
      expect(callsTo(await mobileOf(head))).toHaveLength(0)
      expect(peers.sms.received.map((m) => m.text.slice(0, 6))).toEqual(['【橙色预警】', '【预警撤销】'])
      const inbox = await app.db.selectFrom('delivery').select(['channel', 'step', 'state']).where('warningId', '=', id).where('personId', '=', head).orderBy('id').execute()
      expect(inbox).toEqual([
        { channel: 'inapp', step: 0, state: 'delivered' }, { channel: 'sms', step: 0, state: 'sent' },
        { channel: 'inapp', step: -1, state: 'delivered' }, { channel: 'sms', step: -1, state: 'sent' },
      ])
      expect(await recipient(id, head)).toMatchObject({ state: 'pending', nextAt: null })
    })
  })

  describe('at night', () => {
    beforeEach(async () => { await start('2026-07-20T15:30:00Z') }) // 23:30 China time

    it('calls at once with wave 1', async () => {
      const head = await addPerson(app.db, { regionCode: V1 })
      await issuedWarning(app.db, clock, { target: { regions: [V1] }, channels: ['inapp', 'sms'] })
      await runUntilIdle(app)
      const mobile = await mobileOf(head)
      expect(peers.sms.received.map((m) => m.to)).toEqual([mobile])
      expect(callsTo(mobile)).toHaveLength(1)
      await after(2.5 * MIN)
      expect(callsTo(mobile)).toHaveLength(2)
    })
  })
})
