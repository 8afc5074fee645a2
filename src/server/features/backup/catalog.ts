import type pg from 'pg'

/** Kysely's bookkeeping tables: a restore rewrites them from the migrations it replays, never copies them. */
export const MIGRATION_TABLES = ['kysely_migration', 'kysely_migration_lock']

// Kysely's Migrator holds this advisory lock while it migrates (postgres-adapter.js); taking it
// keeps a server that starts meanwhile from migrating under a restore.
export const KYSELY_MIGRATION_LOCK = '3853314791062309107'

export type TableInfo = {
  name: string
  /** Stored columns in table order; generated columns are recomputed, not copied. */
  columns: string[]
  /** A partitioned parent: COPY TO needs a query instead of the table name. */
  partitioned: boolean
}

export type SequenceInfo = { table: string; column: string; sequence: string }

/** Ordinary and partitioned tables of the public schema, each after the tables it references. */
export async function listTables(client: pg.ClientBase): Promise<TableInfo[]> {
  const { rows } = await client.query<{ name: string; columns: string[]; partitioned: boolean }>(`
    select c.relname as name,
           array_agg(a.attname::text order by a.attnum) as columns,
           c.relkind = 'p' as partitioned
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
      and c.relname <> all($1::text[])
    group by c.relname, c.relkind
    order by c.relname`, [MIGRATION_TABLES])
  const { rows: references } = await client.query<{ child: string; parent: string }>(`
    select distinct ch.relname as child, pa.relname as parent
    from pg_constraint k
    join pg_class ch on ch.oid = k.conrelid
    join pg_class pa on pa.oid = k.confrelid
    join pg_namespace n on n.oid = ch.relnamespace
    where k.contype = 'f' and n.nspname = 'public' and k.conrelid <> k.confrelid`)
  return dependencyOrder(rows, references)
}

/**
 * Tables sorted so that referenced tables come first: a reader of the dump sees parents before
 * children. Restore does not depend on it (it defers foreign keys), so tables in a reference cycle
 * simply follow in name order.
 */
function dependencyOrder(tables: TableInfo[], references: Array<{ child: string; parent: string }>): TableInfo[] {
  const byName = new Map(tables.map((t) => [t.name, t]))
  const waitingFor = new Map(tables.map((t) => [t.name, new Set<string>()]))
  for (const r of references) if (byName.has(r.parent)) waitingFor.get(r.child)?.add(r.parent)
  const ordered: TableInfo[] = []
  while (waitingFor.size > 0) {
    const ready = [...waitingFor].filter(([, parents]) => parents.size === 0).map(([name]) => name)
    const next = ready.length > 0 ? ready : [...waitingFor.keys()]
    for (const name of next.sort()) {
      ordered.push(byName.get(name)!)
      waitingFor.delete(name)
      for (const parents of waitingFor.values()) parents.delete(name)
    }
  }
  return ordered
}

/** Sequences owned by a column (bigserial, identity), with the column they number. */
export async function listSequences(client: pg.ClientBase): Promise<SequenceInfo[]> {
  const { rows } = await client.query<SequenceInfo>(`
    select t.relname as table, a.attname as column,
           quote_ident(n.nspname) || '.' || quote_ident(s.relname) as sequence
    from pg_depend d
    join pg_class s on s.oid = d.objid and s.relkind = 'S'
    join pg_class t on t.oid = d.refobjid
    join pg_namespace n on n.oid = s.relnamespace
    join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
    where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass
      and d.deptype in ('a', 'i') and n.nspname = 'public'
    order by t.relname, a.attname`)
  return rows
}

/** Migrations Kysely recorded as applied, in order; null for a database that was never migrated. */
export async function appliedMigrations(client: pg.ClientBase): Promise<string[] | null> {
  const { rows: exists } = await client.query(`select 1 from pg_tables where schemaname = 'public' and tablename = 'kysely_migration'`)
  if (exists.length === 0) return null
  const { rows } = await client.query<{ name: string }>('select name from kysely_migration order by name')
  return rows.map((r) => r.name)
}
