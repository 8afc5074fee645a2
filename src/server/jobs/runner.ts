import crypto from 'node:crypto'
import os from 'node:os'
import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import type { Clock } from './clock.js'
import { dueJob, ensureRecurring } from './queue.js'

export type Job = {
  id: number
  queue: string
  key: string | null
  payload: unknown
  /** This run included. */
  attempts: number
  maxAttempts: number
}

export type JobContext = { db: Db; clock: Clock }

/** Does the work of one job. It may run again after a crash, so it must be idempotent. */
export type JobHandler = (job: Job, ctx: JobContext) => Promise<void>

export type RunnerOptions = {
  db: Db
  clock: Clock
  handlers: Record<string, JobHandler>
  /** Queues put back after each run instead of finished, every so many milliseconds. */
  recurring?: Record<string, number>
  /** Who holds a lease, for the job table; unique per runner. */
  id?: string
  /** How long a claimed job is ours; renewed while it runs, so only a dead runner's job expires. */
  leaseMs?: number
  /** Jobs running at once in this runner. */
  concurrency?: number
  /** Sleep between polls when idle. */
  pollMs?: number
  /** Wait before the n-th retry (n = attempts so far). */
  backoffMs?: (attempts: number) => number
  /** Called after a job finished (done or failed), e.g. to wake the dispatcher. */
  onSettled?: (job: Job, outcome: 'done' | 'retry' | 'failed') => void
  log?: { error: (obj: object, msg: string) => void }
}

export type Runner = {
  /** Claims and runs every job due now, until none is left; returns how many ran. */
  runDue(): Promise<number>
  start(): void
  /** Looks for due jobs now instead of at the next poll (a job was just enqueued). */
  wake(): void
  /** Stops claiming and waits for the jobs in flight. */
  stop(): Promise<void>
}

const defaultBackoff = (attempts: number) => Math.min(5 * 60_000, 1000 * 2 ** attempts)

export function createRunner(opts: RunnerOptions): Runner {
  const { db, clock, handlers } = opts
  const id = opts.id ?? `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`
  const leaseMs = opts.leaseMs ?? 60_000
  const concurrency = opts.concurrency ?? 2
  const pollMs = opts.pollMs ?? 1000
  const backoff = opts.backoffMs ?? defaultBackoff
  const recurring = opts.recurring ?? {}
  const queues = Object.keys(handlers)
  let stopping = false
  let loop: Promise<void> | null = null
  let wake: (() => void) | null = null

  /**
   * Takes up to `n` due jobs under a lease. SKIP LOCKED lets runners claim side by side without
   * waiting on each other; a job whose lease expired (its runner died) is due again.
   */
  async function claim(n: number): Promise<Job[]> {
    const now = clock.now()
    const until = new Date(now.getTime() + leaseMs)
    const { rows } = await sql<Job>`
      update job set locked_by = ${id}, locked_until = ${until}, attempts = job.attempts + 1
      where job.id in (
        select job.id from job
        where job.queue = any(${queues}) and job.done_at is null and job.failed_at is null
          and ${dueJob(now)} and (job.locked_until is null or job.locked_until < ${now})
        order by job.run_at, job.id
        limit ${n}
        for update skip locked
      )
      returning job.id, job.queue, job.key, job.payload, job.attempts, job.max_attempts`.execute(db)
    return rows
  }

  /** Renews the lease of a running job; false when another runner has taken it over. */
  async function renew(job: Job): Promise<boolean> {
    const until = new Date(clock.now().getTime() + leaseMs)
    const r = await db.updateTable('job').set({ lockedUntil: until })
      .where('id', '=', job.id).where('lockedBy', '=', id).executeTakeFirst()
    return r.numUpdatedRows > 0n
  }

  /** Records how a run ended, unless another runner has taken the job over meanwhile. */
  async function settle(job: Job, error: unknown): Promise<'done' | 'retry' | 'failed'> {
    const now = clock.now()
    const release = { lockedBy: null, lockedUntil: null }
    const every = recurring[job.queue]
    const message = error === null ? null : error instanceof Error ? error.message : String(error)
    const [outcome, set] = message === null
      ? every !== undefined
        ? ['done' as const, { ...release, runAt: new Date(now.getTime() + every), attempts: 0, lastError: null }]
        : ['done' as const, { ...release, doneAt: now }]
      : job.attempts >= job.maxAttempts
        ? ['failed' as const, { ...release, failedAt: now, lastError: message }]
        : ['retry' as const, { ...release, runAt: new Date(now.getTime() + backoff(job.attempts)), lastError: message }]
    await db.updateTable('job').set(set).where('id', '=', job.id).where('lockedBy', '=', id).execute()
    return outcome
  }

  async function run(job: Job): Promise<void> {
    const handler = handlers[job.queue]
    // Keep the lease while working, so a slow job is not taken for a dead one.
    let lost = false
    const heartbeat = setInterval(() => {
      renew(job).then((ok) => { if (!ok) lost = true }, () => {})
    }, Math.max(50, leaseMs / 3))
    let error: unknown = null
    try {
      await handler(job, { db, clock })
    } catch (err) {
      error = err ?? new Error('unknown error')
    } finally {
      clearInterval(heartbeat)
    }
    if (lost) return
    const outcome = await settle(job, error)
    if (error !== null) opts.log?.error({ err: error, job: job.id, queue: job.queue, outcome }, 'job failed')
    opts.onSettled?.(job, outcome)
  }

  async function runDue(): Promise<number> {
    let ran = 0
    for (;;) {
      const jobs = await claim(concurrency)
      if (jobs.length === 0) return ran
      await Promise.all(jobs.map(run))
      ran += jobs.length
    }
  }

  async function work(): Promise<void> {
    let recurringEnsured = false
    let failures = 0
    while (!stopping) {
      let ran = 0
      try {
        // Inside the loop: a database that is down when the runner starts is waited for, not fatal.
        if (!recurringEnsured) {
          for (const queue of Object.keys(recurring)) if (queue in handlers) await ensureRecurring(db, queue)
          recurringEnsured = true
        }
        ran = await runDue()
        failures = 0
      } catch (err) {
        failures++
        opts.log?.error({ err }, 'job runner: claim failed')
      }
      if (ran === 0 && !stopping) {
        // While the database is away, poll less and less often (up to 10 s) instead of logging every second.
        const wait = failures === 0 ? pollMs : Math.min(10_000, pollMs * 2 ** Math.min(failures, 10))
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, wait)
          wake = () => { clearTimeout(t); resolve() }
        })
        wake = null
      }
    }
  }

  return {
    runDue,
    start() {
      if (loop) return
      stopping = false
      loop = work().catch((err) => opts.log?.error({ err }, 'job runner stopped'))
    },
    wake() { wake?.() },
    async stop() {
      stopping = true
      wake?.()
      await loop
      loop = null
    },
  }
}

