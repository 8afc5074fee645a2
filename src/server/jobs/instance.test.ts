import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../db/database.js'
import { createTestDb } from '../testing/test-app.js'
import { liveWorkerInstances, startWorkerInstance } from './instance.js'

let db: Db
let url: string
let drop: () => Promise<void>
beforeAll(async () => { ({ db, url, drop } = await createTestDb()) })
afterAll(async () => { await drop() })

const alive = async () => (await sql<{ id: number }>`${liveWorkerInstances()}`.execute(db)).rows.map((r) => Number(r.id))

describe('worker instances', () => {
  it('stay alive through a dropped connection, taking their lock again, and are gone once closed', async () => {
    const instance = await startWorkerInstance(url)
    const id = instance.id!
    expect(id).toBeGreaterThan(0)
    expect(await alive()).toContain(id)

    await sql`select pg_terminate_backend(pid) from pg_stat_activity
              where datname = current_database() and application_name = 'shouwang-worker'`.execute(db)
    // Checked over several heartbeats: never taken for dead while it reconnects.
    let relocked = false
    for (let i = 0; i < 40 && !relocked; i++) {
      expect(await alive()).toContain(id)
      const { rows } = await sql<{ n: number }>`select count(*) as n from pg_locks
        where locktype = 'advisory' and granted and objsubid = 2 and objid::bigint = ${id}`.execute(db)
      relocked = rows[0].n === 1
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(relocked).toBe(true)
    expect(instance.id).toBe(id)

    await instance.close()
    expect(await alive()).not.toContain(id)
    expect(await db.selectFrom('workerInstance').select('id').where('id', '=', id).execute()).toEqual([])
  })

  it('count one without its lock and without a recent heartbeat as dead', async () => {
    const { id } = await db.insertInto('workerInstance').values({ host: 'gone', pid: 1, seenAt: sql<Date>`now() - interval '1 minute'` })
      .returning('id').executeTakeFirstOrThrow()
    // Right after PostgreSQL starts every instance counts as alive, to give them time to reconnect.
    for (let i = 0; i < 200; i++) {
      const { rows } = await sql<{ fresh: boolean }>`select pg_postmaster_start_time() > now() - interval '15 seconds' as fresh`.execute(db)
      if (!rows[0].fresh) break
      await new Promise((r) => setTimeout(r, 100))
    }
    const recent = await db.insertInto('workerInstance').values({ host: 'slow', pid: 2 }).returning('id').executeTakeFirstOrThrow()
    const ids = await alive()
    expect(ids).not.toContain(Number(id))
    // A heartbeat within the last seconds keeps one alive that holds no lock (it is reconnecting).
    expect(ids).toContain(Number(recent.id))
  }, 30_000)
})
