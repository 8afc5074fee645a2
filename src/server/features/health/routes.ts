import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'kysely'
import { Type } from 'typebox'

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  database: Type.Object({
    ok: Type.Boolean(),
    embedded: Type.Boolean(),
    version: Type.Optional(Type.String()),
    error: Type.Optional(Type.String()),
  }),
})

export const healthRoutes: FastifyPluginAsyncTypebox<{ embedded: boolean }> = async (app, opts) => {
  app.get('/', {
    config: { public: true },
    schema: { tags: ['系统'], summary: '健康检查：服务与数据库状态', response: { 200: Health, 503: Health } },
  }, async (_req, reply) => {
    try {
      const { rows } = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(app.db)
      return { status: 'ok' as const, database: { ok: true, embedded: opts.embedded, version: rows[0].v } }
    } catch (err) {
      return reply.status(503).send({ status: 'degraded', database: { ok: false, embedded: opts.embedded, error: '数据库不可用' } })
    }
  })
}
