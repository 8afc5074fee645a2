import type { FastifyInstance } from 'fastify'

/**
 * Starts this instance's share of the background work (job queue, delivery dispatcher, ladder)
 * and returns how to stop it. Several instances may run it side by side.
 */
export async function startWarningWorkers(_app: FastifyInstance): Promise<() => Promise<void>> {
  return async () => {}
}
