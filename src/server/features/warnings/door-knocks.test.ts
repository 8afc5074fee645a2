import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fakeClock } from '../../jobs/clock.js'
import { runUntilIdle } from '../../jobs/testing.js'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { addPerson, CHAOYANG, draft, NANXUN, WUXING, YUEHE, YUEHE_VILLAGES } from './test-fixtures.js'

/** A red warning nobody answers: the ladder leaves 上门叫应 tasks for 月河街道 to close. */

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

type Task = { id: number; personId: number; personName: string; state: string; regionCode: string; result: string | null }
const tasks = async (s: Session, q = '') => {
  const res = await s.request({ url: `/api/warnings/door-knocks${q}` })
  expect(res.statusCode).toBe(200)
  return res.json() as Promise<{ items: Task[]; total: number }>
}
const done = (s: Session, id: number, result: string) =>
  s.request({ method: 'POST', url: `/api/warnings/door-knocks/${id}/done`, payload: { result } })

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
  await addPerson(app, YUEHE_VILLAGES[1], ['head'], '另一书记')

  const target = { regions: YUEHE_VILLAGES.slice(0, 2) }
  const w = (await county.request({ method: 'POST', url: '/api/warnings', payload: draft({ level: 1, target }) })).json()
  warningId = w.id
  const s = (await county.request({ method: 'POST', url: `/api/warnings/${w.id}/submit`, payload: { version: w.version } })).json()
  expect((await county.request({ method: 'POST', url: `/api/warnings/${w.id}/approve`, payload: { version: s.version } })).statusCode).toBe(200)
  // Red ladder: voice after 3 min, three calls within 5 min, escalation 2 min after the last.
  await runUntilIdle(app)
  for (const step of [3, 2.5, 2.5, 2]) {
    clock.advance(step * MIN)
    await runUntilIdle(app)
  }
})
afterAll(async () => { await app.close() })

describe('上门叫应', () => {
  it('gives the township a task per silent village person, and nobody else', async () => {
    const mine = await tasks(township)
    expect(mine.total).toBe(2)
    expect(mine.items.map((t) => t.personName).sort()).toEqual(['另一书记', '沉默书记'])
    expect(mine.items[0]).toMatchObject({ warningId, regionCode: YUEHE, state: 'open', level: 1, headline: '吴兴区暴雨橙色预警' })
    expect((await tasks(county)).total).toBe(2)
    expect((await tasks(otherTownship)).total).toBe(0)
    expect((await tasks(otherCounty)).total).toBe(0)
    // The village does not knock on its own doors: its township does.
    expect((await tasks(village)).total).toBe(0)
    expect((await tasks(township, `?warningId=${warningId}&state=done`)).total).toBe(0)
  })

  it('closing a task confirms the person by door and records who went', async () => {
    const task = (await tasks(township)).items.find((t) => t.personId === silentId)!
    expect((await done(otherTownship, task.id, '已上门')).statusCode).toBe(404)
    expect((await done(townshipViewer, task.id, '已上门')).statusCode).toBe(403)
    const blank = await done(township, task.id, '   ')
    expect(blank.statusCode).toBe(400)

    const res = await done(township, task.id, '已上门当面告知，本人已知晓并转移')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ id: task.id, state: 'done', result: '已上门当面告知，本人已知晓并转移', doneAt: clock.now().toISOString() })
    expect(res.json().doneByName).toContain('测试township_manager')

    const r = await app.db.selectFrom('warningRecipient').selectAll().where('warningId', '=', warningId).where('personId', '=', silentId).executeTakeFirstOrThrow()
    expect(r).toMatchObject({ state: 'acknowledged', ackChannel: 'door' })
    const again = await done(township, task.id, '再次上门')
    expect(again.statusCode).toBe(409)
    expect(again.json().message).toBe('该上门叫应任务已办结')

    const audit = await app.db.selectFrom('auditLog').select(['action', 'actorId']).where('entity', '=', 'door_knock_task').execute()
    expect(audit).toEqual([{ action: 'door_knock.done', actorId: township.userId }])
    const w = (await county.request({ url: `/api/warnings/${warningId}` })).json()
    const texts = w.steps.map((s: { text: string }) => s.text)
    expect(texts.some((t: string) => t.includes('上门叫应沉默书记'))).toBe(true)
    expect(texts.some((t: string) => t.includes('沉默书记已确认（上门叫应）'))).toBe(true)
  })

  it('lists done tasks after open ones and drops the person from the silent list', async () => {
    const all = await tasks(township)
    expect(all.items.map((t) => t.state)).toEqual(['open', 'done'])
    expect((await tasks(township, '?state=done')).items.map((t) => t.personId)).toEqual([silentId])
    const silent = (await county.request({ url: `/api/warnings/${warningId}/silent` })).json()
    expect(silent.items.map((s: { personId: number }) => s.personId)).not.toContain(silentId)
  })
})
