import { sql, type Transaction } from 'kysely'
import type { Db } from '../../db/database.js'
import type { Database } from '../../db/types.js'
import { recordAudit, type Actor } from '../audit/record.js'
import { DEMO_TABLES } from './presence.js'

/**
 * Removes every demo row and every demo account in one transaction (`npm run demo:purge`), so a
 * deployment that started with the demo can go into service with its own data alone.
 *
 * Real rows may point at demo rows: a real supply line kept at a demo storage point, a real
 * leading group with a demo member, a real warning that reached demo people. The foreign keys say
 * which, so they are read from the catalogue rather than listed here, and a table added later is
 * covered the day it is created. A reference the database does not settle by itself (no ON
 * DELETE action) is cleared where the column allows it (the real row stays, its version moves on
 * so an open edit form cannot write the old reference back) and otherwise the referring row goes
 * with what it refers to (a membership, a recipient row). Then the demo rows go; details and
 * sessions follow by their cascades. Should anything still refer to a demo row, the whole purge
 * is rolled back and nothing changes.
 *
 * The audit log keeps its entries about demo rows (it is append-only), and records the purge.
 * A marker setting keeps the next start from seeding the demo again into a database that now
 * has no accounts.
 */

export const DEMO_PURGED_SETTING = 'demo.purged_at'

type ForeignKey = { table: string; column: string; notNull: boolean; hasVersion: boolean; target: string; targetColumn: string }

export type PurgeResult = {
  /** Demo rows removed, by table. */
  removed: Record<string, number>
  /** Real rows that referred to demo rows: references cleared, or rows removed with them, by "table.column". */
  cleared: Record<string, number>
  dependents: Record<string, number>
}

/** Single-column foreign keys into the demo tables that the database leaves to us (NO ACTION / RESTRICT). */
async function foreignKeysIntoDemo(trx: Transaction<Database>): Promise<ForeignKey[]> {
  const { rows } = await sql<ForeignKey>`
    select c.conrelid::regclass::text as table, a.attname as column, a.attnotnull as not_null,
      exists (select from pg_attribute v where v.attrelid = c.conrelid and v.attname = 'version' and not v.attisdropped) as has_version,
      c.confrelid::regclass::text as target, t.attname as target_column
    from pg_constraint c
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
    join pg_attribute t on t.attrelid = c.confrelid and t.attnum = c.confkey[1]
    where c.contype = 'f' and cardinality(c.conkey) = 1 and c.confdeltype in ('a', 'r')
      and c.connamespace = current_schema()::regnamespace
      and c.confrelid::regclass::text = any(${[...DEMO_TABLES]}::text[])
    order by 1, 2`.execute(trx)
  return rows
}

const count = (n: bigint | undefined) => Number(n ?? 0)

export async function purgeDemo(db: Db, actor: Actor): Promise<PurgeResult> {
  return db.transaction().execute(async (trx) => {
    const result: PurgeResult = { removed: {}, cleared: {}, dependents: {} }
    for (const fk of await foreignKeysIntoDemo(trx)) {
      const doomed = sql`select ${sql.ref(fk.targetColumn)} from ${sql.table(fk.target)} where is_demo`
      const key = `${fk.table}.${fk.column}`
      if (fk.notNull) {
        const r = await sql`delete from ${sql.table(fk.table)} where ${sql.ref(fk.column)} in (${doomed})`.execute(trx)
        if (count(r.numAffectedRows) > 0) result.dependents[key] = count(r.numAffectedRows)
      } else {
        const bump = fk.hasVersion ? sql`, version = version + 1` : sql``
        const r = await sql`update ${sql.table(fk.table)} set ${sql.ref(fk.column)} = null ${bump} where ${sql.ref(fk.column)} in (${doomed})`.execute(trx)
        if (count(r.numAffectedRows) > 0) result.cleared[key] = count(r.numAffectedRows)
      }
    }
    for (const table of DEMO_TABLES) {
      const r = await sql`delete from ${sql.table(table)} where is_demo`.execute(trx)
      result.removed[table] = count(r.numAffectedRows)
    }
    const at = new Date().toISOString()
    await trx.insertInto('setting').values({ key: DEMO_PURGED_SETTING, value: JSON.stringify(at) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(at), updatedAt: new Date() })).execute()
    await recordAudit(trx, actor, { action: 'demo.purged', entity: 'demo', after: result })
    return result
  })
}

/** Whether the demo was purged here once: the next start must not seed it again. */
export async function demoWasPurged(db: Db): Promise<boolean> {
  return Boolean(await db.selectFrom('setting').select('key').where('key', '=', DEMO_PURGED_SETTING).executeTakeFirst())
}
