import crypto from 'node:crypto'
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import type { Permission } from '../../domain/auth/roles.js'
import { scopeOf, type Scope } from '../db/scope.js'
import { AppError, forbidden } from '../errors.js'
import type { Actor } from '../features/audit/record.js'
import { lookupSession, SESSION_COOKIE, type SignedInUser } from '../features/auth/sessions.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for every route but public ones; absent only where `config.public` is true. */
    user: SignedInUser
    /** The signed-in user's jurisdiction. Every query of a scoped table takes it. */
    scope: Scope
    actor: Actor
    /** The CSRF token of this request's own session (not of the account's other sessions). */
    csrfToken: string
  }
  interface FastifyContextConfig {
    /** Reachable without signing in (login, health, the web app's files). */
    public?: boolean
  }
  interface FastifyInstance {
    /** preHandler that refuses unless the user's role has the permission. */
    can: (permission: Permission) => preHandlerAsyncHookHandler
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** All an account may do while it still has the one-time password an administrator was given. */
const WHILE_PASSWORD_CHANGE_DUE = new Set(['GET /api/auth/me', 'POST /api/auth/password', 'POST /api/auth/logout'])

export function actorOf(req: FastifyRequest): Actor {
  return { id: req.user?.id ?? null, name: req.user ? `${req.user.displayName}（${req.user.username}）` : '匿名', ip: req.ip }
}

/**
 * Authentication, jurisdiction and CSRF for every route in one hook, so no route can forget them.
 * A route opts out only with `config: { public: true }`.
 */
export const authPlugin = fp(async (app: FastifyInstance, opts: { idleMinutes: number }) => {
  app.decorateRequest('user', null as unknown as SignedInUser)
  app.decorateRequest('scope', null as unknown as Scope)
  app.decorateRequest('actor', null as unknown as Actor)
  app.decorateRequest('csrfToken', '')

  app.addHook('onRequest', async (req) => {
    if (req.routeOptions.config?.public) {
      req.actor = actorOf(req)
      return
    }
    // Unknown URLs fall through to the 404 handler without revealing whether a session exists.
    if (!req.routeOptions.url) return
    const token = req.cookies[SESSION_COOKIE]
    if (!token) throw new AppError('UNAUTHENTICATED', 401, '请先登录')
    const found = await lookupSession(app.db, token, opts.idleMinutes)
    if (found.state === 'expired') throw new AppError('SESSION_EXPIRED', 401, '登录已超时，请重新登录')
    if (found.state === 'none') throw new AppError('UNAUTHENTICATED', 401, '请先登录')
    // Who it is first, so that a refused write is audited under the account it came from.
    req.user = found.user
    req.scope = scopeOf(found.user.regionCode)
    req.actor = actorOf(req)
    req.csrfToken = found.csrfToken
    if (!SAFE_METHODS.has(req.method)) {
      const sent = req.headers['x-csrf-token']
      if (typeof sent !== 'string' || !safeEqual(sent, found.csrfToken)) {
        throw new AppError('CSRF', 403, '请求缺少有效的防伪令牌，请刷新页面后重试')
      }
    }
    // The administrator who created or reset the account knows that password; until its owner
    // replaces it, nothing done with it can be told apart from what the administrator did.
    if (found.mustChangePassword && !WHILE_PASSWORD_CHANGE_DUE.has(`${req.method} ${req.routeOptions.url}`)) {
      throw new AppError('PASSWORD_CHANGE_REQUIRED', 403, '请先修改初始口令')
    }
  })

  app.decorate('can', (permission: Permission): preHandlerAsyncHookHandler => async (req) => {
    if (!req.user?.permissions.includes(permission)) throw forbidden()
  })
})

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && crypto.timingSafeEqual(x, y)
}
