import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'kysely'
import { Type } from 'typebox'
import { demoPresent } from '../demo/presence.js'

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  database: Type.Object({
    ok: Type.Boolean(),
    embedded: Type.Boolean(),
    version: Type.Optional(Type.String()),
    error: Type.Optional(Type.String()),
  }),
  demo: Type.Optional(Type.Boolean({ description: '含演示数据：每个页面顶部显示“演示数据”提示条' })),
})

export const healthRoutes: FastifyPluginAsyncTypebox<{ embedded: boolean }> = async (app, opts) => {
  app.get('/', {
    config: { public: true },
    schema: { tags: ['系统'], summary: '健康检查：服务与数据库状态', response: { 200: Health, 503: Health } },
  }, async (_req, reply) => {
    try {
      const { rows } = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(app.db)
      // Public like the rest of health: the login page shows the banner too, before anyone signs in.
      const demo = await demoPresent(app.db)
      return { status: 'ok' as const, database: { ok: true, embedded: opts.embedded, version: rows[0].v }, demo }
    } catch (err) {
      return reply.status(503).send({ status: 'degraded', database: { ok: false, embedded: opts.embedded, error: '数据库不可用' } })
    }
  })
}
