import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../../app.js'
import { fakeClock } from '../../../jobs/clock.js'
import { startPeers, type Peers } from '../../../testing/peers/index.js'
import { testApp } from '../../../testing/test-app.js'
import { addPerson, issuedWarning, V1 } from '../engine-fixtures.js'

const BASE = 'http://shouwang.test'
const clock = fakeClock('2026-07-20T02:00:00Z')
let peers: Peers
let first: FastifyInstance
let second: FastifyInstance

beforeAll(async () => {
  peers = await startPeers()
  first = await testApp({ clock, channels: peers.channels(BASE), workers: true })
  // A second server instance on the same database: the two share the work.
  second = await buildApp({ embedded: true, logLevel: 'silent', webRoot: '/nonexistent', db: first.db, clock, channels: peers.channels(BASE), workers: true })
  await second.ready()
})
afterAll(async () => {
  await second.close()
  await first.close()
  await peers.close()
})

describe('background workers', () => {
  it('fan out an issued warning and send each message once across two instances', async () => {
    for (let i = 0; i < 20; i++) await addPerson(first.db, { regionCode: V1, account: i % 2 === 0 })
    const id = await issuedWarning(first.db, clock, { target: { regions: [V1] }, channels: ['inapp', 'sms'] })
    await peers.sms.waitFor(20)
    const settled = async () => first.db.selectFrom('delivery').select('state').where('warningId', '=', id)
      .where('state', 'in', ['queued', 'sending']).execute()
    for (let i = 0; i < 200 && (await settled()).length > 0; i++) await new Promise((r) => setTimeout(r, 25))
    const rows = await first.db.selectFrom('delivery').select(['channel', 'state', 'tries']).where('warningId', '=', id).execute()
    expect(rows).toHaveLength(30)
    expect(rows.every((r) => r.tries === 1 && (r.state === 'sent' || r.state === 'delivered'))).toBe(true)
    expect(peers.sms.requests).toBe(20)
    const job = await first.db.selectFrom('job').select(['doneAt', 'attempts']).where('key', '=', `fanout:${id}:1`).executeTakeFirstOrThrow()
    expect(job.attempts).toBe(1)
    expect(job.doneAt).not.toBeNull()
  })
})
