import type { FastifyInstance } from 'fastify'
import type { Channel } from '../../../../domain/warnings/delivery.js'
import { adaptersFor, closeAdapters } from '../../../channels/index.js'
import type { ChannelAdapter } from '../../../channels/types.js'
import type { Clock } from '../../../jobs/clock.js'
import { connectionStringOf, type Db } from '../../../db/database.js'
import { startWorkerInstance, type WorkerInstance } from '../../../jobs/instance.js'
import { JOBS_TOPIC } from '../../../jobs/queue.js'
import { createRunner, type JobHandler, type Runner } from '../../../jobs/runner.js'
import { closeOut, type ClosePayload } from './close.js'
import { createDispatcher, type Dispatcher } from './dispatch.js'
import { fanOut, type FanoutPayload } from './fanout.js'
import { ladderTick } from './ladder.js'
import { CLOSE_QUEUE, DELIVERIES_TOPIC, FANOUT_QUEUE, LADDER_QUEUE } from './pipeline.js'

/** How often the ladder looks for recipients whose next step is due. */
export const LADDER_TICK_MS = 5000

/** The warning pipeline's jobs. */
export function warningJobHandlers(): Record<string, JobHandler> {
  return {
    [FANOUT_QUEUE]: async (job, { db, clock }) => { await fanOut(db, clock, job.payload as FanoutPayload) },
    [CLOSE_QUEUE]: async (job, { db, clock }) => { await closeOut(db, clock, job.payload as ClosePayload) },
    [LADDER_QUEUE]: async (_job, { db, clock }) => { await ladderTick(db, clock) },
  }
}

export type WarningEngine = { runner: Runner; dispatcher: Dispatcher }

/** The job runner and the delivery dispatcher over one database, clock and set of channel adapters. */
export function warningEngine(deps: {
  db: Db
  clock: Clock
  publicBaseUrl: string
  adapters: Map<Channel, ChannelAdapter>
  instance?: WorkerInstance
  log?: { error: (obj: object, msg: string) => void }
}): WarningEngine {
  const dispatcher = createDispatcher({
    db: deps.db, clock: deps.clock, publicBaseUrl: deps.publicBaseUrl, adapters: deps.adapters, instance: deps.instance, log: deps.log,
  })
  const runner = createRunner({
    db: deps.db,
    clock: deps.clock,
    handlers: warningJobHandlers(),
    recurring: { [LADDER_QUEUE]: LADDER_TICK_MS },
    log: deps.log,
    // New deliveries are waiting: no need to wait for the dispatcher's next poll.
    onSettled: () => dispatcher.wake(),
  })
  return { runner, dispatcher }
}

/**
 * Starts this instance's share of the background work (job queue, delivery dispatcher, ladder)
 * and returns how to stop it. Several instances may run it side by side: jobs and deliveries
 * are claimed under leases with SKIP LOCKED.
 */
export async function startWarningWorkers(app: FastifyInstance): Promise<() => Promise<void>> {
  const adapters = adaptersFor(app.channels, { db: app.db, clock: app.clock })
  const url = connectionStringOf(app.db)
  const instance = url === null ? undefined : await startWorkerInstance(url, app.log)
  const { runner, dispatcher } = warningEngine({
    db: app.db, clock: app.clock, publicBaseUrl: app.channels.publicBaseUrl, adapters, instance, log: app.log,
  })
  // LISTEN/NOTIFY: work queued by any instance wakes this one at once; polling is the fallback.
  const unsubscribe = [
    app.events.subscribe(JOBS_TOPIC, () => runner.wake()),
    app.events.subscribe(DELIVERIES_TOPIC, () => dispatcher.wake()),
  ]
  runner.start()
  dispatcher.start()
  return async () => {
    for (const off of unsubscribe) off()
    await runner.stop()
    await dispatcher.stop()
    // Last: once nothing of ours is in flight, the row and the lock can go.
    await instance?.close()
    closeAdapters(adapters)
  }
}
