import os from 'node:os'
import { sql, type RawBuilder } from 'kysely'
import pg from 'pg'

/**
 * This process as a worker instance: a row in worker_instance, a session advisory lock held on
 * a connection of its own for as long as the process lives, and a heartbeat on that connection.
 * Leases name their instance (delivery.locked_by), so another instance can tell a dead holder from
 * a slow one: a SIGKILLed process loses its lock the moment PostgreSQL sees its socket close, and
 * its work is taken over within seconds instead of when the lease runs out.
 *
 * The heartbeat covers the one case where a live instance holds no lock: its connection dropped
 * and is being re-made. PostgreSQL's own restart drops every lock and every heartbeat at once, so
 * for a while after it nobody counts as dead.
 */
export type WorkerInstance = {
  /** The row's id; null until the database could first be reached. */
  readonly id: number | null
  /** Deletes the row and lets go of the lock: only once this instance's leases are all settled. */
  close(): Promise<void>
}

/** First key of the two-key advisory lock; the second is the instance id. */
export const WORKER_LOCK_SPACE = 0x53570001
const HEARTBEAT_MS = 1_000
/** A live instance without its lock beats at least this often; a silent one without a lock is dead. */
const SILENT_AFTER = '5 seconds'
/** After PostgreSQL starts, instances get this long to reconnect before any counts as dead. */
const RESTART_GRACE = '15 seconds'

/**
 * SQL: ids of the worker instances alive now. Evaluated by the database on its own clock, so a
 * test's fake application clock does not bear on it.
 */
export function liveWorkerInstances(): RawBuilder<{ id: number }> {
  return sql<{ id: number }>`
    select w.id from worker_instance w
    where w.seen_at > now() - ${SILENT_AFTER}::interval
      or pg_postmaster_start_time() > now() - ${RESTART_GRACE}::interval
      or exists (select 1 from pg_locks l
        where l.locktype = 'advisory' and l.granted and l.objsubid = 2
          and l.classid::bigint = ${WORKER_LOCK_SPACE} and l.objid::bigint = w.id
          and l.database = (select oid from pg_database where datname = current_database()))`
}

type Log = { info: (msg: string) => void; warn: (obj: object, msg: string) => void }

/**
 * Registers this process and keeps it registered: the connection is re-made after a drop, the
 * lock taken again, and the row written again if it was pruned. Resolves after the first try,
 * whether or not the database answered.
 */
export async function startWorkerInstance(connectionString: string, log?: Log): Promise<WorkerInstance> {
  let id: number | null = null
  let client: pg.Client | null = null
  let locked = false
  let closed = false
  let beating: Promise<void> = Promise.resolve()

  async function connect(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString, keepAlive: true, application_name: 'shouwang-worker' })
    // A dropped connection must not crash the process: the next beat connects again.
    c.on('error', () => { if (client === c) { client = null; locked = false } })
    c.on('end', () => { if (client === c) { client = null; locked = false } })
    await c.connect()
    return c
  }

  async function beat(): Promise<void> {
    try {
      if (!client) {
        client = await connect()
        locked = false
      }
      const c = client
      if (id !== null) {
        const seen = await c.query('update worker_instance set seen_at = now() where id = $1', [id])
        // Pruned as dead after a long absence: register anew rather than revive the old id.
        if (seen.rowCount === 0) { id = null; locked = false }
      }
      if (id === null) {
        // Instances dead for a day have no leases left worth naming.
        await c.query(`delete from worker_instance where seen_at < now() - interval '1 day'`)
        const { rows } = await c.query<{ id: string }>('insert into worker_instance (host, pid) values ($1, $2) returning id', [os.hostname(), process.pid])
        id = Number(rows[0].id)
        log?.info(`worker instance ${id} registered`)
      }
      if (!locked) {
        // Not yet ours when the session that held it before a reconnect is still being torn down:
        // the heartbeat keeps us alive meanwhile, and the next beat tries again.
        const { rows } = await c.query<{ ok: boolean }>('select pg_try_advisory_lock($1, $2) as ok', [WORKER_LOCK_SPACE, id])
        locked = rows[0].ok
      }
    } catch (err) {
      const c = client
      client = null
      locked = false
      await c?.end().catch(() => {})
      log?.warn({ err }, 'worker instance: heartbeat failed; retrying')
    }
  }

  await beat()
  const timer = setInterval(() => { beating = beating.then(beat) }, HEARTBEAT_MS)
  timer.unref()
  return {
    get id() { return id },
    async close() {
      if (closed) return
      closed = true
      clearInterval(timer)
      await beating
      const c = client
      client = null
      if (c && id !== null) await c.query('delete from worker_instance where id = $1', [id]).catch(() => {})
      await c?.end().catch(() => {})
    },
  }
}
