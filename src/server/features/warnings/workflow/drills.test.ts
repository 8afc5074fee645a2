import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fakeClock } from '../../../jobs/clock.js'
import { runUntilIdle } from '../../../jobs/testing.js'
import { signIn, testApp, type Session } from '../../../testing/test-app.js'
import { DRILL_HEADLINE } from './drills.js'
import { addPerson, CHAOYANG, NANXUN, NANXUN_TOWN, WUXING, YUEHE, YUEHE_VILLAGES } from '../test-fixtures.js'

const clock = fakeClock('2026-07-20T02:00:00Z')
let app: FastifyInstance
let duty: Session
let viewer: Session

beforeAll(async () => {
  app = await testApp({ clock })
  duty = await signIn(app, { role: 'duty', regionCode: WUXING })
  viewer = await signIn(app, { role: 'viewer', regionCode: WUXING })
  await addPerson(app, YUEHE, ['head'])
  for (const v of YUEHE_VILLAGES) await addPerson(app, v, ['head'])
  // One village head has an account, so the in-app message reaches them; no gateway is configured.
  const head = await app.db.selectFrom('person').select('id').where('regionCode', '=', YUEHE_VILLAGES[0]).executeTakeFirstOrThrow()
  const account = await signIn(app, { role: 'village_manager', regionCode: YUEHE_VILLAGES[0] })
  await app.db.updateTable('appUser').set({ personId: head.id }).where('id', '=', account.userId).execute()
})
afterAll(async () => { await app.close() })

const drill = (s: Session, payload: object) => s.request({ method: 'POST', url: '/api/warnings/drills', payload })

describe('通联演练', () => {
  it('is issued at once by someone who may draft, without escalation or door knocks', async () => {
    const res = await drill(duty, { regionCode: WUXING, target: { regions: [YUEHE] }, channels: ['inapp', 'sms'] })
    expect(res.statusCode).toBe(200)
    const d = res.json()
    expect(d).toMatchObject({ purpose: 'drill', status: 'issued', level: 4, headline: DRILL_HEADLINE, issuedAt: clock.now().toISOString() })
    expect(d.identifier).toMatch(/^33050200000000_\d{14}_\d$/)
    expect(d.ladder).toMatchObject({ wave1: ['inapp', 'sms'], voiceAfterMinutes: null, escalate: false, doorKnock: false })
    const jobs = await app.db.selectFrom('job').selectAll().where('queue', '=', 'warning.fanout').execute()
    expect(jobs.map((j) => j.key)).toEqual([`fanout:${d.id}:1`])
    const audit = await app.db.selectFrom('auditLog').select('action').where('entity', '=', 'warning').where('entityId', '=', String(d.id)).execute()
    expect(audit.map((a) => a.action)).toEqual(['drill.issued'])
    expect(d.steps[0].text).toContain('通联演练发出')
  })

  it('carries the sender\'s own message', async () => {
    clock.advance(1000)
    const res = await drill(duty, { regionCode: WUXING, target: { regions: [YUEHE] }, channels: ['sms'], message: '汛前通联测试，请回复 1' })
    expect(res.json().headline).toBe('汛前通联测试，请回复 1')
  })

  it('refuses viewers, other jurisdictions, empty and unpopulated targets', async () => {
    expect((await drill(viewer, { regionCode: WUXING, target: { regions: [YUEHE] }, channels: ['sms'] })).statusCode).toBe(403)
    const out = await drill(duty, { regionCode: NANXUN, target: { regions: [NANXUN_TOWN] }, channels: ['sms'] })
    expect(out.statusCode).toBe(403)
    const empty = await drill(duty, { regionCode: WUXING, target: {}, channels: ['sms'] })
    expect(empty.json().code).toBe('EMPTY_TARGET')
    const nobody = await drill(duty, { regionCode: WUXING, target: { regions: [CHAOYANG] }, channels: ['sms'] })
    expect(nobody.statusCode).toBe(422)
    expect(await app.db.selectFrom('warning').select('id').where('headline', '=', DRILL_HEADLINE).execute()).toHaveLength(1)
  })

  it('can be ended by its sender but not updated', async () => {
    clock.advance(1000)
    const d = (await drill(duty, { regionCode: WUXING, target: { regions: [YUEHE] }, channels: ['inapp'] })).json()
    const upd = await duty.request({ method: 'POST', url: `/api/warnings/${d.id}/update`, payload: { version: d.version, headline: 'x' } })
    expect(upd.statusCode).toBe(403) // updating needs warnings.issue
    const end = await duty.request({ method: 'POST', url: `/api/warnings/${d.id}/end`, payload: { version: d.version, reason: '演练结束' } })
    expect(end.json()).toMatchObject({ status: 'ended', endReason: '演练结束' })
  })

  it('reports who no message reached, and never escalates', async () => {
    clock.advance(1000)
    const d = (await drill(duty, { regionCode: WUXING, target: { regions: [YUEHE] }, channels: ['inapp', 'sms'], message: '汛前通联测试' })).json()
    await runUntilIdle(app)
    const board = (await duty.request({ url: `/api/warnings/${d.id}/board` })).json()
    expect(board.totals).toEqual({ recipients: 4, acknowledged: 0, pending: 1, escalated: 0, unreachable: 3, silent: 3 })
    const silent = (await duty.request({ url: `/api/warnings/${d.id}/silent` })).json()
    expect(silent.total).toBe(board.totals.silent)
    expect(silent.items.every((s: { state: string; doorKnockState: string | null }) => s.state === 'unreachable' && s.doorKnockState === null)).toBe(true)
    expect((await duty.request({ url: `/api/warnings/${d.id}/recipients?state=unreachable` })).json().total).toBe(3)
    const list = (await duty.request({ url: '/api/warnings?purpose=drill&q=' + encodeURIComponent('汛前通联测试') })).json()
    expect(list.items.find((i: { id: number }) => i.id === d.id).counts).toEqual({ recipients: 4, acknowledged: 0, pending: 1, unreachable: 3 })

    clock.advance(60 * 60_000)
    await runUntilIdle(app)
    expect((await duty.request({ url: `/api/warnings/${d.id}/board` })).json().totals.recipients).toBe(4)
    expect(await app.db.selectFrom('doorKnockTask').select('id').where('warningId', '=', d.id).execute()).toEqual([])
  })
})
