import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { smsAdapter } from '../../../channels/sms.js'
import type { Db } from '../../../db/database.js'
import { sql } from 'kysely'
import { fakeClock, systemClock } from '../../../jobs/clock.js'
import { liveWorkerInstances } from '../../../jobs/instance.js'
import { startSmsGateway, type SmsGateway } from '../../../testing/peers/sms-gateway.js'
import { createTestDb } from '../../../testing/test-app.js'
import { createDispatcher } from './dispatch.js'
import { addPerson, issuedWarning, V1 } from '../engine-fixtures.js'
import { fanOut } from './fanout.js'

const child = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../testing/dispatcher-process.ts')
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

    // SMS rows only: at night (Asia/Shanghai) the ladder adds a first voice call, and no voice gateway is set here.
    const rows = await db.selectFrom('delivery').select(['key', 'state', 'providerId']).where('warningId', '=', id).where('channel', '=', 'sms').execute()
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

describe('a dispatcher killed with SIGKILL holding a long lease', () => {
  it('has its deliveries taken over as soon as its instance is seen dead, long before the lease runs out', async () => {
    const clock = fakeClock(new Date(Date.now() - 60_000))
    for (let i = 0; i < 20; i++) await addPerson(db, { regionCode: V1 })
    const id = await issuedWarning(db, clock, { channels: ['sms'], target: { regions: [V1] } })
    await fanOut(db, clock, { warningId: id, revision: 1 })

    gateway.delayNext(60_000, 8)
    // The production lease: two minutes, far beyond this test's time limit.
    const proc = spawn(process.execPath, ['--import', 'tsx', child], {
      env: { ...process.env, DISPATCHER_DB_URL: url, DISPATCHER_SMS_URL: gateway.url, DISPATCHER_LEASE_MS: '120000' },
      stdio: 'ignore',
    })
    const exited = new Promise((resolve) => proc.once('exit', resolve))
    await gateway.waitFor(8, 20_000)
    const held = await db.selectFrom('delivery').select(['lockedBy', 'lockedUntil']).where('warningId', '=', id).where('state', '=', 'sending').execute()
    expect(held.length).toBeGreaterThanOrEqual(8)
    const holder = held[0].lockedBy
    expect(holder).not.toBeNull()
    expect(held.every((d) => d.lockedBy === holder && d.lockedUntil!.getTime() > Date.now() + 60_000)).toBe(true)
    const alive = async () => (await sql<{ id: number }>`${liveWorkerInstances()}`.execute(db)).rows.map((r) => Number(r.id))
    expect(await alive()).toContain(Number(holder))
    proc.kill('SIGKILL')
    await exited

    const adapters = new Map([['sms' as const, smsAdapter({ url: gateway.url, token: null, timeoutMs: 5000 })]])
    const live = createDispatcher({ db, clock: systemClock, publicBaseUrl: 'http://shouwang.test', adapters, pollMs: 200 })
    live.start()
    try {
      // Polled, not timed: whatever the machine's speed, the lease (two minutes) cannot be what freed them.
      for (let i = 0; i < 100; i++) {
        const left = await db.selectFrom('delivery').select('id').where('warningId', '=', id).where('channel', '=', 'sms').where('state', '<>', 'sent').execute()
        if (left.length === 0) break
        await new Promise((r) => setTimeout(r, 250))
      }
    } finally {
      await live.stop()
    }
    expect(await alive()).not.toContain(Number(holder))
    const rows = await db.selectFrom('delivery').select(['key', 'state', 'providerId', 'lockedBy']).where('warningId', '=', id).where('channel', '=', 'sms').execute()
    expect(rows).toHaveLength(20)
    expect(rows.every((r) => r.state === 'sent' && r.lockedBy === null)).toBe(true)
    // No phone got two messages: the re-sent ones came with their old keys.
    expect(gateway.received).toHaveLength(20)
    expect(new Set(gateway.received.map((m) => m.to)).size).toBe(20)
    const idOf = new Map(gateway.received.map((m) => [m.key, m.id]))
    for (const r of rows) expect(r.providerId).toBe(idOf.get(r.key))
  }, 60_000)
})
