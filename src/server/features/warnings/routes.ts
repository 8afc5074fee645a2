import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

export const warningsRoutes: FastifyPluginAsyncTypebox = async () => {}
