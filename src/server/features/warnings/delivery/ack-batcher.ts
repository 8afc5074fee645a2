import type { Kysely } from 'kysely'
import type { Database } from '../../../db/types.js'
import { acknowledgeMany, markFullyConfirmed, type AckInput, type AckOutcome } from './ack.js'

export type AckBatcher = {
  acknowledge(input: AckInput): Promise<AckOutcome | 'not_recipient'>
  /** Applies what is waiting and refuses new work. */
  close(): Promise<void>
}

type Waiting = { input: AckInput; resolve: (o: AckOutcome | 'not_recipient') => void; reject: (e: unknown) => void }

/**
 * Group commit for confirmations. After a province-wide warning thousands of people tap their
 * links within minutes; each confirmation alone is a handful of statements and a commit, and the
 * commits are what cost. Confirmations arriving within a few milliseconds of each other are
 * applied together by acknowledgeMany in one transaction, and each caller still gets its own
 * outcome. A lone confirmation waits at most `maxWaitMs`.
 */
export function createAckBatcher(db: Kysely<Database>, opts: { maxBatch?: number; maxWaitMs?: number; parallel?: number } = {}): AckBatcher {
  const maxBatch = opts.maxBatch ?? 500
  const maxWaitMs = opts.maxWaitMs ?? 5
  const parallel = opts.parallel ?? 2
  let queue: Waiting[] = []
  let timer: NodeJS.Timeout | null = null
  let running = 0
  let closed = false
  const inFlight = new Set<Promise<void>>()

  function schedule() {
    if (queue.length === 0 || running >= parallel) return
    // Waiting only pays while the database is idle; with a batch in flight the queue fills anyway.
    if (queue.length >= maxBatch || closed || running > 0) return void flush()
    timer ??= setTimeout(() => { timer = null; flush() }, maxWaitMs)
  }

  function flush() {
    if (timer) { clearTimeout(timer); timer = null }
    if (queue.length === 0 || running >= parallel) return
    const batch = queue.slice(0, maxBatch)
    queue = queue.slice(batch.length)
    running++
    const p = acknowledgeMany(db, batch.map((w) => w.input))
      .then(async (outcomes) => {
        // Two batches committing together each still see the other's people as unconfirmed, so
        // neither notices 100%; asked again after commit, the later one does.
        const confirmed = new Set(batch.filter((_, i) => outcomes[i] === 'acknowledged').map((w) => w.input.warningId))
        for (const warningId of confirmed) await markFullyConfirmed(db, warningId).catch(() => false) // the ladder tick asks again
        batch.forEach((w, i) => w.resolve(outcomes[i]))
      })
      // A failed batch (a deadlock, a lost connection) is retried one by one, so one bad row cannot fail the rest.
      .catch(() => Promise.all(batch.map((w) => acknowledgeMany(db, [w.input]).then(([o]) => w.resolve(o), w.reject))))
      .then(() => undefined)
      .finally(() => { running--; inFlight.delete(p); schedule() })
    inFlight.add(p)
    schedule()
  }

  return {
    acknowledge(input) {
      if (closed) return acknowledgeMany(db, [input]).then(([o]) => o)
      return new Promise((resolve, reject) => {
        queue.push({ input, resolve, reject })
        schedule()
      })
    },
    async close() {
      closed = true
      while (queue.length > 0 || inFlight.size > 0) {
        flush()
        await Promise.all(inFlight)
      }
    },
  }
}
