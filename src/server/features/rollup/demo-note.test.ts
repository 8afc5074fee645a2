import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { signIn, testApp, type Session } from '../../testing/test-app.js'

const CITY = '330500000000'
const WUXING = '330502000000'
const ZHILI = '330502100000'
const NANXUN = '330503000000'

let app: FastifyInstance
let city: Session

beforeAll(async () => {
  app = await testApp()
  city = await signIn(app, { role: 'city_manager', regionCode: CITY })
  // One demo record and one real one, in different counties.
  await app.db.insertInto('resource').values({ kind: 'shelter', regionCode: ZHILI, name: '演示避难场所（演示）', isDemo: true }).execute()
  await app.db.insertInto('resource').values({ kind: 'shelter', regionCode: '330503100000', name: '南浔真实避难场所' }).execute()
})
afterAll(async () => { await app.close() })

const noteOf = async (path: string, regionCode?: string) => {
  const res = await city.request({ url: `/api/rollup/${path}${regionCode ? `?regionCode=${regionCode}` : ''}` })
  expect(res.statusCode, res.body).toBe(200)
  return res.json().includesDemo
}

it('says a roll-up includes demo rows exactly when its region holds some', async () => {
  for (const path of ['resources', 'freshness', 'attention', 'completeness']) {
    expect(await noteOf(path), `${path} for the city`).toBe(true)
    expect(await noteOf(path, WUXING), `${path} for 吴兴区`).toBe(true)
    expect(await noteOf(path, NANXUN), `${path} for 南浔区`).toBe(false)
  }
  // Supplies count supply lines only: a demo shelter is not among them.
  expect(await noteOf('supplies', WUXING)).toBe(false)
})

it('asks nothing about a region outside the jurisdiction: the roll-up refuses it first', async () => {
  const wuxing = await signIn(app, { role: 'county_manager', regionCode: WUXING })
  const res = await wuxing.request({ url: `/api/rollup/resources?regionCode=${NANXUN}` })
  expect(res.statusCode).toBe(403)
})
