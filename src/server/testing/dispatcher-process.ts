/**
 * A server instance reduced to its delivery dispatcher, run as its own process so that a test
 * can kill it with SIGKILL mid-send. Reads the database and the SMS gateway from the environment.
 * It registers as a worker instance like a server does, so its death is seen at once.
 */
import { smsAdapter } from '../channels/sms.js'
import { createDb } from '../db/database.js'
import { createDispatcher } from '../features/warnings/delivery/dispatch.js'
import { systemClock } from '../jobs/clock.js'
import { startWorkerInstance } from '../jobs/instance.js'

const db = createDb(process.env.DISPATCHER_DB_URL!, 4)
const instance = await startWorkerInstance(process.env.DISPATCHER_DB_URL!)
const dispatcher = createDispatcher({
  db,
  clock: systemClock,
  publicBaseUrl: 'http://shouwang.test',
  adapters: new Map([['sms', smsAdapter({ url: process.env.DISPATCHER_SMS_URL!, token: null, timeoutMs: 60_000 })]]),
  leaseMs: Number(process.env.DISPATCHER_LEASE_MS ?? 1500),
  concurrency: { sms: 10 },
  instance,
})
dispatcher.start()
console.log(`dispatching as instance ${instance.id}`)
