import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NOTICE_LIMIT } from '../../../../domain/warnings/ladder.js'
import { fakeClock } from '../../../jobs/clock.js'
import { runUntilIdle } from '../../../jobs/testing.js'
import { startPeers, type Peers } from '../../../testing/peers/index.js'
import { signIn, testApp, type Session } from '../../../testing/test-app.js'
import { acknowledge } from './ack.js'
import { COUNTY, issuedWarning } from '../engine-fixtures.js'

/**
 * A storm at night, run the way a county runs it: an orange warning for the whole of 吴兴区
 * (19 townships, 367 villages, several hundred responsible people) and, for 月河街道, three more
 * warnings at the same moment. Nobody confirms. The fake clock goes through every step of the
 * ladder; then we count what each human received.
 */

const BASE = 'http://shouwang.test'
const MIN = 60_000
const YUEHE = '330502001000' // 月河街道: the township with four warnings tonight
const clock = fakeClock('2026-07-20T15:30:00Z') // 23:30 China time
let app: FastifyInstance
let peers: Peers
let county: Session
let yueheHead: Session

type Person = { id: number; name: string; mobile: string; regionCode: string; level: 'county' | 'township' | 'village'; roles: string[] }
const people: Person[] = []
const byId = new Map<number, Person>()
let townships: string[] = []
let villages: string[] = []
let countyWide: number
const yueheOnly: number[] = []

let phoneSeq = 0
const nextMobile = () => `13${String(100_000_000 + ++phoneSeq).slice(-9)}`

async function addPeople(rows: Array<Omit<Person, 'id' | 'mobile'>>): Promise<Person[]> {
  const withPhones = rows.map((r) => ({ ...r, mobile: nextMobile() }))
  const inserted = await app.db.insertInto('person')
    .values(withPhones.map((r) => ({ regionCode: r.regionCode, name: r.name, post: r.roles[0] === 'head' ? '主任' : '联络员', mobile: r.mobile, roles: r.roles })))
    .returning('id').execute()
  const out = withPhones.map((r, i) => ({ ...r, id: inserted[i].id }))
  for (const p of out) { people.push(p); byId.set(p.id, p) }
  return out
}

/** Moves the fake clock on and lets the engine do whatever became due. */
async function after(ms: number) {
  clock.advance(ms)
  await runUntilIdle(app)
}

const smsTo = (p: Person) => peers.sms.received.filter((m) => m.to === p.mobile)
const callsTo = (p: Person) => peers.voice.received.filter((c) => c.to === p.mobile)
const noticeSms = (p: Person) => smsTo(p).filter((m) => /:round\d+$/.test(m.key))
const digestSms = (p: Person) => smsTo(p).filter((m) => m.key.includes(':digest'))
const inapp = (personId: number) => app.db.selectFrom('delivery').select(['warningId', 'step', 'roundId'])
  .where('personId', '=', personId).where('channel', '=', 'inapp').where('state', '=', 'delivered').execute()
const named = (name: string) => people.find((p) => p.name === name)!

beforeAll(async () => {
  peers = await startPeers()
  app = await testApp({ clock, channels: peers.channels(BASE) })
  townships = (await app.db.selectFrom('region').select('code').where('parentCode', '=', COUNTY).where('level', '=', 'township').orderBy('code').execute()).map((r) => r.code)
  villages = (await app.db.selectFrom('region').select('code').where('code', 'like', '330502%').where('level', '=', 'village').orderBy('code').execute()).map((r) => r.code)

  // The directory of a county: a head in every village and a liaison in every fifth, a head and
  // a liaison in every township, the bureau's head and its duty officer.
  await addPeople(villages.map((code) => ({ regionCode: code, name: `村${code.slice(-6)}主任`, level: 'village', roles: ['head'] })))
  await addPeople(villages.filter((_, i) => i % 5 === 0).map((code) => ({ regionCode: code, name: `村${code.slice(-6)}联络员`, level: 'village', roles: ['liaison'] })))
  await addPeople(townships.flatMap((code) => [
    { regionCode: code, name: `镇${code.slice(6, 9)}镇长`, level: 'township' as const, roles: ['head'] },
    { regionCode: code, name: `镇${code.slice(6, 9)}联络员`, level: 'township' as const, roles: ['liaison'] },
  ]))
  await addPeople([
    { regionCode: COUNTY, name: '区应急局长', level: 'county', roles: ['head'] },
    { regionCode: COUNTY, name: '区值班员', level: 'county', roles: ['duty_officer'] },
  ])
  // Township heads and the bureau's head read the app: the in-app channel reaches them.
  county = await signIn(app, { role: 'county_manager', regionCode: COUNTY })
  await app.db.updateTable('appUser').set({ personId: named('区应急局长').id }).where('id', '=', county.userId).execute()
  for (const t of townships) {
    const s = await signIn(app, { role: 'township_manager', regionCode: t })
    await app.db.updateTable('appUser').set({ personId: named(`镇${t.slice(6, 9)}镇长`).id }).where('id', '=', s.userId).execute()
    if (t === YUEHE) yueheHead = s
  }

  countyWide = await issuedWarning(app.db, clock, { regionCode: COUNTY, target: { regions: [COUNTY] }, channels: ['inapp', 'sms', 'voice'], headline: '吴兴区暴雨橙色预警' })
  for (const headline of ['月河街道山洪橙色预警', '月河街道地质灾害橙色预警', '月河街道内涝橙色预警']) {
    yueheOnly.push(await issuedWarning(app.db, clock, { regionCode: COUNTY, target: { regions: [YUEHE] }, channels: ['inapp', 'sms', 'voice'], headline }))
  }
  await runUntilIdle(app) // 23:30 wave 1, with the first call (night)
  await after(2.5 * MIN) // second call
  await after(2.5 * MIN) // third call
  await after(5 * MIN) // 23:40 still silent: round 1
  await after(2.5 * MIN) // the bureau, new to 月河街道's three warnings, is called
  await after(2.5 * MIN)
  await after(5 * MIN) // 23:50 round 2 of those three: nobody above the bureau
  await after(NOTICE_LIMIT.digestAfterMinutes * MIN - 10 * MIN) // 23:55 the digest held back at 23:40
  await after(60 * MIN) // and then nothing more
}, 120_000)
afterAll(async () => {
  await app.close()
  await peers.close()
})

describe('a county-wide warning at night, nobody confirming', () => {
  it('reaches several hundred people across every village and township', async () => {
    expect(villages).toHaveLength(367)
    expect(townships).toHaveLength(19)
    const { n } = await app.db.selectFrom('warningRecipient').select((eb) => eb.fn.countAll<number>().as('n')).where('warningId', '=', countyWide).executeTakeFirstOrThrow()
    expect(n).toBe(people.length)
    expect(people.length).toBe(367 + 74 + 38 + 2)
  })

  it('gives a village head one SMS and three calls, nothing else', async () => {
    for (const p of people.filter((x) => x.level === 'village')) {
      // 月河街道's villages have four warnings tonight: each its own SMS and three calls.
      const warnings = p.regionCode.startsWith('330502001') ? 4 : 1
      expect(smsTo(p)).toHaveLength(warnings)
      expect(callsTo(p)).toHaveLength(3 * warnings)
      expect(noticeSms(p)).toHaveLength(0)
    }
  })

  it('counts what every person received: their own warnings, and few notices', async () => {
    const received = await app.db.selectFrom('warningRecipient').select(['personId', (eb) => eb.fn.countAll<number>().as('warnings')])
      .groupBy('personId').execute()
    const warningsOf = new Map(received.map((r) => [r.personId, r.warnings]))
    for (const p of people) {
      const warnings = warningsOf.get(p.id) ?? 0
      const sms = smsTo(p)
      expect(sms.filter((m) => m.key.endsWith(':s0a1'))).toHaveLength(warnings) // one first message per warning
      expect(callsTo(p)).toHaveLength(3 * warnings) // three calls per warning, no more
      expect(noticeSms(p).length).toBeLessThanOrEqual(NOTICE_LIMIT.perWindow)
      expect(digestSms(p).length).toBeLessThanOrEqual(1)
      expect(sms).toHaveLength(warnings + noticeSms(p).length + digestSms(p).length)
    }
    const total = peers.sms.received.filter((m) => m.key.includes(':round') || m.key.includes(':digest')).length
    expect(total).toBeLessThan(60) // for 481 people, 441 of them silent villagers
  })

  it('tells each township head once per round how many are silent below, with a link', async () => {
    const head = named('镇002镇长') // 朝阳街道: only the county-wide warning
    const silentBelow = people.filter((p) => p.regionCode.startsWith('330502002') && p.level === 'village' && p.roles.includes('head'))
    expect(smsTo(head)).toHaveLength(2) // the warning, and one notice for round 1
    expect(callsTo(head)).toHaveLength(3)
    const [notice] = noticeSms(head)
    expect(notice.text).toBe(`【叫应升级】朝阳街道 ${silentBelow.length} 个村（社区）${silentBelow.length} 人未确认“吴兴区暴雨橙色预警”，请立即组织联系，必要时上门叫应。名单及电话 ${BASE}/inbox/escalations?warning=${countyWide} `)
    // In the app: the warning and the one notice, the notice not asking for a confirmation.
    const items = await inapp(head.id)
    expect(items.map((i) => i.step).sort()).toEqual([-2, 0])
    const s = await signIn(app, { role: 'township_manager', regionCode: '330502002000' })
    await app.db.updateTable('appUser').set({ personId: head.id }).where('id', '=', s.userId).execute()
    const inbox = (await s.request({ url: '/api/inbox' })).json()
    const item = inbox.items.find((i: { link: string | null }) => i.link !== null)
    expect(item).toMatchObject({ subject: `【叫应升级】朝阳街道 9 个村（社区）9 人未确认预警`, needsAck: false, link: `/inbox/escalations?warning=${countyWide}` })
    expect(item.text).toContain('名单及电话见“叫应升级名单”')
    expect(inbox.unread).toBe(1) // the warning itself; the notice does not ask for a confirmation
  })

  it('never sends a superior more than one notice per warning and round', async () => {
    const notices = await app.db.selectFrom('delivery').select(['personId', 'warningId', 'roundId', 'channel', (eb) => eb.fn.countAll<number>().as('n')])
      .where('step', '=', -2).groupBy(['personId', 'warningId', 'roundId', 'channel']).execute()
    expect(notices.length).toBeGreaterThan(0)
    for (const n of notices) expect(n.n).toBe(1)
    const rounds = await app.db.selectFrom('escalationRound').select(['warningId', 'number']).orderBy('warningId').orderBy('number').execute()
    expect(rounds.filter((r) => r.warningId === countyWide).map((r) => r.number)).toEqual([1])
    for (const w of yueheOnly) expect(rounds.filter((r) => r.warningId === w).map((r) => r.number)).toEqual([1, 2])
  })

  it('caps escalation SMS per phone across warnings and merges the rest into a digest', async () => {
    // 月河街道's head is told about four warnings in the same minute: three notices, then a digest.
    const head = named('镇001镇长')
    expect(noticeSms(head)).toHaveLength(NOTICE_LIMIT.perWindow)
    const digests = digestSms(head)
    expect(digests).toHaveLength(1)
    expect(digests[0].text).toMatch(/^【叫应升级汇总】1 条预警有人未确认：1\.“.+预警”月河街道 9 个村（社区）9 人。请立即组织联系，必要时上门叫应。名单及电话 http:\/\/shouwang\.test\/inbox\/escalations $/)
    expect(digests[0].at.getTime()).toBeGreaterThan(noticeSms(head)[0].at.getTime())
    // Her own four warnings went out at once, whatever the notices: the limit never holds those.
    const own = smsTo(head).filter((m) => m.key.endsWith(':s0a1'))
    expect(own).toHaveLength(4)
    expect(own.every((m) => m.at.getTime() <= noticeSms(head)[0].at.getTime())).toBe(true)
    expect(smsTo(head)).toHaveLength(4 + NOTICE_LIMIT.perWindow + 1)
    expect(callsTo(head)).toHaveLength(12)
    // In the app nothing is held back: one notice per warning.
    expect((await inapp(head.id)).filter((i) => i.step === -2)).toHaveLength(4)
  })

  it('brings the bureau into 月河街道 warnings once, as the warning itself saying whom it stands in for', async () => {
    const chief = named('区应急局长')
    const sms = smsTo(chief)
    expect(sms.filter((m) => m.key.endsWith(':s0a1'))).toHaveLength(4) // its own warning, and the three it was brought into
    const standIns = sms.filter((m) => m.text.includes('请您代为接收并督促落实'))
    expect(standIns).toHaveLength(3)
    // Its silent people there: 月河街道's head (same role) and liaison (nobody above holds that role).
    for (const m of standIns) expect(m.text).toContain(`【叫应升级】吴兴区 1 个乡镇（街道）2 人未确认收到本预警，请您代为接收并督促落实。名单及电话：${BASE}/inbox/escalations?warning=`)
    expect(noticeSms(chief)).toHaveLength(1) // round 1 of the county-wide warning: the silent township staff
    expect(noticeSms(chief)[0].text).toContain('吴兴区 19 个乡镇（街道）38 人未确认“吴兴区暴雨橙色预警”')
    expect(callsTo(chief)).toHaveLength(12)
    expect(digestSms(chief)).toHaveLength(0)
  })

  it('opens one door-knock task per village, and one per township for its own staff', async () => {
    const tasks = await app.db.selectFrom('doorKnockTask as t').innerJoin('region as g', 'g.code', 't.areaCode')
      .select(['t.id', 't.areaCode', 't.regionCode', 'g.level']).where('t.warningId', '=', countyWide).execute()
    expect(tasks.filter((t) => t.level === 'village')).toHaveLength(367)
    expect(tasks.filter((t) => t.level === 'township')).toHaveLength(19)
    expect(tasks.filter((t) => t.level === 'county')).toHaveLength(1)
    expect(new Set(tasks.map((t) => t.areaCode)).size).toBe(tasks.length)
    for (const t of tasks) expect(t.regionCode).toBe(t.level === 'village' ? `${t.areaCode.slice(0, 9)}000` : t.areaCode)
    const listed = await app.db.selectFrom('doorKnockPerson').select(['taskId', 'personId']).where('warningId', '=', countyWide).execute()
    expect(listed).toHaveLength(people.length) // everyone, once
    const areaOf = new Map(tasks.map((t) => [t.id, t.areaCode]))
    for (const l of listed) expect(areaOf.get(l.taskId)).toBe(byId.get(l.personId)!.regionCode)
    // 月河街道's own tasks for the township: the head sees the county-wide ones and those of her warnings.
    const page = (await yueheHead.request({ url: `/api/warnings/door-knocks?warningId=${countyWide}&pageSize=50` })).json()
    expect(page.total).toBe(9 + 1)
    const withLiaison = page.items.find((t: { areaCode: string; people: unknown[] }) => t.areaCode !== YUEHE && t.people.length === 2)
    expect(withLiaison.people.map((p: { name: string }) => p.name).sort()).toEqual([`村${withLiaison.areaCode.slice(-6)}主任`, `村${withLiaison.areaCode.slice(-6)}联络员`].sort())
  })

  it('writes the escalation on the timeline as one line per level', async () => {
    const timeline = (await county.request({ url: `/api/warnings/${countyWide}/board` })).json().timeline as Array<{ kind: string; text: string }>
    expect(timeline.length).toBeLessThan(15)
    const lines = timeline.filter((t) => t.kind === 'escalated').map((t) => t.text)
    const liaisonTowns = new Set(people.filter((p) => p.level === 'village' && p.roles.includes('liaison')).map((p) => p.regionCode.slice(0, 9))).size
    expect(lines.sort()).toEqual([
      `乡镇级 38 人多次呼叫未确认，已升级至区县（通知 2 人），生成上门叫应任务 19 个`,
      `区县级 2 人多次呼叫未确认，无上级可升级，生成上门叫应任务 1 个`,
      `村级 441 人多次呼叫未确认，已升级至乡镇（通知 ${19 + liaisonTowns} 人），生成上门叫应任务 367 个`,
    ].sort())
  })

  it('shows a superior the full list of the silent below her, numbers in full, audited', async () => {
    const res = await yueheHead.request({ url: `/api/inbox/escalations?warning=${countyWide}` })
    expect(res.statusCode).toBe(200)
    const list = res.json()
    const mine = people.filter((p) => p.regionCode.startsWith('330502001') && p.level === 'village' && p.roles.includes('head'))
    expect(list.total).toBe(mine.length)
    expect(list.items.map((i: { mobile: string }) => i.mobile).sort()).toEqual(mine.map((p) => p.mobile).sort())
    expect(list.items[0]).toMatchObject({ warningId: countyWide, round: 1, state: 'escalated', doorKnockState: 'open' })
    const all = (await yueheHead.request({ url: '/api/inbox/escalations' })).json()
    expect(new Set(all.items.map((i: { warningId: number }) => i.warningId)).size).toBe(4)
    const audit = await app.db.selectFrom('auditLog').select('action').where('actorId', '=', yueheHead.userId).execute()
    expect(audit.filter((a) => a.action === 'escalation.list_viewed')).toHaveLength(2)
    // Her inbox links each notice to that list.
    const inbox = (await yueheHead.request({ url: '/api/inbox?pageSize=50' })).json()
    const notices = inbox.items.filter((i: { link: string | null; needsAck: boolean }) => i.link !== null && !i.needsAck)
    expect(notices.length).toBe(4)
  })
})

describe('the board after the storm', () => {
  const board = async () => (await county.request({ url: `/api/warnings/${countyWide}/board` })).json()
  const silent = async () => (await county.request({ url: `/api/warnings/${countyWide}/silent?pageSize=10` })).json()

  it('counts the 未叫醒 exactly as the list does', async () => {
    const b = await board()
    expect(b.totals).toMatchObject({ recipients: people.length, acknowledged: 0, escalated: people.length, silent: people.length })
    expect(b.confirmedPercent).toBe(0)
    expect((await silent()).total).toBe(b.totals.silent)
  })

  it('moves the ring, the curve and the list together when a village is visited', async () => {
    const task = (await yueheHead.request({ url: `/api/warnings/door-knocks?warningId=${countyWide}&state=open&pageSize=50` })).json()
      .items.find((t: { areaCode: string; people: unknown[] }) => t.areaCode !== YUEHE && t.people.length === 2)
    const done = await yueheHead.request({ method: 'POST', url: `/api/warnings/door-knocks/${task.id}/done`, payload: { result: '已上门当面告知两人' } })
    expect(done.statusCode).toBe(200)
    expect(done.json()).toMatchObject({ state: 'done', open: 0 })
    // And someone answers a call at last.
    const other = people.find((p) => p.level === 'township' && p.regionCode === '330502005000')!
    await acknowledge(app.db, { warningId: countyWide, personId: other.id, via: 'voice', at: clock.now() })

    const b = await board()
    expect(b.totals).toMatchObject({ recipients: people.length, acknowledged: 3, silent: people.length - 3 })
    expect(b.confirmedPercent).toBe(0.6) // 3 of 481, not “0 %”
    expect((await silent()).total).toBe(b.totals.silent)
    const last = b.curve.at(-1)
    expect(last).toMatchObject({ acknowledged: 3, recipients: people.length })
    expect(b.curve[0]).toMatchObject({ acknowledged: 0 })
    expect(b.timeline.some((t: { text: string }) => /上门叫应.+当面告知.+已上门当面告知两人$/.test(t.text))).toBe(true)
  })
})
