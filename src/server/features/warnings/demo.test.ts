import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Db } from '../../db/database.js'
import { scopeOf } from '../../db/scope.js'
import { createTestDb } from '../../testing/test-app.js'
import { seedDemo } from '../demo/seed.js'
import { previewRecipients } from '../linkage/recipients.js'
import { seedWarningsDemo } from './demo.js'
import { storedTarget } from './drafting/input.js'

const WUXING = '330502000000'
let db: Db
let drop: () => Promise<void>
beforeAll(async () => {
  ({ db, drop } = await createTestDb())
  await seedDemo(db, WUXING)
})
afterAll(async () => { await drop() })

it('links each working demo account to a demo person of its own region, each a different one', async () => {
  const accounts = await db.selectFrom('appUser as u').leftJoin('person as p', 'p.id', 'u.personId')
    .select(['u.username', 'u.regionCode', 'u.personId', 'p.regionCode as personRegion', 'p.roles', 'p.isDemo'])
    .where('u.isDemo', '=', true).orderBy('u.username').execute()
  const linked = accounts.filter((a) => a.personId !== null)
  // Rooted at a county, demo-city is that county's second manager account.
  expect(linked.map((a) => a.username).sort()).toEqual(['demo-city', 'demo-county', 'demo-duty', 'demo-township', 'demo-village'])
  for (const a of linked) {
    expect(a.personRegion).toBe(a.regionCode)
    expect(a.isDemo).toBe(true)
  }
  expect(new Set(linked.map((a) => a.personId)).size).toBe(linked.length)
  expect(linked.find((a) => a.username === 'demo-duty')!.roles).toContain('duty_officer')
  expect(linked.find((a) => a.username === 'demo-village')!.roles).toContain('head')
  // Administrators are not responsible people.
  expect(accounts.find((a) => a.username === 'demo-admin')!.personId).toBeNull()
})

it('creates the county\'s 防汛责任人 group and one orange rainstorm draft for three townships, issuing nothing', async () => {
  const groups = await db.selectFrom('linkageGroup').selectAll().where('isDemo', '=', true).execute()
  expect(groups).toHaveLength(1)
  expect(groups[0]).toMatchObject({ regionCode: WUXING, name: '防汛责任人', kind: 'custom', roles: ['flood_control'], subtree: true })

  const warnings = await db.selectFrom('warning').selectAll().execute()
  expect(warnings).toHaveLength(1)
  const w = warnings[0]
  expect(w).toMatchObject({ status: 'draft', level: 2, eventType: '暴雨', regionCode: WUXING, identifier: null })
  const target = storedTarget(w.target)
  expect(target.regions).toHaveLength(3)
  for (const code of target.regions) expect(code.startsWith('330502')).toBe(true)
  const county = await db.selectFrom('appUser').select('id').where('username', '=', 'demo-county').executeTakeFirstOrThrow()
  expect(w.createdBy).toBe(county.id)

  // Someone would receive it: the village heads of those townships.
  const preview = await previewRecipients(db, scopeOf(WUXING), { regionCode: WUXING, target })
  expect(preview.byLevel.village).toBeGreaterThan(0)
  expect(await db.selectFrom('job').select('id').execute()).toEqual([])
  expect(await db.selectFrom('delivery').select('id').execute()).toEqual([])
})

it('does nothing the second time', async () => {
  expect(await seedWarningsDemo(db, WUXING)).toEqual({ linkedAccounts: 0, groups: 0, drafts: 0 })
  expect(await db.selectFrom('warning').select('id').execute()).toHaveLength(1)
})
