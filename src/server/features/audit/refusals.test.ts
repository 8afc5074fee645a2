import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, testApp } from '../../testing/test-app.js'
import { createRefusalRecorder, REFUSAL_WINDOW_MS, REFUSALS_PER_WINDOW } from './refusals.js'

const OWN_COUNTY = '330502000000' // 吴兴区
const SIBLING_TOWNSHIP = '330503001000' // 南浔区南浔镇

let app: FastifyInstance
beforeAll(async () => { app = await testApp() })
afterAll(async () => { await app.close() })

const entries = (action: string) =>
  app.db.selectFrom('auditLog').selectAll().where('action', '=', action).orderBy('id').execute()

describe('refused attempts in the audit log', () => {
  it('records a write with a bad CSRF token under the account it came from', async () => {
    const s = await signIn(app, { role: 'county_manager', regionCode: OWN_COUNTY })
    const res = await app.inject({
      method: 'POST', url: '/api/units', headers: { cookie: s.cookie, 'x-csrf-token': 'forged' },
      payload: { regionCode: OWN_COUNTY, name: '某单位', kind: 'township_station' },
    })
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('CSRF')
    const rows = await entries('refused.csrf')
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ actorId: s.userId, after: { reason: 'CSRF', method: 'POST', url: '/api/units' } })
    expect(await app.db.selectFrom('unit').select('id').where('name', '=', '某单位').execute()).toHaveLength(0)
  })

  it('records a request for a region outside the caller\'s area', async () => {
    const s = await signIn(app, { role: 'county_manager', regionCode: OWN_COUNTY })
    const res = await s.request({ method: 'GET', url: `/api/ledgers/imports?regionCode=${SIBLING_TOWNSHIP}` })
    expect(res.statusCode).toBe(403)
    const rows = await entries('refused.jurisdiction')
    expect(rows.at(-1)).toMatchObject({ actorId: s.userId, after: { reason: 'OUT_OF_JURISDICTION', regionCode: SIBLING_TOWNSHIP } })
  })

  it('records a permission refusal', async () => {
    const s = await signIn(app, { role: 'viewer', regionCode: OWN_COUNTY })
    const res = await s.request({ method: 'GET', url: '/api/users' })
    expect(res.statusCode).toBe(403)
    expect((await entries('refused.permission')).at(-1)).toMatchObject({ actorId: s.userId })
  })

  it('cannot be flooded: a burst from one address writes a bounded number of entries', async () => {
    const s = await signIn(app, { role: 'county_manager', regionCode: OWN_COUNTY })
    const before = (await entries('refused.csrf')).length
    const answers = await Promise.all(Array.from({ length: 60 }, () => app.inject({
      method: 'DELETE', url: '/api/units/1', headers: { cookie: s.cookie },
    })))
    expect(answers.every((r) => r.statusCode === 403)).toBe(true)
    const written = (await entries('refused.csrf')).length - before
    expect(written).toBeGreaterThan(0)
    expect(written).toBeLessThanOrEqual(REFUSALS_PER_WINDOW)
  })
})

describe('refusal recorder', () => {
  it('writes the first entries of a window, folds the rest, and reports the folded count in the next window', async () => {
    const recorder = createRefusalRecorder(app.db)
    const actor = { id: null, name: '匿名', ip: '203.0.113.9' }
    const t0 = 1_000_000
    for (let i = 0; i < REFUSALS_PER_WINDOW + 25; i++) await recorder.record(actor, { action: 'refused.test', reason: 'X' }, t0 + i)
    expect(await entries('refused.test')).toHaveLength(REFUSALS_PER_WINDOW)
    // Another address is not held back by the first one's burst.
    await recorder.record({ ...actor, ip: '203.0.113.10' }, { action: 'refused.test', reason: 'X' }, t0 + 50)
    expect(await entries('refused.test')).toHaveLength(REFUSALS_PER_WINDOW + 1)
    await recorder.record(actor, { action: 'refused.test', reason: 'X' }, t0 + REFUSAL_WINDOW_MS + 1)
    const rows = await entries('refused.test')
    expect(rows).toHaveLength(REFUSALS_PER_WINDOW + 2)
    expect(rows.at(-1)!.after).toMatchObject({ reason: 'X', foldedBefore: 25 })
  })
})
