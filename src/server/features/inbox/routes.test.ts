import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NOTICE_STEP } from '../../../domain/warnings/ladder.js'
import { channelsOff } from '../../channels/config.js'
import { inappAdapter } from '../../channels/inapp.js'
import { publish } from '../../events/bus.js'
import { fakeClock } from '../../jobs/clock.js'
import { outgoing } from '../../testing/outgoing.js'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { insertDelivery, insertPerson, insertRecipient, insertWarning } from '../../testing/warning-rows.js'

const clock = fakeClock('2026-07-20T02:30:00Z')
let app: FastifyInstance
let base: string
beforeAll(async () => {
  app = await testApp({ clock, channels: channelsOff() })
  await app.listen({ port: 0, host: '127.0.0.1' })
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
})
afterAll(async () => { await app.close() })

/** A village cadre's account, linked to their directory entry. */
async function cadre(): Promise<{ session: Session; personId: number }> {
  const person = await insertPerson(app.db)
  const session = await signIn(app, { role: 'viewer', regionCode: '330502001005' })
  await app.db.updateTable('appUser').set({ personId: person.id }).where('id', '=', session.userId).execute()
  return { session, personId: person.id }
}

describe('inbox', () => {
  it('says why it is empty when the account is not linked to a person', async () => {
    const s = await signIn(app, { role: 'viewer', regionCode: '330502001005' })
    const res = await s.request({ url: '/api/inbox' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ items: [], total: 0, unread: 0 })
    expect(res.json().notice).toContain('尚未关联')
    const stream = await s.request({ url: '/api/inbox/stream' })
    expect(stream.statusCode).toBe(409)
    expect(stream.json().code).toBe('INBOX_NOT_LINKED')
  })

  it('lists the user\'s own in-app messages, newest first, and nobody else\'s', async () => {
    const me = await cadre()
    const other = await cadre()
    const w1 = await insertWarning(app.db, { headline: '吴兴区暴雨橙色预警' })
    const w2 = await insertWarning(app.db, { headline: '吴兴区大风黄色预警', level: 3, regionCode: '330500000000' })
    for (const w of [w1, w2]) await insertRecipient(app.db, w.id, me.personId)
    await insertRecipient(app.db, w1.id, other.personId)
    const first = await insertDelivery(app.db, { warningId: w1.id, personId: me.personId, channel: 'inapp', state: 'delivered', sentAt: '2026-07-20T02:00:05Z' })
    const second = await insertDelivery(app.db, { warningId: w2.id, personId: me.personId, channel: 'inapp', state: 'delivered', sentAt: '2026-07-20T02:05:00Z' })
    await insertDelivery(app.db, { warningId: w1.id, personId: me.personId, channel: 'sms', state: 'delivered' })
    await insertDelivery(app.db, { warningId: w1.id, personId: me.personId, channel: 'inapp', state: 'queued' })
    await insertDelivery(app.db, { warningId: w1.id, personId: other.personId, channel: 'inapp', state: 'delivered' })

    const res = await me.session.request({ url: '/api/inbox' })
    expect(res.statusCode).toBe(200)
    const page = res.json()
    expect(page).toMatchObject({ total: 2, unread: 2, notice: null })
    expect(page.items.map((i: any) => i.deliveryId)).toEqual([second.id, first.id])
    expect(page.items[1]).toMatchObject({
      warningId: w1.id, headline: '吴兴区暴雨橙色预警', level: 2, status: 'issued', purpose: 'warning',
      sentAt: '2026-07-20T02:00:05.000Z', acknowledged: false, acknowledgedAt: null, needsAck: true,
    })
    expect(page.items[1].subject).toBe('【橙色预警】吴兴区暴雨橙色预警')
    expect(page.items[1].text).toContain('应当采取的措施：责任人立即上岗到位')
  })

  it('shows whom an escalated message stands in for, and a closing notice as such', async () => {
    const me = await cadre()
    const silent = await insertPerson(app.db, { name: '王五' })
    const w = await insertWarning(app.db)
    await insertRecipient(app.db, w.id, me.personId, { escalatedFrom: silent.id })
    await insertDelivery(app.db, { warningId: w.id, personId: me.personId, channel: 'inapp', state: 'delivered' })
    const ended = await insertWarning(app.db, { status: 'ended' })
    await insertRecipient(app.db, ended.id, me.personId)
    await insertDelivery(app.db, { warningId: ended.id, personId: me.personId, channel: 'inapp', state: 'delivered', step: NOTICE_STEP, sentAt: '2026-07-20T03:00:00Z' })
    const page = (await me.session.request({ url: '/api/inbox' })).json()
    expect(page.items[0].subject).toContain('预警解除')
    expect(page.items[0].needsAck).toBe(false)
    expect(page.items[1].text).toContain('王五未确认收到本预警')
    expect(page.unread).toBe(1)
  })

  it('confirms with one tap, once; the unread count drops', async () => {
    const me = await cadre()
    const w = await insertWarning(app.db)
    await insertRecipient(app.db, w.id, me.personId)
    const d = await insertDelivery(app.db, { warningId: w.id, personId: me.personId, channel: 'inapp', state: 'delivered' })
    const ack = await me.session.request({ method: 'POST', url: `/api/inbox/${d.id}/ack` })
    expect(ack.statusCode).toBe(200)
    expect(ack.json()).toEqual({ outcome: 'acknowledged' })
    const r = await app.db.selectFrom('warningRecipient').selectAll().where('warningId', '=', w.id).where('personId', '=', me.personId).executeTakeFirstOrThrow()
    expect(r).toMatchObject({ state: 'acknowledged', ackChannel: 'inapp', acknowledgedAt: clock.now() })
    const page = (await me.session.request({ url: '/api/inbox' })).json()
    expect(page.unread).toBe(0)
    expect(page.items[0]).toMatchObject({ acknowledged: true, acknowledgedAt: clock.now().toISOString(), needsAck: false })
    expect((await me.session.request({ method: 'POST', url: `/api/inbox/${d.id}/ack` })).json()).toEqual({ outcome: 'already' })
    const audit = await app.db.selectFrom('auditLog').select(['action', 'entityId', 'regionCode'])
      .where('actorId', '=', me.session.userId).where('action', '=', 'warning.acknowledged').execute()
    expect(audit).toEqual([{ action: 'warning.acknowledged', entityId: String(w.id), regionCode: '330502001005' }])
  })

  it('answers closed for a cancelled warning and 404 for messages that are not the user\'s in-app ones', async () => {
    const me = await cadre()
    const other = await cadre()
    const cancelled = await insertWarning(app.db, { status: 'cancelled' })
    await insertRecipient(app.db, cancelled.id, me.personId)
    const d = await insertDelivery(app.db, { warningId: cancelled.id, personId: me.personId, channel: 'inapp', state: 'delivered' })
    expect((await me.session.request({ method: 'POST', url: `/api/inbox/${d.id}/ack` })).json()).toEqual({ outcome: 'closed' })

    const w = await insertWarning(app.db)
    await insertRecipient(app.db, w.id, other.personId)
    await insertRecipient(app.db, w.id, me.personId)
    const theirs = await insertDelivery(app.db, { warningId: w.id, personId: other.personId, channel: 'inapp', state: 'delivered' })
    const sms = await insertDelivery(app.db, { warningId: w.id, personId: me.personId, channel: 'sms', state: 'delivered' })
    for (const id of [theirs.id, sms.id, 999_999]) {
      const res = await me.session.request({ method: 'POST', url: `/api/inbox/${id}/ack` })
      expect(res.statusCode).toBe(404)
    }
    const noCsrf = await app.inject({ method: 'POST', url: `/api/inbox/${d.id}/ack`, headers: { cookie: me.session.cookie } })
    expect(noCsrf.statusCode).toBe(403)
  })

  it('lists the silent escalated to me and nobody else\'s, numbers in full, each look audited', async () => {
    const me = await cadre()
    const other = await cadre()
    const silent = await insertPerson(app.db, { name: '沉默村长' })
    const theirs = await insertPerson(app.db, { name: '别人的村长' })
    const w = await insertWarning(app.db, { headline: '吴兴区暴雨橙色预警' })
    for (const p of [silent.id, theirs.id]) await insertRecipient(app.db, w.id, p)
    const round = await app.db.insertInto('escalationRound').values({ warningId: w.id, revision: 1, number: 1, openedAt: clock.now() })
      .returning('id').executeTakeFirstOrThrow()
    await app.db.insertInto('escalation').values([
      { roundId: round.id, warningId: w.id, personId: silent.id, superiorId: me.personId },
      { roundId: round.id, warningId: w.id, personId: theirs.id, superiorId: other.personId },
    ]).execute()

    const res = await me.session.request({ url: `/api/inbox/escalations?warning=${w.id}` })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ total: 1, items: [{ warningId: w.id, round: 1, personId: silent.id, name: '沉默村长', mobile: silent.mobile, state: 'pending', doorKnockState: null }] })
    expect((await me.session.request({ url: '/api/inbox/escalations' })).json().items.map((i: any) => i.personId)).toEqual([silent.id])
    const audit = await app.db.selectFrom('auditLog').select(['action', 'entityId']).where('actorId', '=', me.session.userId)
      .where('action', '=', 'escalation.list_viewed').execute()
    expect(audit).toEqual([{ action: 'escalation.list_viewed', entityId: String(w.id) }, { action: 'escalation.list_viewed', entityId: null }])

    const unlinked = await signIn(app, { role: 'viewer', regionCode: '330502001005' })
    expect((await unlinked.request({ url: '/api/inbox/escalations' })).json().code).toBe('INBOX_NOT_LINKED')
    expect((await me.session.request({ url: '/api/inbox/escalations?warning=abc' })).statusCode).toBe(400)
  })
})

/** Opens the SSE stream over real HTTP; `next()` resolves with each event's JSON in turn. */
async function openStream(session: Session) {
  const req = http.get(`${base}/api/inbox/stream`, { headers: { cookie: session.cookie, accept: 'text/event-stream' } })
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => req.on('response', resolve).on('error', reject))
  res.setEncoding('utf8')
  let buffer = ''
  const events: unknown[] = []
  let wake: (() => void) | null = null
  let connected!: () => void
  const ready = new Promise<void>((resolve) => { connected = resolve })
  res.on('data', (chunk: string) => {
    buffer += chunk
    let end: number
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      if (block.includes(': connected')) connected()
      for (const line of block.split('\n')) if (line.startsWith('data: ')) events.push(JSON.parse(line.slice(6)))
      wake?.()
    }
  })
  await ready
  return {
    res,
    async next(n: number) {
      while (events.length < n) await new Promise<void>((resolve) => { wake = resolve })
      return events
    },
    close: () => req.destroy(),
  }
}

describe('inbox stream', () => {
  it('pushes the user\'s own events live, as server-sent events', async () => {
    const me = await cadre()
    const other = await cadre()
    const stream = await openStream(me.session)
    expect(stream.res.statusCode).toBe(200)
    expect(stream.res.headers['content-type']).toContain('text/event-stream')

    await publish(app.db, `person:${other.personId}`, { deliveryId: 1 })
    await inappAdapter(app.db).send(outgoing({ channel: 'inapp', personId: me.personId, deliveryId: 77, warningId: 5, address: String(me.personId) }), new AbortController().signal)
    expect(await stream.next(1)).toEqual([{ topic: `person:${me.personId}`, data: { deliveryId: 77, warningId: 5, level: 2 } }])
    stream.close()
  })

  it('answers an in-process request with the opening frame only, instead of hanging', async () => {
    const me = await cadre()
    const res = await me.session.request({ url: '/api/inbox/stream' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/event-stream')
    expect(res.body).toContain(': connected')
  })

  it('unsubscribes when the browser goes away', async () => {
    const me = await cadre()
    const before = app.events.topicCount
    const stream = await openStream(me.session)
    expect(app.events.topicCount).toBe(before + 1)
    stream.close()
    while (app.events.topicCount > before) await new Promise((r) => setTimeout(r, 10))
    expect(app.events.topicCount).toBe(before)
  })

  it('ends open streams when the server shuts down, instead of holding the shutdown', async () => {
    const other = await testApp({ clock })
    await other.listen({ port: 0, host: '127.0.0.1' })
    const person = await insertPerson(other.db)
    const s = await signIn(other, { role: 'viewer', regionCode: '330502001005' })
    await other.db.updateTable('appUser').set({ personId: person.id }).where('id', '=', s.userId).execute()
    const req = http.get(`http://127.0.0.1:${(other.server.address() as AddressInfo).port}/api/inbox/stream`, { headers: { cookie: s.cookie } })
    const res = await new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve))
    const ended = new Promise<void>((resolve) => { res.on('end', resolve); res.resume() })
    await other.close()
    await ended
    expect(other.events.topicCount).toBe(0)
  })
})
