import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Db } from '../db/database.js'
import { createTestDb } from '../testing/test-app.js'
import { fakeClock } from './clock.js'
import { enqueue, ensureRecurring, pendingJobs, recurringKey } from './queue.js'
import { createRunner, type Job } from './runner.js'

let db: Db
let drop: () => Promise<void>
beforeAll(async () => { ({ db, drop } = await createTestDb()) })
afterAll(async () => { await drop() })
beforeEach(async () => { await db.deleteFrom('job').execute() })

const MIN = 60_000

describe('job queue', () => {
  it('keeps one job per key however often it is enqueued', async () => {
    const first = await enqueue(db, { queue: 'q', key: 'warning.fanout:1:1', payload: { warningId: 1 } })
    const again = await enqueue(db, { queue: 'q', key: 'warning.fanout:1:1', payload: { warningId: 1 } })
    await enqueue(db, { queue: 'q', payload: {} })
    await enqueue(db, { queue: 'q', payload: {} })
    expect(first).toBeTypeOf('number')
    expect(again).toBeNull()
    expect((await pendingJobs(db)).map((j) => j.key)).toEqual(['warning.fanout:1:1', null, null])
  })

  it('runs a job once, and a delayed one only when the clock reaches it', async () => {
    const clock = fakeClock()
    const seen: unknown[] = []
    const runner = createRunner({ db, clock, handlers: { q: async (job) => { seen.push(job.payload) } } })
    await enqueue(db, { queue: 'q', payload: { n: 1 } })
    await enqueue(db, { queue: 'q', payload: { n: 2 }, runAt: new Date(clock.now().getTime() + 5 * MIN) })
    expect(await runner.runDue()).toBe(1)
    expect(await runner.runDue()).toBe(0)
    clock.advance(5 * MIN)
    expect(await runner.runDue()).toBe(1)
    expect(seen).toEqual([{ n: 1 }, { n: 2 }])
    expect(await pendingJobs(db)).toEqual([])
  })

  it('re-runs a job whose runner died once its lease expired, not before', async () => {
    const clock = fakeClock()
    const seen: number[] = []
    const runner = createRunner({ db, clock, handlers: { q: async (job) => { seen.push(job.attempts) } }, leaseMs: MIN })
    const id = (await enqueue(db, { queue: 'q', payload: {} }))!
    // What a runner killed mid-job leaves behind: a claim with a lease still running.
    await db.updateTable('job').set({ lockedBy: 'dead-runner', lockedUntil: new Date(clock.now().getTime() + MIN), attempts: 1 })
      .where('id', '=', id).execute()
    expect(await runner.runDue()).toBe(0)
    clock.advance(MIN + 1)
    expect(await runner.runDue()).toBe(1)
    expect(seen).toEqual([2])
    const job = await db.selectFrom('job').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    expect(job.doneAt).not.toBeNull()
    expect(job.lockedBy).toBeNull()
  })

  it('never runs one job in two runners at once', async () => {
    const clock = fakeClock()
    const running = new Set<number>()
    const runs: number[] = []
    let overlap = false
    const handler = async (job: Job) => {
      if (running.has(job.id)) overlap = true
      running.add(job.id)
      runs.push(job.id)
      await new Promise((r) => setTimeout(r, 5))
      running.delete(job.id)
    }
    const a = createRunner({ db, clock, handlers: { q: handler }, id: 'a', concurrency: 3 })
    const b = createRunner({ db, clock, handlers: { q: handler }, id: 'b', concurrency: 3 })
    for (let i = 0; i < 30; i++) await enqueue(db, { queue: 'q', payload: { i } })
    const [ranA, ranB] = await Promise.all([a.runDue(), b.runDue()])
    expect(ranA + ranB).toBe(30)
    expect(overlap).toBe(false)
    expect(new Set(runs).size).toBe(30)
    expect(runs.length).toBe(30)
  })

  it('retries with backoff and gives up after max_attempts, keeping the last error', async () => {
    const clock = fakeClock()
    let calls = 0
    const runner = createRunner({
      db, clock, backoffMs: () => MIN,
      handlers: { q: async () => { calls++; throw new Error(`网关不可用 #${calls}`) } },
    })
    const id = (await enqueue(db, { queue: 'q', payload: {}, maxAttempts: 3 }))!
    await runner.runDue()
    expect(await runner.runDue()).toBe(0) // waiting out the backoff
    clock.advance(MIN)
    await runner.runDue()
    clock.advance(MIN)
    await runner.runDue()
    clock.advance(MIN)
    expect(await runner.runDue()).toBe(0)
    const job = await db.selectFrom('job').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    expect(calls).toBe(3)
    expect(job.attempts).toBe(3)
    expect(job.failedAt).not.toBeNull()
    expect(job.lastError).toBe('网关不可用 #3')
  })

  it('puts a recurring job back after each run', async () => {
    const clock = fakeClock()
    let ticks = 0
    const runner = createRunner({ db, clock, handlers: { tick: async () => { ticks++ } }, recurring: { tick: 5000 } })
    await ensureRecurring(db, 'tick')
    await ensureRecurring(db, 'tick')
    await runner.runDue()
    expect(ticks).toBe(1)
    clock.advance(5000)
    await runner.runDue()
    expect(ticks).toBe(2)
    const rows = await db.selectFrom('job').selectAll().where('queue', '=', 'tick').execute()
    expect(rows).toHaveLength(1)
    expect(rows[0].key).toBe(recurringKey('tick'))
    expect(rows[0].doneAt).toBeNull()
  })
})
