import crypto from 'node:crypto'
import { Migrator, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { createDb, type Db } from '../database.js'
import { MIGRATIONS } from '../migrations.js'

/**
 * The upgrade that gives every position its source, over positions stored before: a database
 * migrated to the version before 0019 gets synthetic and published region positions, demo,
 * imported, typed and map-moved resources, then is migrated to the latest version.
 */

const NAME = '0019_position_sources'
const COUNTY = '330502000000'
const TOWN = '330502001000'
const VILLAGE = '330502001005'
const UNPLACED = '330502001006'

let admin: Db
let db: Db
let dbName: string
const migrator = () => new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } })
let ids: Record<'demo' | 'imported' | 'typed' | 'moved' | 'unplaced' | 'supply', number>

async function seedOldPositions() {
  await sql`insert into region (code, name, level, parent_code, full_name, lng, lat, position_synthetic) values
    ('330500000000', '湖州市', 'city', null, '湖州市', 120.0, 30.8, false),
    (${COUNTY}, '吴兴区', 'county', '330500000000', '湖州市吴兴区', 120.1, 30.8, false),
    (${TOWN}, '月河街道', 'township', ${COUNTY}, '湖州市吴兴区月河街道', 120.11, 30.81, true),
    (${VILLAGE}, '浮星桥社区居委会', 'village', ${TOWN}, '湖州市吴兴区月河街道浮星桥社区居委会', 120.111, 30.811, true),
    (${UNPLACED}, '马军巷社区居委会', 'village', ${TOWN}, '湖州市吴兴区月河街道马军巷社区居委会', null, null, false)`.execute(db)
  const resource = async (name: string, extra: { lng?: number | null; isDemo?: boolean; importKey?: string | null } = {}) =>
    (await sql<{ id: number }>`insert into resource (kind, region_code, name, lng, lat, is_demo, import_key)
      values ('storage_point', ${TOWN}, ${name}, ${extra.lng === undefined ? 120.2 : extra.lng}, ${extra.lng === null ? null : 30.8},
        ${extra.isDemo ?? false}, ${extra.importKey ?? null}) returning id`.execute(db)).rows[0].id
  const demo = await resource('演示储备点', { isDemo: true })
  const imported = await resource('台账储备点', { importKey: 'storage|台账储备点' })
  const typed = await resource('手填储备点')
  const moved = await resource('拖动过的演示点', { isDemo: true })
  const unplaced = await resource('无位置储备点', { lng: null })
  await sql`insert into audit_log (actor_name, action, entity, entity_id, region_code, after, prev_hash, hash)
    values ('张三', 'map.location_changed', 'resource', ${String(moved)}, ${TOWN}, '{"lng":120.2,"lat":30.8}', 'x', 'y')`.execute(db)
  const supply = (await sql<{ id: number }>`insert into supply (region_code, class_code, name, quantity, lng, lat, is_demo)
    select ${TOWN}, min(code), '演示救生衣', 1, 120.3, 30.9, true from supply_class returning id`.execute(db)).rows[0].id
  return { demo, imported, typed, moved, unplaced, supply }
}

beforeAll(async () => {
  const adminUrl = inject('pgAdminUrl')
  admin = createDb(adminUrl, 1)
  dbName = `m_${crypto.randomBytes(6).toString('hex')}`
  await sql`create database ${sql.id(dbName)}`.execute(admin)
  db = createDb(adminUrl.replace(/\/postgres$/, `/${dbName}`), 2)
  const names = Object.keys(MIGRATIONS).sort()
  const { error } = await migrator().migrateTo(names[names.indexOf(NAME) - 1])
  if (error) throw error
  ids = await seedOldPositions()
  const up = await migrator().migrateToLatest()
  if (up.error) throw up.error
}, 120_000)

afterAll(async () => {
  await db.destroy()
  await sql`drop database if exists ${sql.id(dbName)} with (force)`.execute(admin)
  await admin.destroy()
})

describe(`migration ${NAME}`, () => {
  it('makes invented region positions sketches and published ones imports, with a note', async () => {
    const rows = await db.selectFrom('region').select(['code', 'positionSource', 'positionNote']).orderBy('code').execute()
    expect(rows).toEqual([
      { code: '330500000000', positionSource: 'imported', positionNote: '下辖区县中心点的平均' },
      { code: COUNTY, positionSource: 'imported', positionNote: '区县中心点（公开地图数据，近似）' },
      { code: TOWN, positionSource: 'sketch', positionNote: null },
      { code: VILLAGE, positionSource: 'sketch', positionNote: null },
      { code: UNPLACED, positionSource: null, positionNote: null },
    ])
    const { rows: cols } = await sql<{ n: number }>`select count(*)::int as n from information_schema.columns where table_name = 'region' and column_name = 'position_synthetic'`.execute(db)
    expect(cols[0].n).toBe(0)
  })

  it('tells resource positions apart: moved on the map, demo, imported, typed', async () => {
    const source = async (table: 'resource' | 'supply', id: number) =>
      (await db.selectFrom(table).select('positionSource').where('id', '=', id).executeTakeFirstOrThrow()).positionSource
    expect(await source('resource', ids.moved)).toBe('manual')
    expect(await source('resource', ids.demo)).toBe('sketch')
    expect(await source('resource', ids.imported)).toBe('imported')
    expect(await source('resource', ids.typed)).toBe('manual')
    expect(await source('resource', ids.unplaced)).toBeNull()
    expect(await source('supply', ids.supply)).toBe('sketch')
  })

  it('keeps a region position and its source together from now on', async () => {
    const refused = (q: ReturnType<typeof sql>) => q.execute(db).then(() => null, (e: { constraint?: string }) => e.constraint ?? 'refused')
    expect(await refused(sql`update region set position_source = 'guessed' where code = ${VILLAGE}`)).toMatch(/position_source/)
    // A check the trigger would fill in is still refused where the trigger does not run: a source without a position.
    expect(await refused(sql`alter table region disable trigger region_position_source`)).toBe(null)
    expect(await refused(sql`update region set position_source = 'manual' where code = ${UNPLACED}`)).toBe('region_position_source_present')
    expect(await refused(sql`alter table region enable trigger region_position_source`)).toBe(null)
    expect(await refused(sql`update region set lng = 120.2, lat = 30.8 where code = ${UNPLACED}`)).toBe(null)
    expect((await db.selectFrom('region').select('positionSource').where('code', '=', UNPLACED).executeTakeFirstOrThrow()).positionSource).toBe('manual')
  })
})
