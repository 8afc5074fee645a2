import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../db/database.js'
import { createTestDb } from '../../testing/test-app.js'
import { planDemoDirectory, seedDemoDirectory, type DemoCounts } from './demo.js'

let db: Db
let drop: () => Promise<void>
let counts: DemoCounts

beforeAll(async () => {
  ({ db, drop } = await createTestDb())
  counts = await seedDemoDirectory(db, '330500000000')
})
afterAll(async () => { await drop() })

const countWhere = async (table: 'unit' | 'person' | 'leadingGroup', regionLike: string) =>
  (await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('regionCode', 'like', regionLike).executeTakeFirstOrThrow()).n

describe('seedDemoDirectory for 湖州市', () => {
  it('creates the expected numbers of units, people, groups and members', async () => {
    const levels = await db.selectFrom('region').select(['level', (eb) => eb.fn.countAll<number>().as('n')])
      .where('code', 'like', '3305%').groupBy('level').execute()
    const n = Object.fromEntries(levels.map((l) => [l.level, l.n]))
    expect(n).toMatchObject({ city: 1, county: 5, township: 72, village: 1301 })
    // City and counties: government, bureau and three member units, nine people, one group of eight.
    expect(counts).toEqual({ units: 6 * 5 + 72 + 1301, people: 6 * 9 + 72 * 4 + 1301 * 3, groups: 6, members: 6 * 8 })
    expect(await countWhere('unit', '3305%')).toBe(counts.units)
    expect(await countWhere('person', '3305%')).toBe(counts.people)
    expect(await countWhere('leadingGroup', '3305%')).toBe(6)
    expect(await countWhere('person', '3210%')).toBe(0)
  })

  it('gives every township a station with a head, a liaison and two informants', async () => {
    const rows = await db.selectFrom('region as r')
      .innerJoin('unit as u', (j) => j.onRef('u.regionCode', '=', 'r.code').on('u.kind', '=', 'township_station'))
      .leftJoin('person as p', 'p.unitId', 'u.id')
      .select([
        'r.code',
        sql<number>`count(*) filter (where 'head' = any(p.roles))`.as('heads'),
        sql<number>`count(*) filter (where 'liaison' = any(p.roles))`.as('liaisons'),
        sql<number>`count(*) filter (where 'informant' = any(p.roles))`.as('informants'),
      ])
      .where('r.code', 'like', '3305%').where('r.level', '=', 'township').groupBy('r.code').execute()
    expect(rows).toHaveLength(72)
    expect(rows.every((r) => r.heads === 1 && r.liaisons === 1 && r.informants === 2)).toBe(true)
  })

  it('gives every village a head, a liaison and a grid head', async () => {
    const rows = await db.selectFrom('region as r')
      .leftJoin('person as p', 'p.regionCode', 'r.code')
      .select([
        'r.code',
        sql<number>`count(*) filter (where 'head' = any(p.roles))`.as('heads'),
        sql<number>`count(*) filter (where 'liaison' = any(p.roles))`.as('liaisons'),
        sql<number>`count(*) filter (where 'grid_head' = any(p.roles))`.as('gridHeads'),
      ])
      .where('r.code', 'like', '3305%').where('r.level', '=', 'village').groupBy('r.code').execute()
    expect(rows).toHaveLength(1301)
    expect(rows.every((r) => r.heads === 1 && r.liaisons === 1 && r.gridHeads === 1)).toBe(true)
  })

  it('marks everything as demo and names the county bureau and its group', async () => {
    const undemo = await db.selectFrom('person').select('id').where('isDemo', '=', false).execute()
    expect(undemo).toEqual([])
    const bureau = await db.selectFrom('unit').select(['name', 'kind', 'phone']).where('regionCode', '=', '330502000000').where('name', 'like', '%应急管理局%').executeTakeFirstOrThrow()
    expect(bureau).toMatchObject({ name: '吴兴区应急管理局（演示）', kind: 'government' })
    expect(bureau.phone).toMatch(/^0572-2\d{6}$/)
    const group = await db.selectFrom('leadingGroup as g').innerJoin('unit as u', 'u.id', 'g.officeUnitId')
      .select(['g.name', 'u.name as office']).where('g.regionCode', '=', '330502000000').executeTakeFirstOrThrow()
    expect(group).toEqual({ name: '吴兴区应急管理领导小组（演示）', office: '吴兴区应急管理局（演示）' })
    const positions = await db.selectFrom('leadingGroupMember as m').innerJoin('leadingGroup as g', 'g.id', 'm.groupId')
      .innerJoin('person as p', 'p.id', 'm.personId').select(['m.position', 'p.post'])
      .where('g.regionCode', '=', '330502000000').orderBy('m.sort').execute()
    expect(positions[0]).toEqual({ position: 'leader', post: '区长' })
    const mobiles = await db.selectFrom('person').select('mobile').execute()
    expect(mobiles.every((p) => /^1385\d{7}$/.test(p.mobile!))).toBe(true)
    expect(new Set(mobiles.map((p) => p.mobile)).size).toBe(mobiles.length)
  })

  it('writes one summary audit entry and does nothing the second time', async () => {
    const again = await seedDemoDirectory(db, '330500000000')
    expect(again).toEqual({ units: 0, people: 0, groups: 0, members: 0 })
    const audit = await db.selectFrom('auditLog').select(['action', 'entity', 'regionCode', 'after']).execute()
    expect(audit).toEqual([{ action: 'demo.seeded', entity: 'directory', regionCode: '330500000000', after: counts }])
  })

  it('plans the same data for the same regions', async () => {
    const regions = await db.selectFrom('region').select(['code', 'name', 'level', 'kind', 'fullName']).where('code', 'like', '330502%').orderBy('code').execute()
    const a = planDemoDirectory(regions, '330502000000')
    const b = planDemoDirectory(regions, '330502000000')
    expect(a).toEqual(b)
    expect(new Set(a.people.map((p) => p.name)).size).toBeGreaterThan(a.people.length / 4)
  })
})
