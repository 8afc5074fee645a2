import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

export const linkageRoutes: FastifyPluginAsyncTypebox = async () => {}
