import type { FastifyInstance } from 'fastify'
import type { Channel } from '../../domain/warnings/delivery.js'
import { adaptersFor, closeAdapters } from '../channels/index.js'
import type { ChannelAdapter } from '../channels/types.js'
import { ladderTick } from '../features/warnings/delivery/ladder.js'
import { warningEngine } from '../features/warnings/delivery/workers.js'

/**
 * Test helper: runs due jobs, the ladder and the dispatcher until nothing is due at
 * app.clock.now(). Step the fake clock and call it again to move the ladder on. Adapters default
 * to the app's configured channels (loopback peers in tests).
 */
export async function runUntilIdle(app: FastifyInstance, adapters?: Map<Channel, ChannelAdapter>): Promise<void> {
  const own = adapters ? null : adaptersFor(app.channels, { db: app.db, clock: app.clock })
  const { runner, dispatcher } = warningEngine({
    db: app.db, clock: app.clock, publicBaseUrl: app.channels.publicBaseUrl, adapters: adapters ?? own!,
  })
  try {
    for (let round = 0; round < 100; round++) {
      const jobs = await runner.runDue()
      const moved = await ladderTick(app.db, app.clock)
      const sent = await dispatcher.drain()
      if (jobs + moved + sent === 0) return
    }
    throw new Error('runUntilIdle: still busy after 100 rounds')
  } finally {
    if (own) closeAdapters(own)
  }
}
