import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../db/database.js'
import { createTestDb } from '../../testing/test-app.js'
import { seedDemoDirectory } from '../directory/demo.js'
import { planDemoResources, seedDemoResources, type DemoResourceCounts } from './demo.js'

let db: Db
let drop: () => Promise<void>
let counts: DemoResourceCounts

beforeAll(async () => {
  ({ db, drop } = await createTestDb())
  await seedDemoDirectory(db, '330500000000')
  counts = await seedDemoResources(db, '330500000000')
})
afterAll(async () => { await drop() })

const byKind = async () => Object.fromEntries((await db.selectFrom('resource').select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
  .groupBy('kind').execute()).map((r) => [r.kind, r.n]))

describe('seedDemoResources for 湖州市 (5 counties, 72 townships, 1301 villages)', () => {
  it('creates teams and storage points per county, township and most villages, one shelter per township', async () => {
    const villageTeams = counts.teams - 5 - 72
    expect(villageTeams).toBeGreaterThan(1301 * 0.6)
    expect(villageTeams).toBeLessThan(1301 * 0.8)
    expect(counts).toMatchObject({ storagePoints: counts.teams, shelters: 72, suppliers: 10, agreements: 20, experts: 6 + 5 * 3 })
    expect(counts.riskPoints).toBeGreaterThan(10)
    expect(await byKind()).toEqual({
      team: counts.teams, storage_point: counts.storagePoints, shelter: 72, risk_point: counts.riskPoints, supplier: 10, expert: counts.experts,
    })
    for (const kind of ['team', 'storage_point', 'shelter', 'risk_point', 'supplier', 'expert']) {
      // Detail tables are named after their kind.
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from resource r
        where r.kind = ${kind} and not exists (select 1 from ${sql.table(kind)} d where d.resource_id = r.id)`.execute(db)
      expect(rows[0].n, kind).toBe(0)
    }
    const levels = await db.selectFrom('resource as r').innerJoin('region as g', 'g.code', 'r.regionCode').innerJoin('team as t', 't.resourceId', 'r.id')
      .select(['g.level', 't.level as teamLevel', (eb) => eb.fn.countAll<number>().as('n')]).groupBy(['g.level', 't.level']).orderBy('g.level').execute()
    expect(levels).toEqual([
      { level: 'county', teamLevel: 'county', n: 5 },
      { level: 'township', teamLevel: 'township', n: 72 },
      { level: 'village', teamLevel: 'village', n: counts.teams - 77 },
    ])
  })

  it('leaves a few teams below the minimum so the shortfall shows', async () => {
    const short = await db.selectFrom('team').select(['level', (eb) => eb.fn.countAll<number>().as('n')])
      .where((eb) => eb.or([eb.and([eb('level', '=', 'township'), eb('headcount', '<', 30)]), eb.and([eb('level', '=', 'village'), eb('headcount', '<', 10)])]))
      .groupBy('level').orderBy('level').execute()
    expect(short.map((s) => s.level)).toEqual(['township', 'village'])
    expect(short[0].n).toBeLessThan(72 / 3)
    expect(short[1].n).toBeLessThan((counts.teams - 77) / 3)
  })

  it('names the directory people of the region as responsible and liaison', async () => {
    const teams = await db.selectFrom('resource as r').innerJoin('region as g', 'g.code', 'r.regionCode')
      .innerJoin('person as h', 'h.id', 'r.responsiblePersonId').innerJoin('person as l', 'l.id', 'r.liaisonPersonId')
      .select(['r.regionCode', 'h.regionCode as headRegion', 'h.roles as headRoles', 'l.regionCode as liaisonRegion', 'l.roles as liaisonRoles'])
      .where('r.kind', '=', 'team').where('g.level', '=', 'township').execute()
    expect(teams).toHaveLength(72)
    expect(teams.every((t) => t.headRegion === t.regionCode && t.headRoles.includes('head') && t.liaisonRegion === t.regionCode && t.liaisonRoles.includes('liaison'))).toBe(true)
    const experts = await db.selectFrom('resource as r').innerJoin('person as p', 'p.id', 'r.responsiblePersonId')
      .select(['r.name', 'p.name as personName', 'p.roles', 'p.mobile']).where('r.kind', '=', 'expert').execute()
    expect(experts).toHaveLength(counts.experts)
    expect(experts.every((e) => e.name === `${e.personName}（演示）` && e.roles.includes('expert') && /^1395720\d{4}$/.test(e.mobile!))).toBe(true)
  })

  it('marks everything as demo, invents no coordinates, and has stale and fresh records', async () => {
    const rows = await db.selectFrom('resource').select(['name', 'isDemo', 'lng', 'lat', 'confirmedAt']).execute()
    expect(rows.every((r) => r.isDemo && r.name.endsWith('（演示）') && r.lng === null && r.lat === null)).toBe(true)
    const stale = rows.filter((r) => r.confirmedAt === null || Date.now() - r.confirmedAt.getTime() > 180 * 86_400_000).length
    expect(stale).toBeGreaterThan(rows.length * 0.05)
    expect(stale).toBeLessThan(rows.length * 0.3)
  })

  it('has agreements ending within 30 days', async () => {
    const { ending } = await db.selectFrom('supplyAgreement')
      .select(sql<number>`count(*) filter (where ends_on between current_date and current_date + 30)`.as('ending')).executeTakeFirstOrThrow()
    expect(ending).toBeGreaterThanOrEqual(2)
  })

  it('writes one summary audit entry and does nothing the second time', async () => {
    expect(await seedDemoResources(db, '330500000000')).toEqual({ teams: 0, experts: 0, storagePoints: 0, shelters: 0, riskPoints: 0, suppliers: 0, agreements: 0 })
    const audit = await db.selectFrom('auditLog').select(['after']).where('entity', '=', 'resources').execute()
    expect(audit).toEqual([{ after: counts }])
  })

  it('plans the same records for the same regions', async () => {
    const regions = await db.selectFrom('region').select(['code', 'name', 'level', 'parentCode', 'fullName']).where('code', 'like', '330502%').orderBy('code').execute()
    const contacts = new Map([['330502000000', { head: 1, liaison: 2 }]])
    expect(planDemoResources(regions, contacts, '330502000000', '2026-03-01')).toEqual(planDemoResources(regions, contacts, '330502000000', '2026-03-01'))
  })
})
