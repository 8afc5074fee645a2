import type { FastifyInstance, RouteOptions } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seededRandom } from '../domain/seeded-random.js'
import { signIn, testApp, type Session } from './testing/test-app.js'

/**
 * Hostile input on every route: malformed and deeply nested JSON, NUL bytes, non-finite and huge
 * numbers, numbers and booleans where text goes, 100k-character strings, odd multipart bodies.
 * No answer may be a 5xx, and a refused request may leave no row behind.
 *
 * Routes, parameters and body fields come from the running app (its route list and schemas),
 * like jurisdiction.test.ts, so a new route or field is covered the day it is registered. Some
 * sweeps are exhaustive but cheap, being refused at validation (NUL in every text field, "1e999"
 * in every number field, deep and malformed JSON to every body, odd multipart to every upload);
 * the rest is a seeded sample of a few cases per route. About two thousand requests in all,
 * well under a minute.
 */

const OWN_COUNTY = '330502000000' // 吴兴区
const OWN_TOWNSHIP = '330502001000'
const CITY = '330500000000'
const SEED = 20_261_201
const SAMPLED_PER_ROUTE = 4

type Json = Record<string, any>
type Leaf = { path: string[]; schema: Json }
type Request = { method: string; url: string; payload?: string | Buffer; headers?: Record<string, string> }
type Case = { route: string; what: string; request: Request }

let app: FastifyInstance
let county: Session
let admins: Session[]
let ids: Record<string, number>
const random = seededRandom(SEED)

// Streams never end on their own; only their parameters are checked, which fails fast.
const STREAM = /\/(events|stream)$/
// Ends the session every other request rides on.
const SKIPPED = new Set(['POST /api/auth/logout'])

async function ok(res: { statusCode: number; body: string; json: () => any }, what: string): Promise<Json> {
  if (res.statusCode >= 300) throw new Error(`${what}: ${res.statusCode} ${res.body}`)
  return res.json()
}

/** A few records in the caller's own county, so path parameters lead somewhere. */
async function seed(): Promise<Record<string, number>> {
  const post = async (url: string, payload: Json) => ok(await county.request({ method: 'POST', url, payload }), url)
  const unit = await post('/api/units', { regionCode: OWN_TOWNSHIP, name: '织里镇应急站', kind: 'township_station' })
  const person = await post('/api/people', { regionCode: OWN_TOWNSHIP, unitId: unit.id, name: '沈一', post: '站长', mobile: '13857200001', roles: ['head'] })
  const group = await post('/api/leading-groups', { regionCode: OWN_COUNTY, name: '吴兴区应急领导小组' })
  const team = await post('/api/resources/team', {
    regionCode: OWN_TOWNSHIP, name: '综合应急救援队', responsiblePersonId: person.id,
    detail: { level: 'township', teamType: 'grassroots', specialities: ['综合'], headcount: 35, insured: true },
  })
  const storage = await post('/api/resources/storage_point', { regionCode: OWN_TOWNSHIP, name: '物资储备点', liaisonPersonId: person.id, detail: { storageKind: 'point' } })
  const supplier = await post('/api/resources/supplier', { regionCode: OWN_COUNTY, name: '保供超市', detail: {} })
  const agreement = await post('/api/agreements', { supplierId: supplier.id, itemName: '矿泉水', quantity: 100, unit: '箱', startsOn: '2026-01-01', endsOn: '2026-12-31' })
  const supply = await post('/api/supplies', { regionCode: OWN_TOWNSHIP, name: '救生衣', unit: '件', quantity: 50, storagePointId: storage.id })
  const linkage = await post('/api/linkage/groups', { regionCode: OWN_COUNTY, name: '防汛责任人', roles: ['head'], subtree: true })
  const warning = await post('/api/warnings', {
    regionCode: OWN_COUNTY, eventClass: 'natural', eventType: '暴雨', level: 3, headline: '暴雨黄色预警', description: '将有大暴雨',
    instruction: '责任人上岗到位', areaDesc: '织里镇', senderName: '吴兴区应急管理局', onset: new Date().toISOString(),
    target: { regions: [OWN_TOWNSHIP], polygons: [], circles: [], roles: [], groupIds: [] }, channels: ['inapp'],
  })
  // User routes act on an account nobody signs in with: a password reset ends that user's sessions.
  const bystander = await signIn(app, { role: 'viewer', regionCode: OWN_COUNTY })
  const ledger = await app.db.insertInto('ledgerImport').values({
    annex: 'annex4', fileName: '物资.xlsx', fileSha256: '0'.repeat(64), regionCode: OWN_TOWNSHIP, status: 'previewed',
  }).returning('id').executeTakeFirstOrThrow()
  return {
    unit: unit.id, person: person.id, group: group.id, team: team.id, storage_point: storage.id, supplier: supplier.id,
    agreement: agreement.id, supply: supply.id, linkage: linkage.id, warning: warning.id, ledgerImport: ledger.id, user: bystander.userId,
  }
}

function paramValue(url: string, param: string): string {
  if (param === 'code') return url.startsWith('/api/supply-classes') ? '1010000' : OWN_COUNTY
  if (param === 'kind' || param === 'layer') return 'storage_point'
  if (param === 'annex') return 'annex4'
  if (param === 'token') return 'token'
  const kind = /^\/api\/resources\/(\w+)\//.exec(url)?.[1]
  if (kind && ids[kind]) return String(ids[kind])
  const byPrefix: Array<[string, string]> = [
    ['/api/supplies', 'supply'], ['/api/agreements', 'agreement'], ['/api/ledgers', 'ledgerImport'], ['/api/warnings', 'warning'],
    ['/api/linkage', 'linkage'], ['/api/people', 'person'], ['/api/leading-groups', 'group'], ['/api/users', 'user'], ['/api/units', 'unit'],
  ]
  if (param === 'personId') return String(ids.person)
  return String(ids[byPrefix.find(([p]) => url.startsWith(p))?.[1] ?? 'unit'])
}

/** One branch of a union that is not null; the schema itself otherwise. */
function branch(schema: Json): Json {
  const choice = schema.anyOf ?? schema.oneOf
  return choice ? branch(choice.find((s: Json) => s.type !== 'null') ?? choice[0]) : schema
}

const typeOf = (schema: Json): string | undefined =>
  Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type

/** A value the schema accepts, in the caller's own county. */
function sample(schema: Json | undefined, key = ''): unknown {
  if (!schema) return undefined
  if (schema.const !== undefined) return schema.const
  if (schema.enum) return schema.enum.find((v: unknown) => v !== null)
  const s = branch(schema)
  switch (typeOf(s)) {
    case 'object': {
      const out: Json = {}
      for (const [k, p] of Object.entries<Json>(s.properties ?? {})) if ((s.required ?? []).includes(k)) out[k] = sample(p, k)
      return out
    }
    case 'array':
      if (Array.isArray(s.items)) return s.items.map((item: Json) => sample(item, key))
      return Array.from({ length: s.minItems ?? 0 }, () => sample(s.items, key))
    case 'integer':
    case 'number':
      if (/^(personId|responsiblePersonId|liaisonPersonId)$/.test(key)) return ids.person
      if (key === 'unitId') return ids.unit
      if (key === 'supplierId') return ids.supplier
      if (key === 'storagePointId') return ids.storage_point
      return Math.max(s.minimum ?? 1, Math.min(s.maximum ?? 1, 1))
    case 'boolean':
      return false
    case 'string':
      if (/regionCode$/i.test(key)) return OWN_TOWNSHIP
      if (s.format === 'date-time') return new Date().toISOString()
      if (s.format === 'date') return '2026-01-01'
      if (/password/i.test(key)) return 'Fuzz-Passw0rd!'
      return 'x'.repeat(Math.max(s.minLength ?? 1, 1))
    default:
      return undefined
  }
}

/** Every field of a schema (object properties, array and tuple items), with its own schema. */
function leaves(schema: Json | undefined, path: string[] = []): Leaf[] {
  if (!schema || path.length > 6) return []
  const s = branch(schema)
  const type = typeOf(s)
  const own: Leaf[] = path.length > 0 ? [{ path, schema: s }] : []
  if (type === 'object') return [...own, ...Object.entries<Json>(s.properties ?? {}).flatMap(([k, p]) => leaves(p, [...path, k]))]
  if (type === 'array') {
    const items: Json[] = Array.isArray(s.items) ? s.items : s.items ? [s.items] : []
    return [...own, ...items.flatMap((item, i) => leaves(item, [...path, String(i)]))]
  }
  return own
}

/** `base` with the value at `path` replaced (intermediate objects and lists created as needed). */
function withValue(base: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value
  const [head, ...rest] = path
  if (/^\d+$/.test(head)) {
    const list = Array.isArray(base) ? [...base] : []
    while (list.length < Number(head)) list.push(list[0] ?? null)
    list[Number(head)] = withValue(list[Number(head)], rest, value)
    return list
  }
  const obj = base !== null && typeof base === 'object' && !Array.isArray(base) ? { ...(base as Json) } : {}
  obj[head] = withValue(obj[head], rest, value)
  return obj
}

// JSON text that JSON.stringify cannot produce (1e999, -0, 2^53+1, a lone surrogate escape),
// held as a placeholder string and spliced in by toJson.
const rawTokens: string[] = []
const raw = (token: string) => `\u0001raw${rawTokens.push(token) - 1}\u0001`
function toJson(value: unknown): string {
  return JSON.stringify(value).replace(/"\\u0001raw(\d+)\\u0001"/g, (_, i: string) => rawTokens[Number(i)])
}

const deepArray = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`
const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`

type Hostile = { what: string; value: unknown }
const ANYWHERE: Hostile[] = [{ what: 'NUL', value: 'a\u0000b' }, { what: 'deep list', value: raw(deepArray(200)) }]
const HOSTILE: Record<string, Hostile[]> = {
  string: [
    ...ANYWHERE, { what: 'number for text', value: 123 }, { what: 'boolean for text', value: true }, { what: 'list for text', value: ['x'] },
    { what: 'object for text', value: { a: 1 } }, { what: '100k text', value: 'x'.repeat(100_000) }, { what: 'lone surrogate', value: raw('"\\ud800"') },
  ],
  number: [
    ...ANYWHERE, { what: '1e999', value: raw('1e999') }, { what: '-1e999', value: raw('-1e999') }, { what: '"1e999"', value: '1e999' },
    { what: '1e308*10 as text', value: '1e309' }, { what: '-0', value: raw('-0') }, { what: '2^53+1', value: raw('9007199254740993') },
    { what: '"NaN"', value: 'NaN' }, { what: 'boolean for number', value: true }, { what: 'fraction', value: 1.5 }, { what: 'huge', value: 1e300 },
  ],
  boolean: [...ANYWHERE, { what: '"true"', value: 'true' }, { what: '1 for boolean', value: 1 }],
  array: [...ANYWHERE, { what: 'deep list 5000', value: raw(deepArray(5000)) }, { what: 'text for list', value: 'x' }, { what: '10k items', value: Array(10_000).fill('x') }],
  object: [...ANYWHERE, { what: 'deep object 5000', value: raw(deepObject(5000)) }, { what: 'list for object', value: [] }],
}

/** Hostile values for a field of this schema. */
function hostileValues(schema: Json): Hostile[] {
  const type = typeOf(schema)
  return HOSTILE[type === 'integer' ? 'number' : type ?? 'object'] ?? HOSTILE.object
}

const QUERY_VALUES = ['%00', 'a%00b', '1e999', '-1e999', '1e309', '-0', '9007199254740993', 'NaN', 'x'.repeat(5000), '%E0%A4%A', '%ZZ']
const PARAM_VALUES = ['%00', '1e999', '9007199254740993', '-0', 'NaN', 'x'.repeat(300), '%E0%A4%A', '%2e%2e']

function methodsOf(route: RouteOptions): string[] {
  return (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => m !== 'HEAD')
}

type Shape = { route: RouteOptions; method: string; key: string; schema: Json; pathOf: (params?: Json) => string; query: Json; body: unknown }

function shapeOf(route: RouteOptions, method: string): Shape {
  const schema = (route.schema ?? {}) as Json
  const pathOf = (params: Json = {}) =>
    route.url.replace(/:(\w+)/g, (_, p: string) => (p in params ? params[p] : encodeURIComponent(paramValue(route.url, p))))
  return {
    route, method, key: `${method} ${route.url}`, schema, pathOf,
    query: (sample(schema.querystring) ?? {}) as Json,
    body: method === 'GET' || method === 'DELETE' ? undefined : sample(schema.body) ?? {},
  }
}

const queryString = (query: Json) => new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString()
const jsonRequest = (s: Shape, body: string, query = s.query): Request => {
  const q = queryString(query)
  return { method: s.method, url: `${s.pathOf()}${q ? `?${q}` : ''}`, payload: body, headers: { 'content-type': 'application/json' } }
}
const plainRequest = (s: Shape, url: string): Request =>
  s.body === undefined ? { method: s.method, url } : { method: s.method, url, payload: toJson(s.body), headers: { 'content-type': 'application/json' } }

/** A body field set to each hostile value. */
function bodyCases(s: Shape): Case[] {
  if (s.body === undefined || !s.schema.body) return []
  return leaves(s.schema.body).flatMap((leaf) => hostileValues(leaf.schema).map(({ what, value }) => ({
    route: s.key, what: `body ${leaf.path.join('.')} = ${what}`, request: jsonRequest(s, toJson(withValue(s.body, leaf.path, value))),
  })))
}

/** Each query parameter set to each hostile text, plus a NUL in a name and a repeated name. */
function queryCases(s: Shape): Case[] {
  const names = Object.keys(s.schema.querystring?.properties ?? {})
  const base = queryString(s.query)
  const url = (extra: string) => `${s.pathOf()}?${[base, extra].filter(Boolean).join('&')}`
  return [
    ...names.flatMap((name) => QUERY_VALUES.map((v) => ({ route: s.key, what: `query ${name}=${v.slice(0, 20)}`, request: plainRequest(s, url(`${name}=${v}`)) }))),
    ...names.map((name) => ({ route: s.key, what: `query ${name} twice`, request: plainRequest(s, url(`${name}=1&${name}=2`)) })),
    { route: s.key, what: 'query name with NUL', request: plainRequest(s, url('a%00b=1')) },
  ]
}

function paramCases(s: Shape): Case[] {
  const names = [...s.route.url.matchAll(/:(\w+)/g)].map((m) => m[1])
  return names.flatMap((name) => PARAM_VALUES.map((v) => ({
    route: s.key, what: `param ${name}=${v.slice(0, 20)}`, request: plainRequest(s, `${s.pathOf({ [name]: v })}${s.query && queryString(s.query) ? `?${queryString(s.query)}` : ''}`),
  })))
}

type Body = [what: string, body: string, contentType?: string]
// Every route with a body gets these; the odd kinds below join the seeded sample.
const ALWAYS: Body[] = [['malformed JSON', '{"a":'], ['deep list 5000', deepArray(5000)], ['deep object 5000', deepObject(5000)]]
const ODD: Body[] = [
  ['text body', '"x"'], ['list body', '[]'], ['null body', 'null'], ['__proto__ key', '{"__proto__":{"polluted":1}}'],
  ['constructor.prototype key', '{"constructor":{"prototype":{"polluted":1}}}'], ['empty JSON body', ''], ['text/plain body', 'x', 'text/plain'],
]

/** The whole body: not JSON, too deep, the wrong kind of value, prototype keys. */
function wholeBodyCases(s: Shape, bodies: Body[]): Case[] {
  if (s.body === undefined) return []
  const cases = bodies.map(([what, body, type]) => ({
    route: s.key, what, request: { ...jsonRequest(s, body), headers: { 'content-type': type ?? 'application/json' } },
  }))
  if (bodies !== ALWAYS) return cases
  if ((s.schema.consumes ?? []).some((t: string) => t.includes('xml'))) {
    cases.push({ route: s.key, what: 'XML 5000 deep', request: { ...jsonRequest(s, `<a>${'<b>'.repeat(5000)}x${'</b>'.repeat(5000)}</a>`), headers: { 'content-type': 'application/xml' } } })
    cases.push({ route: s.key, what: 'XML with NUL entity', request: { ...jsonRequest(s, '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&#0;</identifier></alert>'), headers: { 'content-type': 'application/xml' } } })
  }
  return cases
}

/** Multipart bodies gone wrong, to every write without a JSON body (file uploads are among them). */
function multipartCases(s: Shape): Case[] {
  if (s.method !== 'POST' || s.schema.body) return []
  const b = 'fuzzboundary'
  const part = (name: string, file: string, data: string) =>
    `--${b}\r\nContent-Disposition: form-data; name="${name}"; filename="${file}"\r\nContent-Type: text/csv\r\n\r\n${data}\r\n`
  const csv = '名称,数量\r\n救生衣,10\r\n'
  const bodies: Array<[string, string, string]> = [
    ['multipart without boundary', 'multipart/form-data', part('file', 'a.csv', csv)],
    ['multipart truncated', `multipart/form-data; boundary=${b}`, part('file', 'a.csv', csv).slice(0, 60)],
    ['multipart without a file part', `multipart/form-data; boundary=${b}`, `--${b}\r\nContent-Disposition: form-data; name="note"\r\n\r\nx\r\n--${b}--\r\n`],
    ['multipart with two files', `multipart/form-data; boundary=${b}`, `${part('file', 'a.csv', csv)}${part('file', 'b.csv', csv)}--${b}--\r\n`],
    ['multipart file name with NUL', `multipart/form-data; boundary=${b}`, `${part('file', 'a\u0000.csv', csv)}--${b}--\r\n`],
  ]
  return bodies.map(([what, type, body]) => ({
    route: s.key, what, request: { method: s.method, url: `${s.pathOf()}${queryString(s.query) ? `?${queryString(s.query)}` : ''}`, payload: Buffer.from(body), headers: { 'content-type': type } },
  }))
}

function fuzzedShapes(): Shape[] {
  return app.routeList
    .filter((r) => r.url.startsWith('/api/') && r.url !== '/api/openapi.json')
    .flatMap((r) => methodsOf(r).map((m) => shapeOf(r, m)))
    .filter((s) => !SKIPPED.has(s.key))
}

function shuffled<T>(items: T[]): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

/** Rows in every table that holds what users keep; logs and sessions grow on refusals by design. */
async function rowCounts(): Promise<Record<string, number>> {
  const { rows: tables } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE'
      and table_name not in ('audit_log', 'session', 'login_failure', 'worker_instance', 'kysely_migration', 'kysely_migration_lock')
    order by table_name`.execute(app.db)
  const counts = tables.map((t) => sql`(select count(*)::int from ${sql.table(t.name)}) as ${sql.ref(t.name)}`)
  const { rows } = await sql<Record<string, number>>`select ${sql.join(counts)}`.execute(app.db)
  return rows[0]
}

/** Sends as the county manager; where that is forbidden, as the first administrator allowed. */
const sessionOf = new Map<string, Session>()
async function send(c: Case) {
  const first = sessionOf.get(c.route) ?? county
  let res = await first.request(c.request as any)
  if (res.statusCode === 403 && !sessionOf.has(c.route)) {
    for (const admin of admins) {
      const again = await admin.request(c.request as any)
      if (again.statusCode !== 403) {
        sessionOf.set(c.route, admin)
        res = again
        break
      }
    }
  }
  return res
}

type Outcome = { failures: string[]; statuses: Map<string, number>; codes: Map<string, string> }

/** Runs the cases; any 5xx, and any refused case that changed a row count, is a failure. */
async function run(cases: Case[]): Promise<Outcome> {
  const failures: string[] = []
  const statuses = new Map<string, number>()
  const codes = new Map<string, string>()
  let before = await rowCounts()
  for (const c of cases) {
    const res = await send(c)
    const label = `${c.request.method} ${c.request.url.slice(0, 120)} [${c.what}]`
    statuses.set(label, res.statusCode)
    if (res.headers['content-type']?.toString().includes('json')) codes.set(label, res.json()?.code)
    if (res.statusCode >= 500) failures.push(`${label} → ${res.statusCode} ${res.body.slice(0, 200)}`)
    const after = await rowCounts()
    if (res.statusCode >= 400) {
      const changed = Object.keys(after).filter((t) => after[t] !== before[t])
      if (changed.length > 0) failures.push(`${label} → ${res.statusCode} but changed ${changed.join(', ')}`)
    }
    before = after
  }
  return { failures, statuses, codes }
}

beforeAll(async () => {
  app = await testApp()
  county = await signIn(app, { role: 'county_manager', regionCode: OWN_COUNTY })
  admins = [
    await signIn(app, { role: 'sysadmin', regionCode: CITY }),
    await signIn(app, { role: 'secadmin', regionCode: CITY }),
    await signIn(app, { role: 'auditor', regionCode: CITY }),
    await signIn(app, { role: 'city_manager', regionCode: CITY }),
  ]
  ids = await seed()
})
afterAll(async () => { await app.close() })

describe('every number in the API has a range', () => {
  it('each number or integer parameter and body property of the OpenAPI document has a minimum and a maximum', async () => {
    const doc = (await app.inject({ url: '/api/openapi.json' })).json()
    const unbounded: string[] = []
    let numbers = 0
    const walk = (schema: Json | undefined, where: string, depth = 0): void => {
      if (!schema || typeof schema !== 'object' || depth > 20) return
      if (schema.$ref) return walk(schema.$ref.replace(/^#\//, '').split('/').reduce((o: Json, k: string) => o?.[k], doc), where, depth + 1)
      const types = Array.isArray(schema.type) ? schema.type : [schema.type]
      if (types.includes('number') || types.includes('integer')) {
        numbers++
        const low = schema.minimum !== undefined || schema.exclusiveMinimum !== undefined
        const high = schema.maximum !== undefined || schema.exclusiveMaximum !== undefined
        if (!low || !high) unbounded.push(where)
      }
      for (const [k, p] of Object.entries<Json>(schema.properties ?? {})) walk(p, `${where}.${k}`, depth + 1)
      for (const key of ['items', 'additionalProperties', 'prefixItems', 'anyOf', 'oneOf', 'allOf']) {
        const sub = schema[key]
        if (Array.isArray(sub)) sub.forEach((s, i) => walk(s, `${where}[${i}]`, depth + 1))
        else if (sub && typeof sub === 'object') walk(sub, `${where}[]`, depth + 1)
      }
    }
    for (const [path, ops] of Object.entries<Json>(doc.paths)) {
      for (const [method, op] of Object.entries<Json>(ops)) {
        for (const p of op.parameters ?? []) walk(p.schema, `${method.toUpperCase()} ${path} ${p.in} ${p.name}`)
        for (const [type, content] of Object.entries<Json>(op.requestBody?.content ?? {})) walk(content.schema, `${method.toUpperCase()} ${path} body(${type})`)
      }
    }
    expect(numbers).toBeGreaterThan(100)
    expect(unbounded).toEqual([])
  })
})

describe('hostile input', () => {
  it('NUL in every text field, parameter and query value is a 400 naming the field, and stores nothing', async () => {
    const cases: Case[] = []
    for (const s of fuzzedShapes()) {
      if (STREAM.test(s.route.url) && s.method === 'GET') continue
      for (const leaf of s.body === undefined ? [] : leaves(s.schema.body)) {
        if (typeOf(leaf.schema) === 'string') cases.push({ route: s.key, what: `body ${leaf.path.join('.')} NUL`, request: jsonRequest(s, toJson(withValue(s.body, leaf.path, 'a\u0000b'))) })
      }
      for (const name of Object.keys(s.schema.querystring?.properties ?? {})) {
        const q = queryString(s.query)
        cases.push({ route: s.key, what: `query ${name} NUL`, request: plainRequest(s, `${s.pathOf()}?${[q, `${name}=a%00b`].filter(Boolean).join('&')}`) })
      }
      for (const [, name] of s.route.url.matchAll(/:(\w+)/g)) {
        cases.push({ route: s.key, what: `param ${name} NUL`, request: plainRequest(s, s.pathOf({ [name]: 'a%00b' })) })
      }
      // Also where the route reads no query string at all.
      cases.push({ route: s.key, what: 'query name NUL', request: plainRequest(s, `${s.pathOf()}?a%00b=1`) })
    }
    const { failures, statuses, codes } = await run(cases)
    expect(failures).toEqual([])
    expect(cases.length).toBeGreaterThan(150)
    const accepted = [...statuses].filter(([, status]) => status < 400).map(([label]) => label)
    expect(accepted).toEqual([])
    // Refused before any query (by the schema check, or earlier): the database's refusal is a last resort.
    expect([...codes].filter(([, code]) => code === 'BAD_TEXT').map(([label]) => label)).toEqual([])
    expect([...codes.values()].filter((code) => code === 'VALIDATION').length).toBeGreaterThan(150)
  }, 120_000)

  it('a NUL is refused in Chinese, naming the field', async () => {
    const res = await county.request({ method: 'POST', url: '/api/units', payload: { regionCode: OWN_TOWNSHIP, name: '应急\u0000站', kind: 'township_station' } })
    expect(res.statusCode).toBe(400)
    expect(res.json().message).toBe('“单位名称”含有不允许的控制字符')
    const query = await county.request({ url: '/api/units?q=%00' })
    expect(query.statusCode).toBe(400)
    expect(query.json().message).toContain('含有不允许的控制字符')
  })

  it('non-finite and unsafe numbers in every number field and number query are refused, and store nothing', async () => {
    const cases: Case[] = []
    for (const s of fuzzedShapes()) {
      if (STREAM.test(s.route.url) && s.method === 'GET') continue
      for (const leaf of s.body === undefined ? [] : leaves(s.schema.body)) {
        if (!['number', 'integer'].includes(typeOf(leaf.schema) ?? '')) continue
        for (const v of [raw('1e999'), '1e999', raw('9007199254740993')]) {
          cases.push({ route: s.key, what: `body ${leaf.path.join('.')}=${String(v)}`, request: jsonRequest(s, toJson(withValue(s.body, leaf.path, v))) })
        }
      }
      for (const [name, p] of Object.entries<Json>(s.schema.querystring?.properties ?? {})) {
        if (!['number', 'integer'].includes(typeOf(branch(p)) ?? '')) continue
        for (const v of ['1e999', '-1e999', '9007199254740993']) {
          cases.push({ route: s.key, what: `query ${name}=${v}`, request: plainRequest(s, `${s.pathOf()}?${queryString({ ...s.query, [name]: v })}`) })
        }
      }
    }
    const { failures, statuses } = await run(cases)
    expect(failures).toEqual([])
    expect(cases.length).toBeGreaterThan(60)
    expect([...statuses].filter(([, status]) => status < 400).map(([label]) => label)).toEqual([])
  }, 120_000)

  it('"1e999" for an area or a quantity is a 400, and the lists stay readable', async () => {
    const area = await county.request({
      method: 'POST', url: '/api/resources/storage_point',
      payload: toJson({ regionCode: OWN_TOWNSHIP, name: '无穷大储备点', detail: { storageKind: 'point', areaM2: raw('1e999') } }),
      headers: { 'content-type': 'application/json' },
    })
    expect(area.statusCode).toBe(400)
    const text = await county.request({ method: 'POST', url: '/api/supplies', payload: { regionCode: OWN_TOWNSHIP, name: '无穷大', unit: '件', quantity: '1e999' } })
    expect(text.statusCode).toBe(400)
    expect(text.json().message).toBe('“数量”的值“1e999”类型不对，应为数字')
    const query = await county.request({ url: '/api/supplies?expiringWithinDays=1e999' })
    expect(query.statusCode).toBe(400)
    expect(query.json().message).toContain('不是有限的数值')
    expect((await county.request({ url: `/api/resources/storage_point?regionCode=${OWN_COUNTY}` })).statusCode).toBe(200)
  })

  it('text fields of a body refuse numbers and booleans; query strings still read numbers', async () => {
    const number = await county.request({ method: 'POST', url: '/api/units', payload: { regionCode: OWN_TOWNSHIP, name: 123, kind: 'township_station' } })
    expect(number.statusCode).toBe(400)
    expect(number.json().message).toBe('“单位名称”的值“123”类型不对，应为文本')
    const yes = await county.request({ method: 'POST', url: '/api/units', payload: { regionCode: OWN_TOWNSHIP, name: true, kind: 'township_station' } })
    expect(yes.statusCode).toBe(400)
    expect((await county.request({ url: '/api/units?page=2&pageSize=5' })).statusCode).toBe(200)
  })

  it('malformed, deep and oddly typed bodies, odd multipart and a seeded sample of hostile fields: no 5xx, nothing stored when refused', async () => {
    const cases: Case[] = []
    for (const s of fuzzedShapes()) {
      const stream = STREAM.test(s.route.url) && s.method === 'GET'
      const params = paramCases(s)
      // Deterministic: every body gets the deep and malformed ones, every upload the odd multipart.
      if (!stream) cases.push(...wholeBodyCases(s, ALWAYS), ...multipartCases(s))
      const sampled = stream ? params : [...wholeBodyCases(s, ODD), ...bodyCases(s), ...queryCases(s), ...params]
      cases.push(...shuffled(sampled).slice(0, SAMPLED_PER_ROUTE))
    }
    const { failures } = await run(cases)
    expect(failures).toEqual([])
    expect(cases.length).toBeGreaterThan(400)
  }, 180_000)

  it('after all of it, every list and record still reads', async () => {
    const failures: string[] = []
    for (const s of fuzzedShapes()) {
      if (s.method !== 'GET' || (STREAM.test(s.route.url))) continue
      const q = queryString(s.query)
      const res = await send({ route: s.key, what: 'read', request: { method: 'GET', url: `${s.pathOf()}${q ? `?${q}` : ''}` } })
      if (res.statusCode >= 500) failures.push(`${s.key} → ${res.statusCode} ${res.body.slice(0, 200)}`)
    }
    expect(failures).toEqual([])
  })
})
