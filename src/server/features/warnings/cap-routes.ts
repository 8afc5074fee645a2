import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

export const capRoutes: FastifyPluginAsyncTypebox = async () => {}
