import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fakeClock } from '../../../jobs/clock.js'
import { runUntilIdle } from '../../../jobs/testing.js'
import { signIn, testApp, type Session } from '../../../testing/test-app.js'
import { acknowledge } from '../delivery/ack.js'
import { addPerson, CHAOYANG, draft, NANXUN, WUXING, YUEHE, YUEHE_VILLAGES } from '../test-fixtures.js'

/** A red warning nobody answers: the ladder leaves 上门叫应 tasks, one per village, for 月河街道 to close. */

const clock = fakeClock('2026-07-20T02:00:00Z')
const MIN = 60_000
let app: FastifyInstance
let county: Session
let township: Session
let otherTownship: Session
let village: Session
let otherCounty: Session
let townshipViewer: Session
let warningId: number
let silentId: number
let gridId: number
let otherId: number

type Person = { personId: number; name: string; mobile: string | null; confirmedAt: string | null; confirmedVia: string | null }
type Task = { id: number; areaCode: string; areaName: string; people: Person[]; open: number; state: string; regionCode: string; result: string | null }
const tasks = async (s: Session, q = '') => {
  const res = await s.request({ url: `/api/warnings/door-knocks${q}` })
  expect(res.statusCode).toBe(200)
  return res.json() as Promise<{ items: Task[]; total: number }>
}
const done = (s: Session, id: number, result: string, reached?: number[]) =>
  s.request({ method: 'POST', url: `/api/warnings/door-knocks/${id}/done`, payload: { result, reached } })

beforeAll(async () => {
  app = await testApp({ clock })
  county = await signIn(app, { role: 'county_manager', regionCode: WUXING })
  township = await signIn(app, { role: 'township_manager', regionCode: YUEHE })
  otherTownship = await signIn(app, { role: 'township_manager', regionCode: CHAOYANG })
  village = await signIn(app, { role: 'village_manager', regionCode: YUEHE_VILLAGES[0] })
  otherCounty = await signIn(app, { role: 'county_manager', regionCode: NANXUN })
  townshipViewer = await signIn(app, { role: 'viewer', regionCode: YUEHE })
  await addPerson(app, YUEHE, ['head'], '街道站长')
  silentId = (await addPerson(app, YUEHE_VILLAGES[0], ['head'], '沉默书记')).id
  gridId = (await addPerson(app, YUEHE_VILLAGES[0], ['grid_worker'], '沉默网格员')).id
  otherId = (await addPerson(app, YUEHE_VILLAGES[1], ['head'], '另一书记')).id

  const target = { regions: YUEHE_VILLAGES.slice(0, 2) }
  const w = (await county.request({ method: 'POST', url: '/api/warnings', payload: draft({ level: 1, target }) })).json()
  warningId = w.id
  const s = (await county.request({ method: 'POST', url: `/api/warnings/${w.id}/submit`, payload: { version: w.version } })).json()
  // Another officer approves (four eyes).
  const approver = await signIn(app, { role: 'county_manager', regionCode: WUXING })
  expect((await approver.request({ method: 'POST', url: `/api/warnings/${w.id}/approve`, payload: { version: s.version } })).statusCode).toBe(200)
  // Red ladder: voice after 3 min, three calls within 5 min, escalation 2 min after the last.
  await runUntilIdle(app)
  for (const step of [3, 2.5, 2.5, 2]) {
    clock.advance(step * MIN)
    await runUntilIdle(app)
  }
})
afterAll(async () => { await app.close() })

describe('上门叫应', () => {
  it('gives the township one task per village listing its silent people, and nobody else', async () => {
    const mine = await tasks(township)
    expect(mine.total).toBe(2)
    expect(mine.items.map((t) => t.areaCode).sort()).toEqual(YUEHE_VILLAGES.slice(0, 2))
    const first = mine.items.find((t) => t.areaCode === YUEHE_VILLAGES[0])!
    expect(first.people.map((p) => p.name).sort()).toEqual(['沉默书记', '沉默网格员'].sort())
    expect(first).toMatchObject({ warningId, regionCode: YUEHE, state: 'open', level: 1, headline: '吴兴区暴雨橙色预警', open: 2 })
    expect(first.areaName).toContain('月河街道')
    expect(first.people[0].mobile).toMatch(/^1\d{2}\*{4}\d{4}$/) // revealed one by one through the audited reveal
    expect((await tasks(county)).total).toBe(2)
    expect((await tasks(otherTownship)).total).toBe(0)
    expect((await tasks(otherCounty)).total).toBe(0)
    // The village does not knock on its own doors: its township does.
    expect((await tasks(village)).total).toBe(0)
    expect((await tasks(township, `?warningId=${warningId}&state=done`)).total).toBe(0)
  })

  it('closing a task confirms those told at the door and records who went', async () => {
    const task = (await tasks(township)).items.find((t) => t.areaCode === YUEHE_VILLAGES[0])!
    expect((await done(otherTownship, task.id, '已上门')).statusCode).toBe(404)
    expect((await done(townshipViewer, task.id, '已上门')).statusCode).toBe(403)
    const blank = await done(township, task.id, '   ')
    expect(blank.statusCode).toBe(400)
    const stranger = await done(township, task.id, '已上门', [otherId]) // someone of the other village
    expect(stranger.statusCode).toBe(400)
    expect(stranger.json()).toMatchObject({ code: 'INVALID_FIELD', details: [{ field: 'reached', value: otherId }] })

    const res = await done(township, task.id, '书记在家已当面告知；网格员外出未见到', [silentId])
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ id: task.id, state: 'done', result: '书记在家已当面告知；网格员外出未见到', doneAt: clock.now().toISOString(), open: 1 })
    expect(res.json().doneByName).toContain('测试township_manager')
    expect(res.json().people.find((p: Person) => p.personId === silentId)).toMatchObject({ confirmedVia: 'door', confirmedAt: clock.now().toISOString() })
    expect(res.json().people.find((p: Person) => p.personId === gridId)).toMatchObject({ confirmedVia: null, confirmedAt: null })

    const r = await app.db.selectFrom('warningRecipient').selectAll().where('warningId', '=', warningId).where('personId', '=', silentId).executeTakeFirstOrThrow()
    expect(r).toMatchObject({ state: 'acknowledged', ackChannel: 'door' })
    const grid = await app.db.selectFrom('warningRecipient').select('state').where('warningId', '=', warningId).where('personId', '=', gridId).executeTakeFirstOrThrow()
    expect(grid.state).not.toBe('acknowledged')
    const again = await done(township, task.id, '再次上门')
    expect(again.statusCode).toBe(409)
    expect(again.json().message).toBe('该上门叫应任务已办结')

    const audit = await app.db.selectFrom('auditLog').select(['action', 'actorId']).where('entity', '=', 'door_knock_task').execute()
    expect(audit).toEqual([{ action: 'door_knock.done', actorId: township.userId }])
    const w = (await county.request({ url: `/api/warnings/${warningId}` })).json()
    const texts = w.steps.map((s: { text: string }) => s.text)
    expect(texts.some((t: string) => /上门叫应.+，当面告知沉默书记，1 人未见到：书记在家已当面告知；网格员外出未见到$/.test(t))).toBe(true)
    expect(texts.some((t: string) => t.includes('沉默书记已确认（上门叫应）'))).toBe(true)
  })

  it('lists done tasks after open ones and drops the person from the silent list', async () => {
    const all = await tasks(township)
    expect(all.items.map((t) => t.state)).toEqual(['open', 'done'])
    expect((await tasks(township, '?state=done')).items.map((t) => t.areaCode)).toEqual([YUEHE_VILLAGES[0]])
    const silent = (await county.request({ url: `/api/warnings/${warningId}/silent` })).json()
    expect(silent.items.map((s: { personId: number }) => s.personId)).not.toContain(silentId)
    expect(silent.items.find((s: { personId: number }) => s.personId === gridId)).toMatchObject({ doorKnockState: 'done' })
  })

  it('closes a village\'s task by itself once everyone on it has confirmed', async () => {
    await acknowledge(app.db, { warningId, personId: otherId, via: 'link', at: clock.now() })
    const task = (await tasks(township)).items.find((t) => t.areaCode === YUEHE_VILLAGES[1])!
    expect(task).toMatchObject({ state: 'done', result: '本人已确认（确认链接）', open: 0 })
    expect(task.people).toMatchObject([{ personId: otherId, confirmedVia: 'link' }])
  })
})
