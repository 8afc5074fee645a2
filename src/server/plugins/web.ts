import fs from 'node:fs'
import path from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'

/**
 * Serves the built web app from `dist/web`; unknown non-API paths get index.html so that the
 * browser router can take them. Absent a build (tests of the API alone) it serves nothing.
 */
export async function webPlugin(app: FastifyInstance, opts: { root: string }) {
  if (!fs.existsSync(path.join(opts.root, 'index.html'))) return
  await app.register(async (web) => {
    // The app's files are public (the login page must load); @fastify/static adds routes of its
    // own, so mark every route of this plugin public as it is added.
    web.addHook('onRoute', (route) => { route.config = { ...(route.config as object), public: true } })
    await web.register(fastifyStatic, { root: opts.root, wildcard: false, index: 'index.html' })
    web.get('/*', { schema: { hide: true } }, (req, reply) => {
      if (req.url.startsWith('/api/')) {
        return reply.status(404).send({ code: 'NO_ROUTE', message: `接口不存在：${req.method} ${req.url.split('?')[0]}`, details: [] })
      }
      return reply.sendFile('index.html')
    })
  })
}
