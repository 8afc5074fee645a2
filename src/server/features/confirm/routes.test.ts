import crypto from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fakeClock } from '../../jobs/clock.js'
import { testApp } from '../../testing/test-app.js'
import { addPerson, issuedWarning, V1 } from '../warnings/engine-fixtures.js'
import { fanOut } from '../warnings/delivery/fanout.js'
import { confirmSecret, signConfirmToken, tokenExpiry } from '../warnings/delivery/tokens.js'

const clock = fakeClock('2026-07-20T02:00:00Z')
let app: FastifyInstance
let warningId: number
let personId: number
let token: string

beforeAll(async () => {
  app = await testApp({ clock })
  personId = await addPerson(app.db, { regionCode: V1, name: '欧阳娜娜' })
  warningId = await issuedWarning(app.db, clock, { target: { regions: [V1] }, channels: ['sms'], expires: new Date('2026-07-21T02:00:00Z') })
  await fanOut(app.db, clock, { warningId, revision: 1 })
  token = await signConfirmToken(app.db, { warningId, personId })
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

  it('shows what the short SMS left out: the area, start and end, and what to do', async () => {
    const w = (await get(token)).json().warning
    expect(w).toMatchObject({
      areaDesc: '织里镇',
      onset: '2026-07-20T02:00:00.000Z',
      expires: '2026-07-21T02:00:00.000Z',
      instruction: '责任人立即上岗到位，转移低洼地带人员',
      description: '预计未来 12 小时累计雨量可达 100 毫米以上',
    })
    // A warning without an end says so with null ("直至解除" on the page), not a made-up time.
    const open = await issuedWarning(app.db, clock, { target: { regions: [V1] }, channels: ['sms'] })
    await fanOut(app.db, clock, { warningId: open, revision: 1 })
    expect((await get(await signConfirmToken(app.db, { warningId: open, personId }))).json().warning.expires).toBeNull()
  })

  it('keeps the link short enough for an SMS: about 20 characters, 72 bits of signature', () => {
    expect(token).toMatch(/^[0-9a-z]+\.[0-9a-z]+\.[A-Za-z0-9_-]{12}$/)
    expect(token.length).toBeLessThanOrEqual(`${warningId.toString(36)}.${personId.toString(36)}.`.length + 12)
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
    const [w, , sig] = token.split('.')
    const someoneElse = [w, (personId + 1).toString(36), sig].join('.')
    const otherSig = [w, (personId).toString(36), (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1)].join('.')
    for (const bad of [someoneElse, otherSig, 'abc', '1.2.3.4.5']) {
      const res = await post(bad)
      expect(res.statusCode).toBe(400)
      expect(res.json()).toMatchObject({ code: 'CONFIRM_INVALID', message: '确认链接无效' })
    }
    expect((await get(someoneElse)).statusCode).toBe(400)
  })

  it('refuses an expired link with 410: 72 hours after issue for a warning without an end', async () => {
    const id = await issuedWarning(app.db, clock, { target: { regions: [V1] }, channels: ['sms'] })
    await fanOut(app.db, clock, { warningId: id, revision: 1 })
    await app.db.updateTable('warning').set({ issuedAt: new Date(clock.now().getTime() - 73 * 3_600_000) }).where('id', '=', id).execute()
    const old = await signConfirmToken(app.db, { warningId: id, personId })
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
    const t = await signConfirmToken(app.db, { warningId: id, personId: other })
    expect((await post(t)).json()).toEqual({ outcome: 'closed' })
    expect((await get(t)).json()).toMatchObject({ warning: { status: 'cancelled' }, state: 'pending' })
  })

  it('still opens links of the earlier, longer form sent before the short one', async () => {
    const body = [warningId, personId, 1, Math.floor(Date.parse('2026-07-23T02:00:00Z') / 1000)].map((n) => n.toString(36)).join('.')
    const sig = crypto.createHmac('sha256', await confirmSecret(app.db)).update(body).digest().subarray(0, 16).toString('base64url')
    expect((await get(`${body}.${sig}`)).json()).toMatchObject({ warning: { headline: '吴兴区暴雨橙色预警' } })
    // The last of 22 base64url characters carries 2 bits: change it to one that differs.
    expect((await get(`${body}.${sig.slice(0, -1)}${sig.endsWith('A') ? 'Q' : 'A'}`)).statusCode).toBe(400)
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
