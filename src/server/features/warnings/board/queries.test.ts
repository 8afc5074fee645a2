import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fakeClock } from '../../../jobs/clock.js'
import { runUntilIdle } from '../../../jobs/testing.js'
import { signIn, testApp, type Session } from '../../../testing/test-app.js'
import { acknowledge } from '../delivery/ack.js'
import { addPerson, CHAOYANG, draft, NANXUN, WUXING, YUEHE, YUEHE_VILLAGES } from '../test-fixtures.js'

/**
 * One orange warning for 月河街道 followed through the 叫应 ladder with every gateway switched
 * off (so only the in-app message of the one person with an account gets through): the board's
 * figures must add up at each stage.
 */

const clock = fakeClock('2026-07-20T02:00:00Z') // 10:00 China time: no night rules
const MIN = 60_000
let app: FastifyInstance
let county: Session
let viewer: Session
let duty: Session
let otherCounty: Session
let warningId: number
const people: Record<string, { id: number; name: string; mobile: string | null }> = {}
const [v0, v1, v2] = YUEHE_VILLAGES

type Counts = { recipients: number; acknowledged: number; pending: number; escalated: number; unreachable: number; silent: number }
const sum = (rows: Counts[]) => rows.reduce((a, r) => ({
  recipients: a.recipients + r.recipients, acknowledged: a.acknowledged + r.acknowledged, pending: a.pending + r.pending,
  escalated: a.escalated + r.escalated, unreachable: a.unreachable + r.unreachable, silent: a.silent + r.silent,
}), { recipients: 0, acknowledged: 0, pending: 0, escalated: 0, unreachable: 0, silent: 0 })

const board = async (query = '') => {
  const res = await county.request({ url: `/api/warnings/${warningId}/board${query}` })
  expect(res.statusCode).toBe(200)
  return res.json()
}

/** The invariant of every board: totals = Σ byLevel = Σ byRegion (everyone lies inside 吴兴区 here). */
function expectConsistent(b: { totals: Counts; byLevel: Counts[]; byRegion: Counts[] }) {
  expect(sum(b.byLevel)).toEqual(b.totals)
  expect(sum(b.byRegion)).toEqual(b.totals)
}

beforeAll(async () => {
  app = await testApp({ clock })
  county = await signIn(app, { role: 'county_manager', regionCode: WUXING })
  viewer = await signIn(app, { role: 'viewer', regionCode: WUXING })
  duty = await signIn(app, { role: 'duty', regionCode: WUXING })
  otherCounty = await signIn(app, { role: 'county_manager', regionCode: NANXUN })
  people.countyHead = await addPerson(app, WUXING, ['head'], '区应急局长')
  people.township = await addPerson(app, YUEHE, ['head', 'flood_control'], '街道站长')
  people.v0head = await addPerson(app, v0, ['head'], '村一书记')
  people.v0liaison = await addPerson(app, v0, ['liaison'], '村一联络员')
  people.v1head = await addPerson(app, v1, ['head'], '村二书记')
  people.v1liaison = await addPerson(app, v1, ['liaison'], '村二联络员')
  people.v2head = await addPerson(app, v2, ['head'], '村三书记')
  people.v2liaison = await addPerson(app, v2, ['liaison'], '村三联络员')
  await addPerson(app, CHAOYANG, ['head'], '朝阳站长') // outside the target
  // 村一书记 has an account: the in-app message is the one channel that works.
  const account = await signIn(app, { role: 'village_manager', regionCode: v0 })
  await app.db.updateTable('appUser').set({ personId: people.v0head.id }).where('id', '=', account.userId).execute()

  const created = (await county.request({ method: 'POST', url: '/api/warnings', payload: draft({ channels: ['inapp', 'sms', 'voice'] }) })).json()
  warningId = created.id
  const submitted = (await county.request({ method: 'POST', url: `/api/warnings/${warningId}/submit`, payload: { version: created.version } })).json()
  // Another officer approves (four eyes).
  const approver = await signIn(app, { role: 'county_manager', regionCode: WUXING })
  const approved = await approver.request({ method: 'POST', url: `/api/warnings/${warningId}/approve`, payload: { version: submitted.version } })
  expect(approved.statusCode).toBe(200)
  await runUntilIdle(app)
})
afterAll(async () => { await app.close() })

describe('after wave 1', () => {
  it('counts everyone in the target once, per level and per child region', async () => {
    const b = await board()
    expect(b.status).toBe('issued')
    expect(b.totals).toEqual({ recipients: 7, acknowledged: 0, pending: 7, escalated: 0, unreachable: 0, silent: 0 })
    expect(b.confirmedPercent).toBe(0)
    expect(b.byLevel.map((l: { level: string; recipients: number }) => [l.level, l.recipients])).toEqual([['township', 1], ['village', 6]])
    // Every township of 吴兴区 is listed, the empty ones too.
    expect(b.byRegion.find((r: { code: string }) => r.code === YUEHE)).toMatchObject({ name: '月河街道', recipients: 7 })
    expect(b.byRegion.find((r: { code: string }) => r.code === CHAOYANG)).toMatchObject({ recipients: 0 })
    expectConsistent(b)
  })

  it('drills into a township: its own people as 本级, then each village', async () => {
    const b = await board(`?region=${YUEHE}`)
    expect(b.byRegion[0]).toMatchObject({ code: YUEHE, name: '月河街道（本级）', recipients: 1 })
    for (const v of YUEHE_VILLAGES) expect(b.byRegion.find((r: { code: string }) => r.code === v).recipients).toBe(2)
    expectConsistent(b)
    expect((await county.request({ url: `/api/warnings/${warningId}/board?region=330503000000` })).statusCode).toBe(403)
  })

  it('counts messages per channel and shows the fan-out on the timeline', async () => {
    const b = await board()
    const sms = b.channels.find((c: { channel: string }) => c.channel === 'sms')
    expect(sms.queued + sms.sent + sms.delivered + sms.failed + sms.acknowledged).toBe(7)
    expect(sms.failed).toBe(7) // no gateway configured
    expect(b.channels.find((c: { channel: string }) => c.channel === 'inapp')).toMatchObject({ delivered: 1 })
    const kinds = b.timeline.map((t: { kind: string }) => t.kind)
    expect(kinds).toEqual(expect.arrayContaining(['fanout', 'issued', 'approved', 'submitted', 'created']))
    expect(b.timeline.every((t: { text: string }) => t.text.length > 0)).toBe(true)
    expect(b.secondsToFull).toBeNull()
  })

  it('has nobody silent before the first voice call', async () => {
    const silent = (await county.request({ url: `/api/warnings/${warningId}/silent` })).json()
    expect(silent).toEqual({ items: [], total: 0 })
  })

  it('is invisible to another county', async () => {
    for (const path of ['board', 'recipients', 'silent', 'villages', `recipients/${people.v0head.id}`, 'events']) {
      expect((await otherCounty.request({ url: `/api/warnings/${warningId}/${path}` })).statusCode).toBe(404)
    }
  })
})

describe('confirmations', () => {
  beforeAll(async () => {
    const at = clock.now()
    await acknowledge(app.db, { warningId, personId: people.v0head.id, via: 'inapp', at })
    await acknowledge(app.db, { warningId, personId: people.v0liaison.id, via: 'link', at })
    await acknowledge(app.db, { warningId, personId: people.v1liaison.id, via: 'sms', at })
  })

  it('colours villages all / some / none', async () => {
    const villages = (await county.request({ url: `/api/warnings/${warningId}/villages` })).json()
    expect(villages.map((v: { code: string; state: string; recipients: number; acknowledged: number }) => [v.code, v.state, v.recipients, v.acknowledged]))
      .toEqual([[v0, 'all', 2, 2], [v1, 'some', 2, 1], [v2, 'none', 2, 0]])
    expect(villages[0].name).toBeTruthy()
  })

  it('filters the recipient list by state, region, level and name, silent first', async () => {
    const list = async (q: string) => (await county.request({ url: `/api/warnings/${warningId}/recipients${q}` })).json()
    const all = await list('')
    expect(all.total).toBe(7)
    expect(all.items.at(-1).state).toBe('acknowledged')
    expect(all.items[0].state).toBe('pending')
    expect((await list('?state=acknowledged')).total).toBe(3)
    expect((await list(`?region=${v1}`)).items.map((i: { name: string }) => i.name).sort()).toEqual(['村二书记', '村二联络员'])
    expect((await list('?level=township')).items.map((i: { name: string }) => i.name)).toEqual(['街道站长'])
    expect((await list(`?q=${encodeURIComponent('联络员')}`)).total).toBe(3)
    const page = await list('?pageSize=2&page=2')
    expect(page).toMatchObject({ total: 7 })
    expect(page.items).toHaveLength(2)
    const one = (await list(`?q=${encodeURIComponent('村一书记')}`)).items[0]
    expect(one).toMatchObject({ regionCode: v0, regionLevel: 'village', reason: 'target', state: 'acknowledged', ackChannel: 'inapp' })
    expect(one.acknowledgedAt).toBe(clock.now().toISOString())
    expect(one.lastAttemptAt).not.toBeNull()
    expect((await county.request({ url: `/api/warnings/${warningId}/recipients?region=330503000000` })).statusCode).toBe(403)
  })

  it('masks phones for everyone: a number is revealed one at a time, audited', async () => {
    const q = `?q=${encodeURIComponent('村三书记')}`
    const maskedNumber = `${people.v2head.mobile!.slice(0, 3)}****${people.v2head.mobile!.slice(7)}`
    for (const who of [viewer, duty]) {
      expect((await who.request({ url: `/api/warnings/${warningId}/recipients${q}` })).json().items[0].mobile).toBe(maskedNumber)
    }
    const revealed = await duty.request({ method: 'POST', url: `/api/people/${people.v2head.id}/reveal` })
    expect(revealed.json().mobile).toBe(people.v2head.mobile)
  })

  it('shows every message of one person', async () => {
    const res = await viewer.request({ url: `/api/warnings/${warningId}/recipients/${people.v1liaison.id}` })
    expect(res.statusCode).toBe(200)
    const d = res.json()
    expect(d.person).toMatchObject({ id: people.v1liaison.id, name: '村二联络员' })
    expect(d.person.mobile).toContain('****')
    expect(d.recipient).toMatchObject({ state: 'acknowledged', ackChannel: 'sms' })
    const sms = d.deliveries.find((x: { channel: string }) => x.channel === 'sms')
    expect(sms).toMatchObject({ state: 'failed', step: 0, attempt: 1 })
    expect(sms.address).toContain('****')
    expect(sms.error).toContain('短信网关')
    expect((await viewer.request({ url: `/api/warnings/${warningId}/recipients/999999` })).statusCode).toBe(404)
  })

  it('adds up after confirmations', async () => {
    const b = await board()
    expect(b.totals).toMatchObject({ recipients: 7, acknowledged: 3, pending: 4 })
    expect(b.confirmedPercent).toBe(42.8)
    expectConsistent(b)
    // Confirmations over time: from issue, cumulative.
    expect(b.curve[0]).toEqual({ at: b.issuedAt, acknowledged: 0, recipients: 0 })
    expect(b.curve.at(-1)).toMatchObject({ acknowledged: 3, recipients: 7 })
    expect(b.timeline[0]).toMatchObject({ kind: 'acknowledged' })
    expect(b.timeline[0].text).toContain('已确认')
  })
})

describe('the silent after the ladder', () => {
  beforeAll(async () => {
    // Orange ladder: voice after 5 min, three calls within 5 min, escalation 5 min after the last.
    for (const step of [5, 2.5, 2.5, 5]) {
      clock.advance(step * MIN)
      await runUntilIdle(app)
    }
  })

  it('lists those called by voice and still silent, with their door-knock tasks', async () => {
    const silent = (await duty.request({ url: `/api/warnings/${warningId}/silent` })).json()
    expect(silent.items.map((s: { name: string }) => s.name).sort()).toEqual(['村三书记', '村三联络员', '村二书记', '街道站长'].sort())
    expect(silent.total).toBe(4)
    for (const s of silent.items) {
      expect(s.state).toBe('unreachable') // nothing ever got through to them
      expect(s.voiceAttempts).toBe(3)
      expect(s.doorKnockState).toBe('open')
      expect(s.mobile).toMatch(/^1\d{2}\*{4}\d{4}$/) // revealed one by one through the audited reveal
    }
  })

  it('still adds up with the superior the ladder brought in', async () => {
    const b = await board()
    // The superior brought in is 未确认 (his own ladder has just begun), not 未叫醒.
    expect(b.totals).toEqual({ recipients: 8, acknowledged: 3, pending: 1, escalated: 0, unreachable: 4, silent: 4 })
    expect((await duty.request({ url: `/api/warnings/${warningId}/silent?pageSize=1` })).json().total).toBe(b.totals.silent)
    expect(b.byLevel.map((l: { level: string }) => l.level)).toEqual(['county', 'township', 'village'])
    expect(b.byRegion[0]).toMatchObject({ code: WUXING, name: '吴兴区（本级）', recipients: 1 })
    expectConsistent(b)
    const head = (await county.request({ url: `/api/warnings/${warningId}/recipients?level=county` })).json().items[0]
    expect(head).toMatchObject({ name: '区应急局长', reason: 'escalation', escalatedFromName: '街道站长' })
    const voice = b.channels.find((c: { channel: string }) => c.channel === 'voice')
    expect(voice.failed).toBe(12)
  })

  it('reports the time to 100% once everyone has confirmed', async () => {
    const rest = await app.db.selectFrom('warningRecipient').select('personId')
      .where('warningId', '=', warningId).where('state', '!=', 'acknowledged').execute()
    for (const r of rest) await acknowledge(app.db, { warningId, personId: r.personId, via: 'link', at: clock.now() })
    const b = await board()
    expect(b.totals).toMatchObject({ recipients: 8, acknowledged: 8, silent: 0 })
    expect(b.confirmedPercent).toBe(100)
    expect(b.fullyConfirmedAt).toBe(clock.now().toISOString())
    expect(b.secondsToFull).toBe(15 * 60)
    const villages = (await county.request({ url: `/api/warnings/${warningId}/villages` })).json()
    expect(villages.every((v: { state: string }) => v.state === 'all')).toBe(true)
    expect((await county.request({ url: `/api/warnings/${warningId}/silent` })).json().total).toBe(0)
  })
})

describe('live events', () => {
  it('streams the warning\'s events to its board', async () => {
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    const abort = new AbortController()
    const res = await fetch(`${address}/api/warnings/${warningId}/events`, { headers: { cookie: county.cookie }, signal: abort.signal })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let text = ''
    const readUntil = async (marker: string) => {
      while (!text.includes(marker)) {
        const { value, done } = await reader.read()
        if (done) throw new Error(`stream ended before ${marker}`)
        text += decoder.decode(value)
      }
    }
    await readUntil(': connected')
    const w = (await county.request({ url: `/api/warnings/${warningId}` })).json()
    await county.request({ method: 'POST', url: `/api/warnings/${warningId}/end`, payload: { version: w.version, reason: '降雨结束' } })
    await readUntil('"kind":"ended"')
    expect(text).toContain(`"topic":"warning:${warningId}"`)
    abort.abort()
  })
})
