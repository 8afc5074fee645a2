import { sql, type Kysely } from 'kysely'
import { AUDIT_CHAIN_LOCK, chainHash, GENESIS_HASH, type ChainedFields } from '../../features/audit/record.js'

/**
 * Numeric and double precision columns hold finite numbers only. PostgreSQL's numeric takes
 * 'Infinity' and 'NaN', and the existing `>= 0` checks let both through ('NaN' sorts above every
 * number); such a value, read back, broke every list that showed it. The API now refuses
 * non-finite input (plugins/validation.ts); these checks are the database's own guarantee.
 *
 * Rows that already hold such a value are repaired first, so an upgrade never fails on old data:
 * a nullable column becomes NULL, a required one the nearest value its other checks accept.
 * Every repair is written to the audit log (`migration.repaired`, with the old and new value),
 * where the offices can find the records to correct.
 */

type Repair = {
  table: string
  column: string
  /** The row's id column, and where its region comes from. */
  key: string
  region: string
  from: string
  /** The value that replaces a non-finite one. */
  replacement: string
}

const REPAIRS: Repair[] = [
  { table: 'storage_point', column: 'area_m2', key: 't.resource_id', region: 'r.region_code', from: 'storage_point t join resource r on r.id = t.resource_id', replacement: 'null' },
  { table: 'storage_point', column: 'volume_m3', key: 't.resource_id', region: 'r.region_code', from: 'storage_point t join resource r on r.id = t.resource_id', replacement: 'null' },
  // Required and above 0, with capacity ≤ area / 1.5: the smallest area the capacity fits in.
  { table: 'shelter', column: 'effective_area_m2', key: 't.resource_id', region: 'r.region_code', from: 'shelter t join resource r on r.id = t.resource_id', replacement: 'greatest(t.capacity * 1.5, 1)' },
  { table: 'supply_agreement', column: 'quantity', key: 't.id', region: 't.region_code', from: 'supply_agreement t', replacement: 'null' },
  { table: 'supply', column: 'quantity', key: 't.id', region: 't.region_code', from: 'supply t', replacement: '0' },
  { table: 'stock_movement', column: 'delta', key: 't.id', region: 's.region_code', from: 'stock_movement t join supply s on s.id = t.supply_id', replacement: '0' },
  { table: 'stock_movement', column: 'balance', key: 't.id', region: 's.region_code', from: 'stock_movement t join supply s on s.id = t.supply_id', replacement: '0' },
]

/** Columns whose other checks did not already bound them (lng/lat have `between`). */
const FINITE: Array<[table: string, column: string]> = [
  ['storage_point', 'area_m2'], ['storage_point', 'volume_m3'], ['shelter', 'effective_area_m2'],
  ['supply_agreement', 'quantity'], ['supply', 'quantity'], ['stock_movement', 'delta'], ['stock_movement', 'balance'],
  ['map_cell', 'sum_lng'], ['map_cell', 'sum_lat'], ['map_cell_level', 'size'],
]

const NON_FINITE = sql.raw(`('Infinity', '-Infinity', 'NaN')`)

/** One audit entry, chained like features/audit/record.ts writes them, with the columns of this version. */
async function audit(db: Kysely<unknown>, fields: Omit<ChainedFields, 'at' | 'actorId' | 'actorName' | 'ip'>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`.execute(db)
  const { rows } = await sql<{ hash: string }>`select hash from audit_log order by id desc limit 1`.execute(db)
  const prevHash = rows[0]?.hash ?? GENESIS_HASH
  const chained: ChainedFields = { at: new Date().toISOString(), actorId: null, actorName: '系统', ip: null, ...fields }
  await sql`
    insert into audit_log (at, actor_id, actor_name, ip, action, entity, entity_id, region_code, before, after, prev_hash, hash)
    values (${chained.at}, null, ${chained.actorName}, null, ${chained.action}, ${chained.entity}, ${chained.entityId},
      ${chained.regionCode}, ${JSON.stringify(chained.before)}, ${JSON.stringify(chained.after)}, ${prevHash}, ${chainHash(prevHash, chained)})
  `.execute(db)
}

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const r of REPAIRS) {
    // One-word aliases: the result reads the same with or without the app's camelCase plugin.
    const { rows } = await sql<{ id: string; region: string | null; was: string; fixed: string | null }>`
      select ${sql.raw(r.key)}::text as id, ${sql.raw(r.region)} as region, ${sql.raw(`t.${r.column}`)}::text as was,
        (${sql.raw(r.replacement)})::text as fixed
      from ${sql.raw(r.from)}
      where ${sql.raw(`t.${r.column}`)} in ${NON_FINITE}
      order by 1
    `.execute(db)
    for (const row of rows) {
      const keyColumn = sql.raw(r.key.replace(/^t\./, ''))
      await sql`
        update ${sql.table(r.table)} t set ${sql.raw(r.column)} = ${sql.raw(r.replacement)}
        where ${keyColumn} = ${row.id}::bigint
      `.execute(db)
      await audit(db, {
        action: 'migration.repaired', entity: r.table, entityId: row.id, regionCode: row.region,
        before: { [r.column]: row.was }, after: { [r.column]: row.fixed === null ? null : Number(row.fixed) },
      })
    }
  }
  for (const [table, column] of FINITE) {
    await sql`
      alter table ${sql.table(table)} add constraint ${sql.id(`${table}_${column}_finite`)}
        check (${sql.ref(column)} not in ${NON_FINITE})
    `.execute(db)
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [table, column] of FINITE) {
    await sql`alter table ${sql.table(table)} drop constraint ${sql.id(`${table}_${column}_finite`)}`.execute(db)
  }
}
