import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../db/database.js'
import { createTestDb } from '../../testing/test-app.js'
import { loadRegions } from './load.js'

let db: Db
let drop: () => Promise<void>
beforeAll(async () => { ({ db, drop } = await createTestDb()) })
afterAll(async () => { await drop() })

/** Every row under a prefix with its xmin: the id of the transaction that last wrote it. */
async function snapshot(prefix: string) {
  const { rows } = await sql<{ code: string; xmin: string }>`
    select code, xmin::text from region where code like ${prefix + '%'} order by code
  `.execute(db)
  return rows
}

describe('loadRegions', () => {
  it('loads a county with its ancestors, and a second load writes nothing', async () => {
    // 杭州市西湖区: not in the template (which holds 湖州 and 扬州); 12 townships, 222 villages.
    const first = await loadRegions(db, '330106')
    expect(first.byLevel).toEqual({ province: 1, city: 1, county: 1, township: 12, village: 222 })
    // 浙江省 came with 湖州 already, so it is the only row not written.
    expect(first.changed).toBe(first.rows - 1)
    const before = await snapshot('330106')
    expect(before).toHaveLength(1 + 12 + 222)
    expect(await db.selectFrom('region').select('fullName').where('code', '=', '330100000000').executeTakeFirst()).toEqual({ fullName: '杭州市' })

    const second = await loadRegions(db, '330106')
    expect(second.rows).toBe(first.rows)
    expect(second.changed).toBe(0)
    expect(await snapshot('330106')).toEqual(before)
  })

  it('changes nothing when the template regions are loaded again', async () => {
    const before = await snapshot('3305')
    const again = await loadRegions(db, '3305')
    expect(again.changed).toBe(0)
    expect(await snapshot('3305')).toEqual(before)
  })

  it('rewrites a row that differs from the tables, and only that row', async () => {
    await db.updateTable('region').set({ name: '改错的名字' }).where('code', '=', '330502001000').execute()
    const again = await loadRegions(db, '330502')
    expect(again.changed).toBe(1)
    const row = await db.selectFrom('region').select(['name', 'fullName', 'level', 'kind', 'parentCode']).where('code', '=', '330502001000').executeTakeFirstOrThrow()
    expect(row).toEqual({ name: '月河街道', fullName: '湖州市吴兴区月河街道', level: 'township', kind: '街道', parentCode: '330502000000' })
  })

  it('builds full names from the city down, and from the province where the city is a filler row', async () => {
    await loadRegions(db, '110101001')
    const names = await db.selectFrom('region').select(['code', 'name', 'fullName'])
      .where('code', 'in', ['110000000000', '110100000000', '110101000000', '110101001000', '110101001001']).orderBy('code').execute()
    expect(names).toEqual([
      { code: '110000000000', name: '北京市', fullName: '北京市' },
      { code: '110100000000', name: '市辖区', fullName: '北京市' },
      { code: '110101000000', name: '东城区', fullName: '北京市东城区' },
      { code: '110101001000', name: '东华门街道', fullName: '北京市东城区东华门街道' },
      { code: '110101001001', name: '多福巷社区居委会', fullName: '北京市东城区东华门街道多福巷社区居委会' },
    ])
  })

  it('refuses a prefix that is not digits', async () => {
    await expect(loadRegions(db, '33a')).rejects.toThrow('区划代码前缀')
  })
})
