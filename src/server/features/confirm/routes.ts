import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

export const confirmRoutes: FastifyPluginAsyncTypebox = async () => {}
