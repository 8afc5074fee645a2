import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fakeClock } from '../../jobs/clock.js'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { placeRegionPositions } from '../map/positions.js'
import type { WarningInput } from './schema.js'
import { addPerson, draft, WUXING, YUEHE, YUEHE_VILLAGES } from './test-fixtures.js'

/**
 * A polygon or circle reaches villages by their position. Where those positions are only
 * sketches (示意, invented near the township), submitting needs the drafter to say they know.
 */

const clock = fakeClock('2026-07-20T02:00:00Z')
let app: FastifyInstance
let county: Session
let yuehe: { lng: number; lat: number }

beforeAll(async () => {
  app = await testApp({ clock })
  await placeRegionPositions(app.db, '3305')
  county = await signIn(app, { role: 'county_manager', regionCode: WUXING })
  for (const v of YUEHE_VILLAGES) await addPerson(app, v, ['head'])
  const row = await app.db.selectFrom('region').select(['lng', 'lat']).where('code', '=', YUEHE).executeTakeFirstOrThrow()
  yuehe = { lng: row.lng!, lat: row.lat! }
})
afterAll(async () => { await app.close() })

async function createDraft(target: WarningInput['target']) {
  clock.advance(1000)
  const res = await county.request({ method: 'POST', url: '/api/warnings', payload: draft({ target }) })
  expect(res.statusCode, res.body).toBe(200)
  return res.json() as { id: number; version: number }
}
const submit = (w: { id: number; version: number }, extra: object = {}) =>
  county.request({ method: 'POST', url: `/api/warnings/${w.id}/submit`, payload: { version: w.version, ...extra } })

/** 月河街道's villages sit within 3 km of its position (positions.ts), so this circle holds them all. */
const circleTarget = () => ({ regions: [], polygons: [], circles: [{ lat: yuehe.lat, lng: yuehe.lng, radiusKm: 3.01 }], roles: [], groupIds: [] })

describe('submitting a shape target over sketch positions', () => {
  it('is refused without acknowledgement, in Chinese with the count, and the draft stays a draft', async () => {
    const villages = await app.db.selectFrom('region').select('code').where('parentCode', '=', YUEHE).execute()
    const w = await createDraft(circleTarget())
    const count = await county.request({ method: 'POST', url: '/api/map/positions/sketch-count', payload: { regionCode: WUXING, circles: circleTarget().circles } })
    const n = count.json().sketchVillages
    expect(n).toBeGreaterThanOrEqual(villages.length)

    const res = await submit(w)
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({
      code: 'SKETCH_POSITIONS_UNCONFIRMED',
      message: `目标范围内有 ${n} 个村（社区）只有示意位置，可能不准确：请确认知悉后再提交（acknowledgeSketchPositions）`,
    })
    expect((await submit(w, { acknowledgeSketchPositions: false })).statusCode).toBe(400)
    const still = await app.db.selectFrom('warning').select(['status', 'version']).where('id', '=', w.id).executeTakeFirstOrThrow()
    expect(still).toEqual({ status: 'draft', version: w.version })
  })

  it('goes through with acknowledgement, which the step keeps with the count', async () => {
    const w = await createDraft(circleTarget())
    const res = await submit(w, { acknowledgeSketchPositions: true })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json().status).toBe('submitted')
    const step = await app.db.selectFrom('warningStep').select('detail').where('warningId', '=', w.id).where('kind', '=', 'submitted').executeTakeFirstOrThrow()
    expect((step.detail as { sketchVillages: number }).sketchVillages).toBeGreaterThan(0)
  })

  it('needs no acknowledgement for region targets, or once the villages inside have real positions', async () => {
    const byRegion = await createDraft({ regions: [YUEHE], polygons: [], circles: [], roles: [], groupIds: [] })
    expect((await submit(byRegion)).statusCode).toBe(200)

    // The county's villages surveyed where they are: nothing left to acknowledge.
    await app.db.updateTable('region').set({ positionSource: 'survey' }).where('code', 'like', '330502%').where('level', '=', 'village').execute()
    const w = await createDraft(circleTarget())
    expect((await submit(w)).statusCode).toBe(200)
  })
})
