import type { FastifyInstance, RouteOptions } from 'fastify'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROLE_KEYS, type RoleKey } from '../domain/auth/roles.js'
import { runUntilIdle } from './jobs/testing.js'
import { signIn, testApp, type Session } from './testing/test-app.js'

/**
 * The jurisdiction matrix: for EVERY registered route and EVERY role, a user of one county
 * (吴兴区) gets nothing of a sibling county (南浔区) — no record, no count, no change.
 *
 * Routes are taken from the running app, not from a list in this file, so a new route is
 * covered the day it is registered. Path parameters are filled with the sibling's ids, query
 * strings name the sibling's region, and bodies are generated from each route's JSON schema
 * with the sibling's region code and ids. Every sibling record carries a marker string that must
 * never appear in any answer.
 */

const OWN_COUNTY = '330502000000' // 吴兴区
const SIBLING_COUNTY = '330503000000' // 南浔区
const SIBLING_TOWNSHIP = '330503001000' // 南浔区南浔镇
const CITY = '330500000000'
const MARKER = '邻县标记'

// Routes about the caller's own account: nothing of another county can pass through them, and
// calling logout would end the session the matrix is using.
const OWN_ACCOUNT_ROUTES = /^\/api\/auth\//

let app: FastifyInstance
let city: Session
let cityAdmin: Session
let siblingIds: Record<string, number>

type Json = Record<string, any>

async function ok(res: { statusCode: number; body: string; json: () => any }, what: string): Promise<Json> {
  if (res.statusCode >= 300) throw new Error(`${what}: ${res.statusCode} ${res.body}`)
  return res.json()
}

/** Records in the sibling county, created through the API by a city-level user. */
async function seedSibling(): Promise<Record<string, number>> {
  const unit = await ok(await city.request({
    method: 'POST', url: '/api/units',
    payload: { regionCode: SIBLING_TOWNSHIP, name: `南浔镇应急站${MARKER}`, kind: 'township_station' },
  }), 'unit')
  const person = await ok(await city.request({
    method: 'POST', url: '/api/people',
    payload: { regionCode: SIBLING_TOWNSHIP, unitId: unit.id, name: `沈${MARKER}`, post: `站长${MARKER}`, mobile: '13857200002', roles: ['head'] },
  }), 'person')
  const group = await ok(await city.request({
    method: 'POST', url: '/api/leading-groups',
    payload: { regionCode: SIBLING_COUNTY, name: `南浔区应急领导小组${MARKER}` },
  }), 'group')
  const user = await ok(await cityAdmin.request({
    method: 'POST', url: '/api/users',
    payload: { username: 'nanxun-viewer', displayName: `南浔只读${MARKER}`, role: 'viewer', regionCode: SIBLING_COUNTY },
  }), 'user')
  const team = await ok(await city.request({
    method: 'POST', url: '/api/resources/team',
    payload: {
      regionCode: SIBLING_TOWNSHIP, name: `南浔镇综合应急救援队${MARKER}`, responsiblePersonId: person.id,
      detail: { level: 'township', teamType: 'grassroots', specialities: ['综合'], headcount: 35, insured: true },
    },
  }), 'team')
  const storage = await ok(await city.request({
    method: 'POST', url: '/api/resources/storage_point',
    payload: { regionCode: SIBLING_TOWNSHIP, name: `南浔镇物资储备点${MARKER}`, liaisonPersonId: person.id, detail: { storageKind: 'point' } },
  }), 'storage point')
  const supplier = await ok(await city.request({
    method: 'POST', url: '/api/resources/supplier',
    payload: { regionCode: SIBLING_COUNTY, name: `南浔保供超市${MARKER}`, detail: {} },
  }), 'supplier')
  const agreement = await ok(await city.request({
    method: 'POST', url: '/api/agreements',
    payload: { supplierId: supplier.id, itemName: `矿泉水${MARKER}`, quantity: 100, unit: '箱', startsOn: '2026-01-01', endsOn: '2026-12-31' },
  }), 'agreement')
  const supply = await ok(await city.request({
    method: 'POST', url: '/api/supplies',
    payload: { regionCode: SIBLING_TOWNSHIP, name: `救生衣${MARKER}`, unit: '件', quantity: 50, storagePointId: storage.id },
  }), 'supply')
  const ledger = await app.db.insertInto('ledgerImport').values({
    annex: 'annex4', fileName: `南浔镇物资${MARKER}.xlsx`, fileSha256: '0'.repeat(64), regionCode: SIBLING_TOWNSHIP, status: 'previewed',
  }).returning('id').executeTakeFirstOrThrow()
  const linkage = await ok(await city.request({
    method: 'POST', url: '/api/linkage/groups',
    payload: { regionCode: SIBLING_COUNTY, name: `南浔区防汛责任人${MARKER}`, roles: ['head'], subtree: true },
  }), 'linkage group')
  const warningInput = {
    regionCode: SIBLING_COUNTY, eventClass: 'natural', eventType: '暴雨', level: 2, headline: `南浔区暴雨橙色预警${MARKER}`,
    description: `南浔镇将有大暴雨${MARKER}`, instruction: '责任人上岗到位', areaDesc: '南浔镇', senderName: '南浔区应急管理局',
    onset: new Date().toISOString(), target: { regions: [SIBLING_TOWNSHIP], polygons: [], circles: [], roles: [], groupIds: [] },
    channels: ['inapp', 'sms'],
  }
  const warning = await ok(await city.request({ method: 'POST', url: '/api/warnings', payload: warningInput }), 'warning')
  const submitted = await ok(await city.request({ method: 'POST', url: `/api/warnings/${warning.id}/submit`, payload: { version: warning.version } }), 'submit')
  // Four eyes: a second city officer approves what the first drafted.
  const cityApprover = await signIn(app, { role: 'city_manager', regionCode: CITY })
  await ok(await cityApprover.request({ method: 'POST', url: `/api/warnings/${warning.id}/approve`, payload: { version: submitted.version } }), 'approve')
  await runUntilIdle(app)
  const delivery = await app.db.selectFrom('delivery').select('id').where('warningId', '=', warning.id).executeTakeFirstOrThrow()
  const knock = await app.db.insertInto('doorKnockTask').values({ warningId: warning.id, areaCode: SIBLING_TOWNSHIP, regionCode: SIBLING_TOWNSHIP })
    .returning('id').executeTakeFirstOrThrow()
  await app.db.insertInto('doorKnockPerson').values({ taskId: knock.id, warningId: warning.id, personId: person.id }).execute()
  return {
    unit: unit.id, person: person.id, group: group.id, user: user.id, team: team.id, storage_point: storage.id,
    supplier: supplier.id, agreement: agreement.id, supply: supply.id, ledgerImport: ledger.id,
    linkage: linkage.id, warning: warning.id, delivery: delivery.id, doorKnock: knock.id,
  }
}

function idFor(url: string, param: string): string {
  if (param === 'code') return SIBLING_COUNTY
  if (param === 'kind' || param === 'layer') return 'team'
  if (param === 'annex') return 'annex4'
  const kind = /^\/api\/resources\/(\w+)\//.exec(url)?.[1]
  if (kind && siblingIds[kind]) return String(siblingIds[kind])
  if (url.startsWith('/api/resources')) return String(siblingIds.team)
  if (url.startsWith('/api/supplies')) return String(siblingIds.supply)
  if (url.startsWith('/api/agreements')) return String(siblingIds.agreement)
  if (url.startsWith('/api/ledgers/imports')) return String(siblingIds.ledgerImport)
  if (url.startsWith('/api/warnings/door-knocks')) return String(siblingIds.doorKnock)
  if (url.startsWith('/api/warnings') && param === 'id') return String(siblingIds.warning)
  if (url.startsWith('/api/linkage/groups') && param === 'id') return String(siblingIds.linkage)
  if (param === 'deliveryId') return String(siblingIds.delivery)
  if (param === 'personId') return String(siblingIds.person)
  if (param === 'unitId') return String(siblingIds.unit)
  if (param === 'groupId') return String(siblingIds.group)
  if (param === 'userId') return String(siblingIds.user)
  if (url.startsWith('/api/people')) return String(siblingIds.person)
  if (url.startsWith('/api/leading-groups')) return String(siblingIds.group)
  if (url.startsWith('/api/users')) return String(siblingIds.user)
  return String(siblingIds.unit)
}

/** A value that satisfies `schema` and points at the sibling county wherever it can. */
function sample(schema: Json | undefined, key = ''): unknown {
  if (!schema) return undefined
  if (schema.const !== undefined) return schema.const
  if (schema.enum) return schema.enum[0]
  const choice = schema.anyOf ?? schema.oneOf
  if (choice) return sample(choice.find((s: Json) => s.type !== 'null') ?? choice[0], key)
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type
  switch (type) {
    case 'object': {
      const out: Json = {}
      for (const [k, s] of Object.entries<Json>(schema.properties ?? {})) {
        // Optional fields that point at another record are filled too, so the record lookup runs.
        const wanted = (schema.required ?? []).includes(k) || /^(regionCode|unitId|personId|officeUnitId|supplierId|storagePointId|teamId)$/.test(k)
        if (wanted) out[k] = sample(s, k)
      }
      return out
    }
    case 'array': {
      const n = schema.minItems ?? 1
      return Array.from({ length: n }, () => sample(schema.items, key))
    }
    case 'integer':
    case 'number':
      if (key === 'personId') return siblingIds.person
      if (key === 'unitId' || key === 'officeUnitId') return siblingIds.unit
      if (key === 'groupId') return siblingIds.group
      if (key === 'userId') return siblingIds.user
      if (key === 'supplierId') return siblingIds.supplier
      if (key === 'storagePointId' || key === 'toStoragePointId') return siblingIds.storage_point
      if (key === 'teamId') return siblingIds.team
      if (key === 'toSupplyId') return siblingIds.supply
      // Map positions: inside 湖州市, so range checks pass and the scope check decides.
      if (key === 'lng') return 120.1
      if (key === 'lat') return 30.8
      if (key === 'zoom') return 10
      return Math.max(schema.minimum ?? 1, 1)
    case 'boolean':
      return false
    case 'string':
      if (/regionCode|code$/i.test(key)) return SIBLING_COUNTY
      if (/password/i.test(key)) return 'Matrix-Passw0rd'
      if (key === 'role') return 'viewer'
      if (key === 'bbox') return '119,30,121,31.5'
      if (schema.format === 'date-time') return new Date().toISOString()
      if (schema.format === 'date') return '2026-01-01'
      return 'x'.repeat(Math.max(schema.minLength ?? 1, 1))
    default:
      return undefined
  }
}

function requestsFor(route: RouteOptions): Array<{ method: string; url: string; payload?: unknown }> {
  const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => m !== 'HEAD')
  const path = route.url.replace(/:(\w+)/g, (_, p: string) => idFor(route.url, p))
  const schema = route.schema as Json | undefined
  const query = sample(schema?.querystring) as Json | undefined
  const plain = new URLSearchParams(query ?? {}).toString()
  const filtersByRegion = Boolean(schema?.querystring?.properties?.regionCode)
  return methods.flatMap((method) => {
    const payload = method === 'GET' || method === 'DELETE' ? undefined : sample(schema?.body) ?? {}
    const variants = [{ method, url: plain ? `${path}?${plain}` : path, payload }]
    if (filtersByRegion) {
      const withSibling = new URLSearchParams({ ...(query ?? {}), regionCode: SIBLING_COUNTY }).toString()
      variants.push({ method, url: `${path}?${withSibling}`, payload })
    }
    return variants
  })
}

/** Text of an answer; spreadsheets are unpacked, since a leak inside a zip would not show. */
async function answerText(res: { headers: Record<string, unknown>; body: string; rawPayload: Buffer }): Promise<string> {
  if (!String(res.headers['content-type'] ?? '').includes('spreadsheetml')) return res.body
  const book = new ExcelJS.Workbook()
  await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
  const texts: string[] = []
  book.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => { texts.push(cell.text) })))
  return texts.join('\n')
}

/** What a city-level user sees of the sibling's records; must be identical after the matrix. */
async function siblingSnapshot(): Promise<unknown[]> {
  const urls = [
    `/api/units/${siblingIds.unit}`, `/api/people/${siblingIds.person}`, `/api/leading-groups/${siblingIds.group}`,
    `/api/resources/team/${siblingIds.team}`, `/api/resources/storage_point/${siblingIds.storage_point}`,
    `/api/resources/supplier/${siblingIds.supplier}`, `/api/supplies/${siblingIds.supply}`,
    `/api/agreements?supplierId=${siblingIds.supplier}`, `/api/ledgers/imports/${siblingIds.ledgerImport}`,
    `/api/linkage/groups/${siblingIds.linkage}`, `/api/warnings/${siblingIds.warning}`,
    `/api/warnings/${siblingIds.warning}/board`, `/api/warnings/door-knocks?state=open`,
  ]
  const rows: unknown[] = []
  for (const url of urls) rows.push((await city.request({ url })).json())
  rows.push((await cityAdmin.request({ url: `/api/users?q=nanxun` })).json())
  return rows
}

const scopedRoutes = () =>
  app.routeList.filter((r) => r.url.startsWith('/api/') && !r.config?.public && !OWN_ACCOUNT_ROUTES.test(r.url))

beforeAll(async () => {
  app = await testApp()
  city = await signIn(app, { role: 'city_manager', regionCode: CITY })
  cityAdmin = await signIn(app, { role: 'sysadmin', regionCode: CITY })
  siblingIds = await seedSibling()
})
afterAll(async () => { await app.close() })

describe('jurisdiction matrix', () => {
  it('covers the routes of every capability', () => {
    const prefixes = new Set(scopedRoutes().map((r) => r.url.split('/')[2]))
    for (const p of ['regions', 'units', 'people', 'leading-groups', 'users', 'audit', 'resources', 'supplies', 'agreements', 'rollup', 'ledgers', 'linkage', 'warnings', 'inbox']) {
      expect(prefixes).toContain(p)
    }
  })

  it('a city user does see the sibling county (the marker is detectable)', async () => {
    const res = await city.request({ url: `/api/units/${siblingIds.unit}` })
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain(MARKER)
    const list = await city.request({ url: `/api/people?regionCode=${SIBLING_COUNTY}` })
    expect(list.body).toContain(MARKER)
    const ledger = await city.request({ url: `/api/ledgers/annex4/export?regionCode=${SIBLING_COUNTY}` })
    expect(ledger.statusCode).toBe(200)
    expect(await answerText(ledger)).toContain(MARKER)
  })

  it.each(ROLE_KEYS.map((r) => [r]))('a %s of 吴兴区 gets nothing of 南浔区 from any route', async (role: RoleKey) => {
    const before = await siblingSnapshot()
    const me = await signIn(app, { role, regionCode: OWN_COUNTY })
    const leaks: string[] = []
    let calls = 0
    for (const route of scopedRoutes()) {
      for (const req of requestsFor(route)) {
        const res = await me.request(req as any)
        calls++
        if (res.statusCode >= 500) leaks.push(`${req.method} ${req.url} → ${res.statusCode} ${res.body.slice(0, 200)}`)
        if ((await answerText(res)).includes(MARKER)) leaks.push(`${req.method} ${req.url} → ${res.statusCode} revealed the sibling's data`)
        if (res.statusCode < 300 && req.url.includes(`regionCode=${SIBLING_COUNTY}`) && req.method === 'GET') {
          const body = res.json()
          const total = body?.total ?? (Array.isArray(body?.items) ? body.items.length : Array.isArray(body) ? body.length : 0)
          if (total > 0) leaks.push(`${req.method} ${req.url} → listed ${total} rows of the sibling county`)
        }
      }
    }
    expect(calls).toBeGreaterThan(20)
    expect(leaks).toEqual([])
    expect(await siblingSnapshot()).toEqual(before)
  })
})

// Runs last: it changes the sibling's records. It proves the generated requests are well-formed,
// so that the refusals above come from the jurisdiction check and not from schema validation.
describe('the generated requests', () => {
  it('get past validation and jurisdiction for a city-level user whose area holds the sibling county', async () => {
    // Reaching a business rule (stale version, duplicate name, record in use) also proves the
    // request was well-formed and inside the jurisdiction.
    const reachedLogic = new Set(['STALE_VERSION', 'DUPLICATE', 'IN_USE', 'ILLEGAL_TRANSITION'])
    const succeeded = new Set<string>()
    const citySecurity = await signIn(app, { role: 'secadmin', regionCode: CITY })
    const cityAuditor = await signIn(app, { role: 'auditor', regionCode: CITY })
    for (const route of scopedRoutes()) {
      const who =
        /^\/api\/users\/:id\/(role|reset-password|unlock)/.test(route.url) ? citySecurity
        : /^\/api\/audit/.test(route.url) ? cityAuditor
        : /^\/api\/(users|roles)/.test(route.url) ? cityAdmin
        : city
      for (const req of requestsFor(route)) {
        const res = await who.request(req as any)
        if (res.statusCode < 300 || reachedLogic.has(res.json().code)) succeeded.add(`${req.method} ${route.url}`)
        else if (process.env.MATRIX_DEBUG) console.log(req.method, req.url, JSON.stringify(req.payload), res.statusCode, res.body.slice(0, 300))
      }
    }
    const expected = [
      'GET /api/regions/:code/children', 'GET /api/units/:id', 'PUT /api/units/:id', 'DELETE /api/units/:id',
      'PUT /api/people/:id', 'POST /api/people/:id/reveal', 'PUT /api/leading-groups/:id/members',
      'PUT /api/users/:id', 'POST /api/users/:id/unlock', 'GET /api/audit/verify',
      'GET /api/resources/team/:id', 'PUT /api/resources/team/:id', 'POST /api/resources/storage_point/:id/confirm',
      'GET /api/supplies/:id', 'POST /api/supplies/:id/movements', 'PUT /api/agreements/:id',
      'GET /api/rollup/supplies', 'GET /api/ledgers/:annex/export', 'GET /api/ledgers/imports/:id',
      'GET /api/map/point/:layer/:id', 'PUT /api/map/location/:layer/:id', 'PUT /api/map/positions/:code', 'POST /api/map/positions/import',
      'GET /api/linkage/groups/:id', 'GET /api/linkage/groups/region/:code', 'GET /api/warnings/:id', 'GET /api/warnings/:id/board',
      'GET /api/warnings/:id/recipients', 'GET /api/warnings/:id/recipients/:personId', 'GET /api/warnings/:id/villages',
      'GET /api/warnings/:id/cap.xml', 'POST /api/warnings/door-knocks/:id/done', 'POST /api/warnings/:id/update',
    ]
    for (const write of expected) {
      expect(succeeded).toContain(write)
    }
  })
})
