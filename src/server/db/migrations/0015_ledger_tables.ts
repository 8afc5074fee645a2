import { sql, type Kysely } from 'kysely'

/**
 * What the 应急专家信息表 offices keep carries besides the expert's field: 性别 and 出生年月.
 * Kept on the expert (not the person), since only the expert register asks for them; without
 * them an exported register read back would lose two of its columns.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table expert add column gender text check (gender in ('male', 'female'));
    alter table expert add column born_on date;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table expert drop column born_on;
    alter table expert drop column gender;
  `.execute(db)
}
