import crypto from 'node:crypto'
import { Migrator, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { verifyChain } from '../../features/audit/verify.js'
import { createDb, type Db } from '../database.js'
import { MIGRATIONS } from '../migrations.js'

/**
 * The upgrade over data written before numbers were checked: a database migrated up to the
 * version before 0010 is given Infinity and NaN where the old checks let them in, then migrated
 * to the latest version. The upgrade must not fail, must repair every such value, say so in the
 * audit log, and from then on the database refuses them itself.
 */

const NAME = '0010_finite_numbers'
const REGION = '330502000000'

let admin: Db
let db: Db
let dbName: string
const migrator = () => new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } })

type Ids = { storage: number; storageOk: number; shelter: number; agreement: number; supply: number; movement: number }
let ids: Ids

/** Rows as an old version could store them, through the API's unchecked "1e999" or by hand. */
async function seedNonFinite(): Promise<Ids> {
  await sql`insert into region (code, name, level, full_name) values (${REGION}, '吴兴区', 'county', '湖州市吴兴区')`.execute(db)
  const resource = async (kind: string, name: string) =>
    (await sql<{ id: number }>`insert into resource (kind, region_code, name) values (${kind}, ${REGION}, ${name}) returning id`.execute(db)).rows[0].id
  const storage = await resource('storage_point', '无穷大储备点')
  await sql`insert into storage_point (resource_id, storage_kind, area_m2, volume_m3) values (${storage}, 'point', 'Infinity', 'NaN')`.execute(db)
  const storageOk = await resource('storage_point', '正常储备点')
  await sql`insert into storage_point (resource_id, storage_kind, area_m2, volume_m3) values (${storageOk}, 'point', 120.5, 300)`.execute(db)
  const shelter = await resource('shelter', '无穷大避难场所')
  await sql`insert into shelter (resource_id, space_type, effective_area_m2, capacity) values (${shelter}, 'outdoor', 'Infinity', 10)`.execute(db)
  const supplier = await resource('supplier', '保供超市')
  await sql`insert into supplier (resource_id) values (${supplier})`.execute(db)
  const agreement = (await sql<{ id: number }>`
    insert into supply_agreement (supplier_id, region_code, item_name, quantity) values (${supplier}, ${REGION}, '矿泉水', 'Infinity') returning id
  `.execute(db)).rows[0].id
  const supply = (await sql<{ id: number }>`
    insert into supply (region_code, class_code, name, quantity) select ${REGION}, min(code), '救生衣', 'Infinity' from supply_class returning id
  `.execute(db)).rows[0].id
  const movement = (await sql<{ id: number }>`
    insert into stock_movement (supply_id, kind, delta, balance, reason, actor_name) values (${supply}, 'in', 'Infinity', 'Infinity', '建账', '张三') returning id
  `.execute(db)).rows[0].id
  return { storage, storageOk, shelter, agreement, supply, movement }
}

beforeAll(async () => {
  const adminUrl = inject('pgAdminUrl')
  admin = createDb(adminUrl, 1)
  dbName = `m_${crypto.randomBytes(6).toString('hex')}`
  await sql`create database ${sql.id(dbName)}`.execute(admin)
  db = createDb(adminUrl.replace(/\/postgres$/, `/${dbName}`), 2)
  const names = Object.keys(MIGRATIONS).sort()
  const previous = names[names.indexOf(NAME) - 1]
  const { error } = await migrator().migrateTo(previous)
  if (error) throw error
  ids = await seedNonFinite()
  const up = await migrator().migrateToLatest()
  if (up.error) throw up.error
}, 120_000)

afterAll(async () => {
  await db.destroy()
  await sql`drop database if exists ${sql.id(dbName)} with (force)`.execute(admin)
  await admin.destroy()
})

describe(`migration ${NAME}`, () => {
  it('repairs every non-finite value and leaves finite ones alone', async () => {
    const one = async <T>(query: ReturnType<typeof sql<T>>) => (await query.execute(db)).rows[0]
    expect(await one(sql`select area_m2, volume_m3 from storage_point where resource_id = ${ids.storage}`)).toEqual({ areaM2: null, volumeM3: null })
    expect(await one(sql`select area_m2, volume_m3 from storage_point where resource_id = ${ids.storageOk}`)).toEqual({ areaM2: 120.5, volumeM3: 300 })
    // The smallest area the recorded capacity fits in (1.5 m² a person).
    expect(await one(sql`select effective_area_m2, capacity from shelter where resource_id = ${ids.shelter}`)).toEqual({ effectiveAreaM2: 15, capacity: 10 })
    expect(await one(sql`select quantity from supply_agreement where id = ${ids.agreement}`)).toEqual({ quantity: null })
    expect(await one(sql`select quantity from supply where id = ${ids.supply}`)).toEqual({ quantity: 0 })
    expect(await one(sql`select delta, balance from stock_movement where id = ${ids.movement}`)).toEqual({ delta: 0, balance: 0 })
  })

  it('writes each repair to the audit log, old and new value, and the chain still verifies', async () => {
    const entries = await db.selectFrom('auditLog').select(['action', 'entity', 'entityId', 'regionCode', 'before', 'after', 'actorName'])
      .where('action', '=', 'migration.repaired').orderBy('id').execute()
    expect(entries.map((e) => [e.entity, e.before, e.after])).toEqual([
      ['storage_point', { area_m2: 'Infinity' }, { area_m2: null }],
      ['storage_point', { volume_m3: 'NaN' }, { volume_m3: null }],
      ['shelter', { effective_area_m2: 'Infinity' }, { effective_area_m2: 15 }],
      ['supply_agreement', { quantity: 'Infinity' }, { quantity: null }],
      ['supply', { quantity: 'Infinity' }, { quantity: 0 }],
      ['stock_movement', { delta: 'Infinity' }, { delta: 0 }],
      ['stock_movement', { balance: 'Infinity' }, { balance: 0 }],
    ])
    expect(entries.every((e) => e.regionCode === REGION && e.actorName === '系统')).toBe(true)
    expect(entries[0].entityId).toBe(String(ids.storage))
    expect((await verifyChain(db)).ok).toBe(true)
  })

  it('refuses Infinity and NaN from now on', async () => {
    const refused = async (query: ReturnType<typeof sql>) => {
      const err = await query.execute(db).then(() => null, (e: { code?: string; constraint?: string }) => e)
      return err && `${err.code} ${err.constraint}`
    }
    expect(await refused(sql`update storage_point set area_m2 = 'Infinity' where resource_id = ${ids.storageOk}`)).toBe('23514 storage_point_area_m2_finite')
    expect(await refused(sql`update supply set quantity = 'NaN' where id = ${ids.supply}`)).toBe('23514 supply_quantity_finite')
    expect(await refused(sql`update stock_movement set delta = '-Infinity' where id = ${ids.movement}`)).toBe('23514 stock_movement_delta_finite')
    expect(await refused(sql`update supply set quantity = 5 where id = ${ids.supply}`)).toBe(null)
  })

  it('leaves no numeric or floating column of the schema unbounded', async () => {
    // A check that names the column and either excludes Infinity or bounds it from above (which
    // also excludes NaN, since PostgreSQL sorts NaN above every number).
    const { rows } = await sql<{ tableName: string; columnName: string; checks: string[] }>`
      select c.table_name, c.column_name,
        array(select pg_get_constraintdef(k.oid) from pg_constraint k
              join pg_attribute a on a.attrelid = k.conrelid and a.attnum = any (k.conkey)
              where k.contype = 'c' and k.conrelid = (quote_ident(c.table_name))::regclass and a.attname = c.column_name) as checks
      from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
      where c.table_schema = 'public' and c.data_type in ('numeric', 'double precision', 'real')
      order by 1, 2`.execute(db)
    expect(rows.length).toBeGreaterThan(10)
    const unbounded = rows.filter((r) => !r.checks.some((def) => def.includes('Infinity') || /\s<=?\s/.test(def)))
    expect(unbounded.map((r) => `${r.tableName}.${r.columnName}`)).toEqual([])
  })
})
