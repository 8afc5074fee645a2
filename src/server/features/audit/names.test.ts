import fs from 'node:fs'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AUDIT_ACTION_LABELS } from '../../../domain/audit/actions.js'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { insertWarning } from '../../testing/warning-rows.js'

const CITY = '330500000000'
const WUXING = '330502000000'
const ZHILI = '330502100000'

type Entry = {
  action: string; actionLabel: string; entity: string; entityLabel: string; entityId: string | null
  entityName: string | null; regionCode: string | null; regionName: string | null
}

let app: FastifyInstance
let auditor: Session
let entries: Entry[]
let userId: number
let warningId: number
let personId: number

beforeAll(async () => {
  app = await testApp()
  auditor = await signIn(app, { role: 'auditor', regionCode: CITY })
  const sysadmin = await signIn(app, { role: 'sysadmin', regionCode: CITY })
  const county = await signIn(app, { role: 'county_manager', regionCode: WUXING })

  const user = await sysadmin.request({
    method: 'POST', url: '/api/users', payload: { username: 'zl.duty', displayName: '织里值班', role: 'duty', regionCode: ZHILI },
  })
  expect(user.statusCode, user.body).toBeLessThan(300)
  userId = user.json().id

  warningId = (await insertWarning(app.db, { regionCode: WUXING, headline: '吴兴区暴雨橙色预警' })).id
  const cancelled = await county.request({ method: 'POST', url: `/api/warnings/${warningId}/cancel`, payload: { version: 1, reason: '误发' } })
  expect(cancelled.statusCode).toBe(200)

  const person = await county.request({ method: 'POST', url: '/api/people', payload: { regionCode: ZHILI, name: '沈小梅', post: '信息员', mobile: '13857211111' } })
  expect(person.statusCode, person.body).toBeLessThan(300)
  personId = person.json().id
  const deleted = await county.request({ method: 'DELETE', url: `/api/people/${personId}?version=${person.json().version}` })
  expect(deleted.statusCode).toBe(200)

  const res = await auditor.request({ url: '/api/audit?pageSize=200' })
  expect(res.statusCode).toBe(200)
  entries = res.json().items
})
afterAll(async () => { await app.close() })

const entryOf = (action: string, id: number) => entries.find((e) => e.action === action && e.entityId === String(id))

describe('the audit list in plain Chinese', () => {
  it('names a user by display name and username, with the region by name beside its code', () => {
    expect(entryOf('user.created', userId)).toMatchObject({
      entityLabel: '账号', entityName: '织里值班（zl.duty）', regionCode: ZHILI, regionName: '湖州市吴兴区织里镇',
    })
  })

  it('names a warning by its headline', () => {
    expect(entryOf('warning.cancelled', warningId)).toMatchObject({
      actionLabel: '撤销预警', entityLabel: '预警', entityName: '吴兴区暴雨橙色预警', regionName: '湖州市吴兴区',
    })
  })

  it('names a deleted person by the name the entries recorded, marked deleted', async () => {
    const gone = await app.db.selectFrom('person').select('id').where('id', '=', personId).executeTakeFirst()
    expect(gone).toBeUndefined()
    for (const action of ['person.created', 'person.deleted']) {
      expect(entryOf(action, personId)).toMatchObject({ entityLabel: '人员', entityName: '沈小梅（已删除）', regionName: '湖州市吴兴区织里镇' })
    }
  })

  it('labels every action and every kind of object in the filters in Chinese', async () => {
    const actions = (await auditor.request({ url: '/api/audit/actions' })).json() as Array<{ action: string; label: string }>
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['user.created', 'warning.cancelled', 'person.deleted', 'auth.login']))
    for (const a of actions) expect(a.label, a.action).toMatch(/^\p{Script=Han}/u)
    const kinds = (await auditor.request({ url: '/api/audit/entities' })).json() as Array<{ entity: string; label: string }>
    expect(kinds.map((k) => k.entity)).toEqual(expect.arrayContaining(['user', 'warning', 'person']))
    for (const k of kinds) expect(k.label, k.entity).toMatch(/^\p{Script=Han}/u)
  })

  it('filters by kind of object', async () => {
    const res = await auditor.request({ url: '/api/audit?entity=warning' })
    expect(res.json().items.map((e: Entry) => e.entity)).toEqual(['warning'])
  })
})

/** Every action the server can write, as written in its source: each must have a Chinese label. */
function actionsInSource(dir: string): string[] {
  const found = new Set<string>()
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name)
    if (entry.isDirectory()) {
      if (entry.name !== 'testing') for (const a of actionsInSource(file)) found.add(a)
      continue
    }
    if (!entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue
    const text = fs.readFileSync(file, 'utf8')
    for (const m of text.matchAll(/\baction: '([a-z_]+\.[a-z_]+)'/g)) found.add(m[1])
    for (const m of text.matchAll(/\? '([a-z_]+\.[a-z_]+)' : '([a-z_]+\.[a-z_]+)'/g)) { found.add(m[1]); found.add(m[2]) }
  }
  return [...found]
}

it('has a Chinese label for every action the server records', () => {
  const root = path.resolve(import.meta.dirname, '../..')
  const actions = actionsInSource(root)
  expect(actions.length).toBeGreaterThan(50)
  expect(actions.filter((a) => !AUDIT_ACTION_LABELS[a])).toEqual([])
})
