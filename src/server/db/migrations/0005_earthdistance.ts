import { sql, type Kysely } from 'kysely'

/**
 * Great-circle distances without PostGIS: `earthdistance` (with `cube`, which it needs) ships with
 * PostgreSQL. Its `point <@> point` operator takes point(lng, lat) and answers in statute miles.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create extension if not exists cube;
    create extension if not exists earthdistance;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop extension if exists earthdistance;
    drop extension if exists cube;
  `.execute(db)
}
