import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * Browser security headers on every response: API replies, the web app's files, errors, 404s
 * and the server-sent event streams (which hijack the reply, so the headers go onto the raw
 * response where any later writeHead still carries them, and a route that sets one of its own
 * still wins).
 *
 * The Content-Security-Policy is the one the built web app runs under: scripts only from our
 * own files (the Vite build has no inline script); styles also inline, because antd writes its
 * CSS-in-JS into <style> elements at run time — for styles only, never for scripts; MapLibre's
 * worker is our own file and its images are blob: and data: URLs; tiles of 天地图 and of the
 * XYZ template are fetched from their hosts when those basemaps are configured.
 */

export type SecurityHeadersOptions = {
  /** Where the basemap settings come from (SHOUWANG_TIANDITU_TK, SHOUWANG_XYZ_TEMPLATE). */
  env?: NodeJS.ProcessEnv
}

// 天地图 serves its tiles from t0 … t7.tianditu.gov.cn (see the web's map-style.ts).
const TIANDITU_HOSTS = 'https://*.tianditu.gov.cn'

/**
 * The CSP source of an XYZ template such as `https://tiles.example/{z}/{x}/{y}.png`: its origin,
 * with a placeholder in the first label of the host as a wildcard. A template on our own origin
 * (a relative path) needs nothing beyond 'self'; one that is not a URL adds nothing.
 */
export function xyzSource(template: string): string | null {
  const m = /^(https?):\/\/([^/?#]+)/i.exec(template.trim())
  if (!m) return null
  const [, scheme, authority] = m
  const wildFirst = authority.replace(/^\{[^}]*\}(?=\.)/, '*')
  if (/[{}\s'";,]/.test(wildFirst)) return null
  return `${scheme.toLowerCase()}://${wildFirst.toLowerCase()}`
}

/** Hosts the browser fetches basemap tiles from, as CSP sources. */
export function tileSources(env: NodeJS.ProcessEnv): string[] {
  const sources: string[] = []
  if (env.SHOUWANG_TIANDITU_TK?.trim()) sources.push(TIANDITU_HOSTS)
  const xyz = env.SHOUWANG_XYZ_TEMPLATE?.trim()
  const source = xyz ? xyzSource(xyz) : null
  if (source) sources.push(source)
  return sources
}

export function contentSecurityPolicy(env: NodeJS.ProcessEnv): string {
  const tiles = tileSources(env).join(' ')
  const directives: Array<[string, string]> = [
    ['default-src', "'self'"],
    ['script-src', "'self'"],
    ['style-src', "'self' 'unsafe-inline'"],
    ['img-src', `'self' data: blob: ${tiles}`],
    ['font-src', "'self' data:"],
    // The API, the event streams, and MapLibre's tile requests.
    ['connect-src', `'self' ${tiles}`],
    ['worker-src', "'self' blob:"],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'self'"],
    ['frame-ancestors', "'none'"],
  ]
  return directives.map(([name, value]) => `${name} ${value.trim()}`).join('; ')
}

/**
 * Confirm links carry their token in the path (/c/:token): those pages and the API they call
 * send no referrer at all. Elsewhere other sites learn our origin at most, never a path.
 */
function referrerPolicy(url: string): string {
  return url.startsWith('/c/') || url.startsWith('/api/confirm/') ? 'no-referrer' : 'strict-origin-when-cross-origin'
}

/** The headers every response carries, for the plugin and for replies made before any hook runs. */
export function securityHeaders(env: NodeJS.ProcessEnv = process.env): (url: string) => Record<string, string> {
  const fixed: Record<string, string> = {
    'content-security-policy': contentSecurityPolicy(env),
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    // Nothing in the app uses these; a page injected into ours cannot either.
    // Geolocation stays allowed for our own pages: a field worker may search from where they stand.
    'permissions-policy': 'camera=(), microphone=(), geolocation=(self), payment=(), usb=(), accelerometer=(), gyroscope=(), magnetometer=()',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  }
  return (url) => ({ ...fixed, 'referrer-policy': referrerPolicy(url) })
}

export const securityHeadersPlugin = fp(async (app: FastifyInstance, opts: SecurityHeadersOptions) => {
  const headersFor = securityHeaders(opts.env ?? process.env)
  app.addHook('onRequest', async (req, reply) => {
    for (const [name, value] of Object.entries(headersFor(req.url))) reply.raw.setHeader(name, value)
  })
})
