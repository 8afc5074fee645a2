import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fakeClock } from '../../jobs/clock.js'
import { testApp } from '../../testing/test-app.js'
import { addPerson, issuedWarning, V1 } from '../warnings/engine-fixtures.js'
import { fanOut } from '../warnings/fanout.js'
import { signConfirmToken, tokenExpiry } from '../warnings/tokens.js'

const clock = fakeClock('2026-07-20T02:00:00Z')
let app: FastifyInstance
let warningId: number
let personId: number
let token: string

beforeAll(async () => {
  app = await testApp({ clock })
  personId = await addPerson(app.db, { regionCode: V1, name: '欧阳娜娜' })
  warningId = await issuedWarning(app.db, clock, { target: { regions: [V1] }, channels: ['sms'] })
  await fanOut(app.db, clock, { warningId, revision: 1 })
  token = await signConfirmToken(app.db, { warningId, personId, revision: 1, expiresAt: tokenExpiry(clock.now(), null) })
})
afterAll(async () => { await app.close() })

const get = (t: string) => app.inject({ method: 'GET', url: `/api/confirm/${t}` })
const post = (t: string) => app.inject({ method: 'POST', url: `/api/confirm/${t}` })

describe('confirm links', () => {
  it('shows the warning to whoever holds the link, without signing in, and the name masked', async () => {
    const res = await get(token)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      warning: { headline: '吴兴区暴雨橙色预警', level: 2, eventType: '暴雨', status: 'issued', issuedAt: '2026-07-20T02:00:00.000Z' },
      personName: '欧***',
      state: 'pending',
      acknowledgedAt: null,
    })
  })

  it('confirms once with one tap; a second tap says it is already done', async () => {
    expect((await post(token)).json()).toEqual({ outcome: 'acknowledged' })
    expect((await post(token)).json()).toEqual({ outcome: 'already' })
    expect((await get(token)).json()).toMatchObject({ state: 'acknowledged', acknowledgedAt: '2026-07-20T02:00:00.000Z' })
    const steps = await app.db.selectFrom('warningStep').select(['kind', 'personId', 'actorId', 'detail'])
      .where('warningId', '=', warningId).where('kind', '=', 'acknowledged').execute()
    expect(steps).toEqual([{ kind: 'acknowledged', personId, actorId: null, detail: { via: 'link', revision: 1 } }])
    // Not a signed-in user: nothing in the audit log.
    expect(await app.db.selectFrom('auditLog').select('id').where('entity', '=', 'warning_recipient').execute()).toEqual([])
  })

  it('refuses a forged or altered link with 400', async () => {
    const [w, , r, exp, sig] = token.split('.')
    const someoneElse = [w, (personId + 1).toString(36), r, exp, sig].join('.')
    const otherSig = [w, (personId).toString(36), r, exp, (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1)].join('.')
    for (const bad of [someoneElse, otherSig, 'abc', '1.2.3.4.5']) {
      const res = await post(bad)
      expect(res.statusCode).toBe(400)
      expect(res.json()).toMatchObject({ code: 'CONFIRM_INVALID', message: '确认链接无效' })
    }
    expect((await get(someoneElse)).statusCode).toBe(400)
  })

  it('refuses an expired link with 410', async () => {
    const old = await signConfirmToken(app.db, { warningId, personId, revision: 1, expiresAt: new Date(clock.now().getTime() - 1000) })
    for (const res of [await get(old), await post(old)]) {
      expect(res.statusCode).toBe(410)
      expect(res.json()).toMatchObject({ code: 'CONFIRM_EXPIRED', message: '确认链接已过期' })
    }
  })

  it('answers closed for a warning that was cancelled', async () => {
    const other = await addPerson(app.db, { regionCode: V1 })
    const id = await issuedWarning(app.db, clock, { target: { regions: [V1] }, channels: ['sms'] })
    await fanOut(app.db, clock, { warningId: id, revision: 1 })
    await app.db.updateTable('warning').set({ status: 'cancelled' }).where('id', '=', id).execute()
    const t = await signConfirmToken(app.db, { warningId: id, personId: other, revision: 1, expiresAt: tokenExpiry(clock.now(), null) })
    expect((await post(t)).json()).toEqual({ outcome: 'closed' })
    expect((await get(t)).json()).toMatchObject({ warning: { status: 'cancelled' }, state: 'pending' })
  })

  it('keeps links alive 72 hours, longer for a longer warning, never past 7 days', () => {
    const issued = new Date('2026-07-20T02:00:00Z')
    const h = (n: number) => new Date(issued.getTime() + n * 3_600_000)
    expect(tokenExpiry(issued, null)).toEqual(h(72))
    expect(tokenExpiry(issued, h(24))).toEqual(h(72))
    expect(tokenExpiry(issued, h(100))).toEqual(h(100))
    expect(tokenExpiry(issued, h(1000))).toEqual(h(168))
  })
})
