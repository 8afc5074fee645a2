import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../db/database.js'
import { createTestDb } from '../testing/test-app.js'
import { EVENTS_CHANNEL, publish, startEventBus, type EventBus } from './bus.js'

let db: Db
let drop: () => Promise<void>
let bus: EventBus
beforeAll(async () => {
  const t = await createTestDb()
  db = t.db
  drop = t.drop
  bus = await startEventBus(t.url)
})
afterAll(async () => {
  await bus.close()
  await drop()
})

/** Collects events of a topic; `next(n)` waits until n have arrived. */
function collect(topic: string) {
  const got: Array<Record<string, unknown>> = []
  const waiters: Array<() => void> = []
  const unsubscribe = bus.subscribe(topic, (data) => {
    got.push(data)
    for (const w of waiters.splice(0)) w()
  })
  const next = async (n: number) => {
    while (got.length < n) await new Promise<void>((resolve) => waiters.push(resolve))
    return got
  }
  return { got, next, unsubscribe }
}

describe('event bus', () => {
  it('delivers what a committed transaction published and nothing of a rolled-back one', async () => {
    const events = collect('warning:1')
    await db.transaction().execute(async (trx) => {
      await publish(trx, 'warning:1', { n: 'rolled back' })
      throw new Error('rollback')
    }).catch(() => {})
    await db.transaction().execute(async (trx) => {
      await publish(trx, 'warning:1', { n: 'committed' })
    })
    // Notifications arrive in commit order: had the rolled-back one been sent, it would be first.
    expect(await events.next(1)).toEqual([{ n: 'committed' }])
    events.unsubscribe()
  })

  it('delivers to every subscriber of the topic and to no other topic, until unsubscribed', async () => {
    const a = collect('person:7')
    const b = collect('person:7')
    const other = collect('person:8')
    await publish(db, 'person:7', { deliveryId: 1 })
    await publish(db, 'person:8', { deliveryId: 2 })
    expect(await a.next(1)).toEqual([{ deliveryId: 1 }])
    expect(await b.next(1)).toEqual([{ deliveryId: 1 }])
    expect(await other.next(1)).toEqual([{ deliveryId: 2 }])
    a.unsubscribe()
    await publish(db, 'person:7', { deliveryId: 3 })
    expect(await b.next(2)).toEqual([{ deliveryId: 1 }, { deliveryId: 3 }])
    expect(a.got).toHaveLength(1)
    b.unsubscribe()
    other.unsubscribe()
    expect(bus.topicCount).toBe(0)
  })

  it('reconnects when its connection is killed, tells subscribers to resync, and delivers again', async () => {
    const events = collect('doorknock:330502001000')
    await sql`select pg_terminate_backend(pid) from pg_stat_activity
              where datname = current_database() and query = ${`listen ${EVENTS_CHANNEL}`}`.execute(db)
    expect(await events.next(1)).toEqual([{ resync: true }])
    await publish(db, 'doorknock:330502001000', { taskId: 5 })
    expect(await events.next(2)).toEqual([{ resync: true }, { taskId: 5 }])
    events.unsubscribe()
  })
})
