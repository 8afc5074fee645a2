import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { signIn, testApp } from '../testing/test-app.js'

let app: FastifyInstance
beforeAll(async () => { app = await testApp() })
afterAll(async () => { await app.close() })

it('refuses to delete a person still named on a resource with a Chinese 409, not a 500', async () => {
  const s = await signIn(app, { role: 'county_manager', regionCode: '330502000000' })
  const person = (await s.request({ method: 'POST', url: '/api/people', payload: { regionCode: '330502001000', name: '钱保管', mobile: '13857201234', roles: ['head'] } })).json()
  const point = await s.request({
    method: 'POST', url: '/api/resources/storage_point',
    payload: { regionCode: '330502001000', name: '月河街道物资储备点', responsiblePersonId: person.id, detail: { storageKind: 'point' } },
  })
  expect(point.statusCode).toBe(201)
  const res = await s.request({ method: 'DELETE', url: `/api/people/${person.id}?version=${person.version}` })
  expect(res.statusCode).toBe(409)
  expect(res.json().code).toBe('IN_USE')
  expect(res.json().message).toContain('应急资源')
  const still = await s.request({ url: `/api/people/${person.id}` })
  expect(still.statusCode).toBe(200)
})
