import { sql, type Kysely } from 'kysely'

/**
 * Demo data that can be found and removed. The demo's draft warning becomes a demo row like the
 * rest (`warning.is_demo`; those already drafted by a demo account are marked). Every table with
 * `is_demo` gets a partial index on the demo rows: empty on a real deployment, it answers "is
 * there demo data here?" — asked by the health check, the start-up and every roll-up — without
 * reading the table.
 */
const DEMO_TABLES = ['app_user', 'unit', 'person', 'leading_group', 'resource', 'supply', 'linkage_group', 'warning'] as const

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table warning add column is_demo boolean not null default false;
    update warning set is_demo = true where created_by in (select id from app_user where is_demo);
  `.execute(db)
  for (const table of DEMO_TABLES) {
    await sql`create index ${sql.id(`${table}_demo_idx`)} on ${sql.table(table)} (region_code text_pattern_ops) where is_demo`.execute(db)
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of DEMO_TABLES) await sql`drop index ${sql.id(`${table}_demo_idx`)}`.execute(db)
  await sql`alter table warning drop column is_demo`.execute(db)
}
