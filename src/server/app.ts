import path from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyCookie from '@fastify/cookie'
import fastifySwagger from '@fastify/swagger'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type RouteOptions } from 'fastify'
import { channelsOff, type ChannelConfig } from './channels/config.js'
import { connectionStringOf, type Db } from './db/database.js'
import { createEventBus, type EventBus } from './events/bus.js'
import { createRefusalRecorder, type RefusalRecorder } from './features/audit/refusals.js'
import { auditRoutes } from './features/audit/routes.js'
import { authRoutes } from './features/auth/routes.js'
import { groupsRoutes } from './features/directory/groups/routes.js'
import { peopleRoutes } from './features/directory/people/routes.js'
import { unitsRoutes } from './features/directory/units/routes.js'
import { confirmRoutes } from './features/confirm/routes.js'
import { gatewayRoutes } from './features/gateway/routes.js'
import { healthRoutes } from './features/health/routes.js'
import { inboxRoutes } from './features/inbox/routes.js'
import { recoverStaleImports } from './features/ledgers/import-cleanup.js'
import { ledgersRoutes } from './features/ledgers/routes.js'
import { linkageRoutes } from './features/linkage/routes.js'
import { mapRoutes } from './features/map/routes.js'
import { nearestRoutes } from './features/nearest/routes.js'
import { regionsRoutes } from './features/regions/routes.js'
import { agreementsRoutes } from './features/resources/agreements-routes.js'
import { expertGroupsRoutes } from './features/resources/expert-groups-routes.js'
import { resourcesRoutes } from './features/resources/routes.js'
import { rollupRoutes } from './features/rollup/routes.js'
import { settingsRoutes } from './features/settings/routes.js'
import { supplyClassesRoutes } from './features/supplies/classes-routes.js'
import { suppliesRoutes } from './features/supplies/routes.js'
import { rolesRoutes, usersRoutes } from './features/users/routes.js'
import { capRoutes } from './features/warnings/cap/routes.js'
import { warningsRoutes } from './features/warnings/routes.js'
import { startWarningWorkers } from './features/warnings/delivery/workers.js'
import { systemClock, type Clock } from './jobs/clock.js'
import { authPlugin } from './plugins/auth.js'
import { errorsPlugin } from './plugins/errors.js'
import { buildValidator, unschemedPartsPlugin } from './plugins/validation.js'
import { securityHeaders, securityHeadersPlugin } from './plugins/security-headers.js'
import { webPlugin } from './plugins/web.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Db
    /** Time for the ladder and the job queue; tests pass a fake clock. */
    clock: Clock
    /** Gateways and servers of the delivery channels. */
    channels: ChannelConfig
    /** Live events (LISTEN/NOTIFY) for SSE streams: `app.events.subscribe(topic, listener)`. */
    events: EventBus
    /** Refused attempts into the audit log, rate-limited per kind and address. */
    refusals: RefusalRecorder
    /** Every route as registered, for the OpenAPI check and the jurisdiction test that must cover them all. */
    routeList: RouteOptions[]
  }
}

export type AppOptions = {
  db: Db
  embedded: boolean
  sessionIdleMinutes?: number
  cookieSecure?: boolean
  logLevel?: string
  /** Built web app to serve; defaults to dist/web of the package. */
  webRoot?: string
  trustProxy?: boolean
  clock?: Clock
  channels?: ChannelConfig
  /** Run this instance's share of the job queue and delivery dispatcher (off in most tests). */
  workers?: boolean
}

const here = path.dirname(fileURLToPath(import.meta.url))

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const headersFor = securityHeaders()
  const app = Fastify({
    // A URL Fastify cannot decode (/api/%zz) is answered before any hook: same headers, Chinese message.
    frameworkErrors: (error, req, reply) => {
      reply.headers(headersFor(req.url ?? '/'))
      void (reply as { status: (n: number) => { send: (body: unknown) => unknown } }).status(400)
        .send({ code: 'BAD_URL', message: '请求地址格式不正确', details: [] })
    },
    logger: {
      level: opts.logLevel ?? 'info',
      // Query strings carry search terms such as phone numbers: keep them out of the log.
      serializers: { req: (req) => ({ id: req.id, method: req.method, url: req.url.split('?')[0], ip: req.ip }) },
    },
    trustProxy: opts.trustProxy ?? false,
    bodyLimit: 2 * 1024 * 1024,
    ajv: { customOptions: { verbose: true, coerceTypes: 'array', removeAdditional: false } },
    // Bodies without coercion, every part checked for non-finite numbers and NUL (plugins/validation.ts).
    schemaController: { compilersFactory: { buildValidator: buildValidator() } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.decorate('db', opts.db)
  app.decorate('clock', opts.clock ?? systemClock)
  app.decorate('channels', opts.channels ?? channelsOff())
  app.decorate('refusals', createRefusalRecorder(opts.db, (e) => app.log.error({ err: e }, 'recording a refusal failed')))
  app.decorate('events', createEventBus(connectionStringOf(opts.db), app.log))
  app.addHook('onReady', async () => { await app.events.start() })
  // Imports a killed process left 'parsing' are given up (all of them when the database is ours alone).
  app.addHook('onReady', async () => { await recoverStaleImports(app.db, { atStart: opts.embedded }) })
  // preClose, not onClose: open SSE streams must end before the HTTP server waits for them.
  app.addHook('preClose', async () => { await app.events.close() })
  const routeList: RouteOptions[] = []
  app.decorate('routeList', routeList)
  app.addHook('onRoute', (route) => { routeList.push(route) })
  await app.register(securityHeadersPlugin)
  await app.register(errorsPlugin)
  await app.register(unschemedPartsPlugin)
  await app.register(fastifyCookie)
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: '守望 基层应急管理平台 API', version: '0.1.0', description: '所有接口按登录用户的辖区（区划代码前缀）在服务端限定数据范围。' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'sw_session' } } },
      security: [{ session: [] }],
    },
  })
  await app.register(authPlugin, { idleMinutes: opts.sessionIdleMinutes ?? 30 })

  // Every capability, in one visible list.
  const features: Array<[string, FastifyPluginAsync<any>, object?]> = [
    ['/api/health', healthRoutes, { embedded: opts.embedded }],
    ['/api/auth', authRoutes, { cookieSecure: opts.cookieSecure ?? false }],
    ['/api/regions', regionsRoutes],
    ['/api/users', usersRoutes],
    ['/api/roles', rolesRoutes],
    ['/api/audit', auditRoutes],
    ['/api/units', unitsRoutes],
    ['/api/people', peopleRoutes],
    ['/api/leading-groups', groupsRoutes],
    ['/api/rollup', rollupRoutes],
    ['/api/supplies', suppliesRoutes],
    ['/api/supply-classes', supplyClassesRoutes],
    ['/api/resources', resourcesRoutes],
    ['/api/agreements', agreementsRoutes],
    ['/api/expert-groups', expertGroupsRoutes],
    ['/api/ledgers', ledgersRoutes],
    ['/api/map', mapRoutes],
    ['/api/nearest', nearestRoutes],
    ['/api/linkage', linkageRoutes],
    ['/api/warnings', warningsRoutes],
    ['/api/warnings', capRoutes],
    ['/api/inbox', inboxRoutes],
    ['/api/confirm', confirmRoutes],
    ['/api/gateway', gatewayRoutes],
    ['/api/settings', settingsRoutes],
  ]
  for (const [prefix, routes, options] of features) await app.register(routes, { prefix, ...options })

  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, () => app.swagger())
  await webPlugin(app, { root: opts.webRoot ?? path.resolve(here, '../../dist/web') })

  if (opts.workers) {
    let stop: (() => Promise<void>) | null = null
    app.addHook('onReady', async () => { stop = await startWarningWorkers(app) })
    // Registered after the database drop of test apps, so it runs first: stop working, then drop.
    app.addHook('preClose', async () => { await stop?.() })
  }
  return app
}
