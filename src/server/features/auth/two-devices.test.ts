import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, signInAs, testApp, TEST_PASSWORD } from '../../testing/test-app.js'

const OWN_COUNTY = '330502000000'

let app: FastifyInstance
beforeAll(async () => { app = await testApp() })
afterAll(async () => { await app.close() })

describe('one account on two devices', () => {
  it('gives each session its own CSRF token, so both keep saving after a reload', async () => {
    const pc = await signIn(app, { role: 'county_manager', regionCode: OWN_COUNTY })
    const username = (await app.db.selectFrom('appUser').select('username').where('id', '=', pc.userId).executeTakeFirstOrThrow()).username
    const phone = await signInAs(app, username, TEST_PASSWORD)
    expect(phone.csrf).not.toBe(pc.csrf)
    // The phone is now the account's most recently active session; the PC reloads.
    await phone.request({ method: 'GET', url: '/api/auth/me' })
    const reload = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: pc.cookie } })
    expect(reload.json().csrfToken).toBe(pc.csrf)
    const fromPc = await pc.request({ method: 'POST', url: '/api/units', payload: { regionCode: OWN_COUNTY, name: '电脑端新增单位', kind: 'township_station' } })
    expect(fromPc.statusCode).toBe(200)
    const fromPhone = await phone.request({ method: 'POST', url: '/api/units', payload: { regionCode: OWN_COUNTY, name: '手机端新增单位', kind: 'township_station' } })
    expect(fromPhone.statusCode).toBe(200)
    // A token of the account's other session is not accepted in place of one's own.
    const crossed = await app.inject({
      method: 'POST', url: '/api/units', headers: { cookie: pc.cookie, 'x-csrf-token': phone.csrf },
      payload: { regionCode: OWN_COUNTY, name: '串用令牌', kind: 'township_station' },
    })
    expect(crossed.statusCode).toBe(403)
  })
})
