import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { smsAdapter } from '../../channels/sms.js'
import type { Db } from '../../db/database.js'
import { fakeClock, systemClock } from '../../jobs/clock.js'
import { startSmsGateway, type SmsGateway } from '../../testing/peers/sms-gateway.js'
import { createTestDb } from '../../testing/test-app.js'
import { createDispatcher } from './dispatch.js'
import { addPerson, issuedWarning, V1 } from './engine-fixtures.js'
import { fanOut } from './fanout.js'

const child = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../testing/dispatcher-process.ts')
const LEASE_MS = 1500

let db: Db
let url: string
let drop: () => Promise<void>
let gateway: SmsGateway
beforeEach(async () => {
  ({ db, url, drop } = await createTestDb())
  gateway = await startSmsGateway()
})
afterEach(async () => {
  await gateway.close()
  await drop()
})

describe('a dispatcher killed with SIGKILL mid-send', () => {
  it('is resumed by another instance without any phone getting a message twice', async () => {
    const clock = fakeClock(new Date(Date.now() - 60_000))
    for (let i = 0; i < 30; i++) await addPerson(db, { regionCode: V1 })
    const id = await issuedWarning(db, clock, { channels: ['sms'], target: { regions: [V1] } })
    await fanOut(db, clock, { warningId: id, revision: 1 })

    // The gateway takes the first ten messages but answers only much later: the instance dies
    // after the gateway has them and before it could record that they went.
    gateway.delayNext(30_000, 10)
    const proc = spawn(process.execPath, ['--import', 'tsx', child], {
      env: { ...process.env, DISPATCHER_DB_URL: url, DISPATCHER_SMS_URL: gateway.url, DISPATCHER_LEASE_MS: String(LEASE_MS) },
      stdio: 'ignore',
    })
    const exited = new Promise((resolve) => proc.once('exit', resolve))
    await gateway.waitFor(10, 20_000)
    proc.kill('SIGKILL')
    await exited

    const stuck = await db.selectFrom('delivery').select(['state']).where('warningId', '=', id).execute()
    expect(stuck.filter((d) => d.state === 'sending').length).toBeGreaterThanOrEqual(10)

    // A live instance takes over once the dead one's lease has run out.
    await new Promise((r) => setTimeout(r, LEASE_MS + 200))
    const adapters = new Map([['sms' as const, smsAdapter({ url: gateway.url, token: null, timeoutMs: 5000 })]])
    const live = createDispatcher({ db, clock: systemClock, publicBaseUrl: 'http://shouwang.test', adapters, leaseMs: 60_000 })
    await live.drain()

    const rows = await db.selectFrom('delivery').select(['key', 'state', 'providerId']).where('warningId', '=', id).execute()
    expect(rows).toHaveLength(30)
    expect(rows.every((r) => r.state === 'sent')).toBe(true)
    // Every message reached the gateway once as a message; the ten re-sent ones came with their old keys.
    expect(gateway.received).toHaveLength(30)
    expect(new Set(gateway.received.map((m) => m.to)).size).toBe(30)
    expect(gateway.requests).toBeGreaterThanOrEqual(40)
    const idOf = new Map(gateway.received.map((m) => [m.key, m.id]))
    for (const r of rows) expect(r.providerId).toBe(idOf.get(r.key))
  })
})
