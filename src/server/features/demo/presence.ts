import { sql, type SqlBool } from 'kysely'
import type { Db } from '../../db/database.js'
import { inScope, type Scope } from '../../db/scope.js'

/**
 * Whether demo data is present: on the whole deployment (the start-up's listening address, the
 * banner every page shows) or within a region (a roll-up's note). Each table with `is_demo` has a
 * partial index on its demo rows (migration 0018), so on a real deployment every check reads an
 * empty index.
 */

/** The tables that hold demo rows, in the database's own names. */
export const DEMO_TABLES = ['app_user', 'unit', 'person', 'leading_group', 'resource', 'supply', 'linkage_group', 'warning'] as const
export type DemoTable = (typeof DEMO_TABLES)[number]

function anyDemo(tables: readonly DemoTable[], scope?: Scope) {
  const parts = tables.map((t) => sql<SqlBool>`exists (select from ${sql.table(t)} where is_demo${scope ? sql` and ${inScope('region_code', scope)}` : sql``})`)
  return sql.join(parts, sql` or `)
}

/** Any demo row or demo account anywhere. */
export async function demoPresent(db: Db): Promise<boolean> {
  const { rows } = await sql<{ present: boolean }>`select ${anyDemo(DEMO_TABLES)} as present`.execute(db)
  return rows[0].present
}

/** Any demo row of the given tables in the region's subtree: the roll-ups say so beside their figures. */
export async function demoWithin(db: Db, subtree: Scope, tables: readonly DemoTable[]): Promise<boolean> {
  const { rows } = await sql<{ present: boolean }>`select ${anyDemo(tables, subtree)} as present`.execute(db)
  return rows[0].present
}
