import crypto from 'node:crypto'
import type { FastifyInstance, InjectOptions, RouteOptions } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storedCallbackSecret } from './features/gateway/secret.js'
import { SIGNATURE_HEADER, signCallback } from './features/gateway/signature.js'
import { confirmSecret } from './features/warnings/delivery/tokens.js'
import { signIn, testApp } from './testing/test-app.js'
import { insertDelivery, insertPerson, insertRecipient, insertWarning } from './testing/warning-rows.js'

/**
 * What a stranger can do without credentials: call EVERY public route (config.public: login,
 * health, the OpenAPI document, confirm links, gateway callbacks) and every gateway route, with
 * bodies that would do real harm if taken (an SMS reply "1" from a real recipient's number, a
 * receipt for a real delivery, a confirm link for a real recipient signed with a guessed key),
 * and change nothing: the rows of warnings, recipients, deliveries, sessions and accounts are
 * the same afterwards. Routes are taken from the running app, so a route made public tomorrow is
 * walked too (with a body generated from its schema when none is written here).
 */

let app: FastifyInstance
let target: { warningId: number; personId: number; mobile: string; sms: string; call: string; username: string }

type Json = Record<string, any>

// Rows an anonymous caller must never change. A wrong password does count towards the account's
// lock-out (failed_logins, locked_until), by design; refusals land in the audit log, also by design.
const WATCHED = [
  'warning', 'warning_recipient', 'warning_step', 'delivery', 'door_knock_task', 'inbound_message',
  'session', 'app_user', 'person', 'setting', 'job',
] as const
const LOCKOUT_COLUMNS = ['failedLogins', 'lockedUntil']

async function snapshot(): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {}
  for (const table of WATCHED) {
    const { rows } = await sql<Json>`select * from ${sql.table(table)} order by 1`.execute(app.db)
    out[table] = rows.map((r) => (table === 'app_user' ? Object.fromEntries(Object.entries(r).filter(([k]) => !LOCKOUT_COLUMNS.includes(k))) : r))
  }
  return out
}

/** A confirm link for the real recipient, well-formed, signed with a key that is not the server's. */
function forgedConfirmToken(): string {
  const body = [target.warningId, target.personId, 1, Math.floor(Date.now() / 1000) + 86_400].map((n) => n.toString(36)).join('.')
  const sig = crypto.createHmac('sha256', 'guessed-key').update(body).digest().subarray(0, 16).toString('base64url')
  return `${body}.${sig}`
}

/** A value satisfying `schema`, for public routes added after this file was written. */
function sample(schema: Json | undefined): unknown {
  if (!schema) return undefined
  if (schema.const !== undefined) return schema.const
  if (schema.enum) return schema.enum[0]
  const choice = schema.anyOf ?? schema.oneOf
  if (choice) return sample(choice.find((s: Json) => s.type !== 'null') ?? choice[0])
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type
  switch (type) {
    case 'object':
      return Object.fromEntries((schema.required ?? []).map((k: string) => [k, sample(schema.properties?.[k])]))
    case 'array':
      return Array.from({ length: schema.minItems ?? 1 }, () => sample(schema.items))
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, 1)
    case 'boolean':
      return true
    case 'string':
      if (schema.format === 'date-time') return new Date().toISOString()
      return 'x'.repeat(Math.max(schema.minLength ?? 1, 1))
    default:
      return undefined
  }
}

/** The harmful bodies a stranger would send, by route; others get one generated from the schema. */
function bodiesFor(method: string, url: string, schema: Json | undefined): unknown[] {
  const key = `${method} ${url}`
  if (key === 'POST /api/auth/login') return [{ username: target.username, password: 'Wrong-Passw0rd!' }, { username: 'nobody-here', password: 'Wrong-Passw0rd!' }]
  if (key === 'POST /api/gateway/sms/reply') {
    return [
      { id: 'walk-reply-1', from: target.mobile, text: '1' },
      { id: 'walk-reply-2', from: target.mobile, text: '收到', at: '2000-01-01T00:00:00Z' },
    ]
  }
  if (key === 'POST /api/gateway/sms/receipt') return [{ id: target.sms, status: 'delivered' }, { id: target.sms, status: 'failed', error: '空号' }, { id: 'made-up', status: 'delivered' }]
  if (key === 'POST /api/gateway/voice/result') return [{ id: target.call, result: 'confirmed', digits: '1' }, { id: target.call, result: 'no_answer' }]
  // The cloud providers' callbacks, as they would confirm the real recipient or settle the real deliveries.
  if (key === 'POST /api/gateway/aliyun/:token/sms-up') return [[{ phone_number: target.mobile, content: '1', send_time: '2026-07-20 10:05:00', sequence_id: 1 }]]
  if (key === 'POST /api/gateway/aliyun/:token/sms-report') return [[{ biz_id: target.sms, success: false, err_code: 'MK:0001' }]]
  if (key === 'POST /api/gateway/aliyun/:token/voice-report') return [[{ call_id: target.call, status_code: '200000', dtmf: '1' }]]
  if (key === 'POST /api/gateway/tencent/:token/sms-reply') return [{ mobile: target.mobile, nationcode: '86', text: '1', time: 1784513100 }]
  if (key === 'POST /api/gateway/tencent/:token/sms-status') return [[{ sid: target.sms, report_status: 'FAIL', errmsg: 'MK:0001' }]]
  if (key === 'POST /api/gateway/tencent/:token/voice') return [{ voicekey_callback: { callid: target.call, keypress: '1' } }]
  if (method === 'GET' || method === 'DELETE') return [undefined]
  return [sample(schema?.body) ?? {}]
}

let nextAddress = 0
/** Each request from its own address, so the per-address limit of refusal auditing never folds one. */
const freshAddress = () => `192.0.2.${++nextAddress}`

function requestsFor(route: RouteOptions): InjectOptions[] {
  const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => m !== 'HEAD')
  const url = route.url.replace(/:(\w+)/g, (_, p: string) => (p === 'token' ? forgedConfirmToken() : '1'))
  const schema = route.schema as Json | undefined
  return methods.flatMap((method) => bodiesFor(method, route.url, schema).flatMap((body): InjectOptions[] => {
    if (body === undefined) return [{ method: method as InjectOptions['method'], url, remoteAddress: freshAddress() }]
    const raw = JSON.stringify(body)
    // Gateway callbacks also with the signatures a stranger can make: none, empty, guessed keys.
    const signatures = route.url.startsWith('/api/gateway')
      ? [null, '', signCallback('', raw), signCallback('shouwang-demo-secret', raw), crypto.randomBytes(32).toString('hex')]
      : [null]
    return signatures.map((sig) => ({
      method: method as InjectOptions['method'],
      url,
      payload: raw,
      headers: { 'content-type': 'application/json', ...(sig === null ? {} : { [SIGNATURE_HEADER]: sig }) },
      remoteAddress: freshAddress(),
    }))
  }))
}

const walkedRoutes = () => app.routeList.filter((r) => r.config?.public || r.url.startsWith('/api/gateway'))

beforeAll(async () => {
  app = await testApp()
  const w = await insertWarning(app.db)
  const p = await insertPerson(app.db)
  await insertRecipient(app.db, w.id, p.id)
  await insertDelivery(app.db, { warningId: w.id, personId: p.id, channel: 'sms', providerId: 'walk-sms' })
  await insertDelivery(app.db, { warningId: w.id, personId: p.id, channel: 'voice', providerId: 'walk-call' })
  const admin = await signIn(app, { role: 'sysadmin', regionCode: '330500000000', username: 'walk-admin' })
  expect(admin.userId).toBeGreaterThan(0)
  // As at start-up: both secrets exist before anyone calls (they are made on first use).
  await storedCallbackSecret(app.db)
  await confirmSecret(app.db)
  target = { warningId: w.id, personId: p.id, mobile: p.mobile!, sms: 'walk-sms', call: 'walk-call', username: 'walk-admin' }
})
afterAll(async () => { await app.close() })

describe('public routes without credentials', () => {
  it('change nothing, whatever a stranger sends, and every refused callback is audited', async () => {
    const before = await snapshot()
    const walked = new Set<string>()
    const problems: string[] = []
    const callbackAddresses: string[] = []
    for (const route of walkedRoutes()) {
      for (const req of requestsFor(route)) {
        const res = await app.inject(req)
        walked.add(`${req.method} ${route.url}`)
        const what = `${req.method} ${req.url} ${typeof req.payload === 'string' ? req.payload.slice(0, 80) : ''}`
        if (res.statusCode >= 500) problems.push(`${what} → ${res.statusCode} ${res.body.slice(0, 200)}`)
        if (res.headers['set-cookie']) problems.push(`${what} → set a cookie`)
        if (route.url.startsWith('/api/gateway')) {
          callbackAddresses.push(req.remoteAddress!)
          if (res.statusCode !== 401) problems.push(`${what} → ${res.statusCode}, expected 401`)
        }
        if (route.url.startsWith('/api/confirm') && res.statusCode !== 400) problems.push(`${what} → ${res.statusCode}, expected 400`)
      }
    }
    expect(problems).toEqual([])
    for (const route of [
      'POST /api/auth/login', 'GET /api/health/', 'GET /api/openapi.json', 'GET /api/confirm/:token', 'POST /api/confirm/:token',
      'POST /api/gateway/sms/receipt', 'POST /api/gateway/sms/reply', 'POST /api/gateway/voice/result',
      'POST /api/gateway/aliyun/:token/sms-report', 'POST /api/gateway/aliyun/:token/sms-up', 'POST /api/gateway/aliyun/:token/voice-report',
      'POST /api/gateway/tencent/:token/sms-status', 'POST /api/gateway/tencent/:token/sms-reply', 'POST /api/gateway/tencent/:token/voice',
    ]) expect(walked).toContain(route)
    expect(await snapshot()).toEqual(before)

    const audited = await app.db.selectFrom('auditLog').select('ip')
      .where('action', '=', 'refused.callback').where('ip', 'in', callbackAddresses).execute()
    expect(audited.map((a) => a.ip).sort()).toEqual([...callbackAddresses].sort())
  })

  // The positive control, run last as it changes rows: the same bodies, signed with the
  // deployment's secret, do what they say, so the refusals above came from authentication.
  it('the same callbacks, signed with the deployment\'s secret, are taken', async () => {
    const secret = await storedCallbackSecret(app.db)
    const signed = (url: string, body: object) => {
      const raw = JSON.stringify(body)
      return app.inject({ method: 'POST', url, payload: raw, headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signCallback(secret, raw) } })
    }
    expect((await signed('/api/gateway/sms/receipt', { id: target.sms, status: 'delivered' })).json()).toEqual({ outcome: 'delivered' })
    expect((await signed('/api/gateway/sms/reply', { id: 'walk-reply-1', from: target.mobile, text: '1' })).json()).toEqual({ outcome: 'acknowledged' })
    const r = await app.db.selectFrom('warningRecipient').select('state')
      .where('warningId', '=', target.warningId).where('personId', '=', target.personId).executeTakeFirstOrThrow()
    expect(r.state).toBe('acknowledged')
  })
})
