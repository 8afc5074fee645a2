import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/types.js'
import { publish } from '../events/bus.js'

/** Event topic that tells every instance's runner a job was enqueued (on commit). */
export const JOBS_TOPIC = 'jobs'

export type JobInput = {
  queue: string
  /** One job per key, ever: enqueueing the same key again is a no-op (e.g. `warning.fanout:12:2`). */
  key?: string | null
  payload?: Record<string, unknown>
  /** Not before this time (from the app's clock). Omitted: as soon as a runner is free. */
  runAt?: Date
  maxAttempts?: number
}

/**
 * Puts a job in the queue, inside the caller's transaction when given one, so the job exists
 * exactly when the change that asked for it was committed. Returns the new job's id, or null
 * when a job with the key already existed.
 */
export async function enqueue(db: Kysely<Database>, job: JobInput): Promise<number | null> {
  const row = await db.insertInto('job')
    .values({
      queue: job.queue,
      key: job.key ?? null,
      payload: JSON.stringify(job.payload ?? {}),
      // Left to the column default (now(), equal to created_at), a job counts as immediate:
      // see dueJob in runner.ts.
      ...(job.runAt ? { runAt: job.runAt } : {}),
      ...(job.maxAttempts ? { maxAttempts: job.maxAttempts } : {}),
    })
    .onConflict((oc) => oc.column('key').where('key', 'is not', null).doNothing())
    .returning('id')
    .executeTakeFirst()
  if (row) await publish(db, JOBS_TOPIC, { queue: job.queue })
  return row?.id ?? null
}

/**
 * Makes sure a recurring job exists: one row per queue that the runner puts back in the queue
 * after each run instead of finishing it, so all instances together run it once per period.
 */
export async function ensureRecurring(db: Kysely<Database>, queue: string): Promise<void> {
  await enqueue(db, { queue, key: recurringKey(queue), maxAttempts: 1_000_000 })
}

export const recurringKey = (queue: string) => `recurring:${queue}`

/** Jobs of these queues not yet done or failed, for tests and the health of the queue. */
export async function pendingJobs(db: Kysely<Database>, queues?: string[]) {
  let q = db.selectFrom('job').selectAll().where('doneAt', 'is', null).where('failedAt', 'is', null)
  if (queues) q = q.where('queue', 'in', queues)
  return q.orderBy('id').execute()
}

/** SQL condition: due at `now` (a job enqueued without a time is due whatever the clock says). */
export const dueJob = (now: Date) =>
  sql<boolean>`(job.run_at <= ${now} or job.run_at = job.created_at)`
