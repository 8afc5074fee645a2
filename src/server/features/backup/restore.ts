import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { CamelCasePlugin, Kysely, PostgresDialect, type Transaction } from 'kysely'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import type { Database } from '../../db/types.js'
import { MIGRATIONS } from '../../db/migrations.js'
import { AppError } from '../../errors.js'
import { recordAudit, SYSTEM_ACTOR } from '../audit/record.js'
import { appliedMigrations, KYSELY_MIGRATION_LOCK, listSequences, listTables } from './catalog.js'
import { DumpReader } from './dump-reader.js'
import type { DumpHeader, TableProgress } from './dump.js'

/**
 * Replaces every row of the database at `url` with the rows of a dump, in one transaction: a
 * failure anywhere (a truncated file, a bad row) leaves the database as it was.
 *
 * The database must be at this program's schema (the CLI migrates first). A dump from an older
 * version is restored at its own schema: the newer migrations are rolled back with their
 * `down()`, the rows copied in, and the migrations replayed, so their data changes apply too.
 * A dump from a newer version is refused.
 *
 * TRUNCATE fires no row triggers, so the audit log's guard (no deletes of entries younger than six
 * months) does not stop it: replacing the whole log by an earlier copy of itself is what a
 * restore is. The restore itself is then written to the log, chained to the restored entries.
 */
export async function restore(url: string, file: string, onTable: TableProgress = () => {}): Promise<DumpHeader> {
  const reader = await DumpReader.open(file)
  const { header } = reader
  const client = new pg.Client({ connectionString: url, application_name: 'shouwang-restore' })
  try {
    const later = migrationsAfter(header.migration)
    await client.connect()
    await onOneConnection(client).transaction().execute(async (trx) => {
      await client.query(`select pg_advisory_xact_lock(${KYSELY_MIGRATION_LOCK})`)
      const applied = await appliedMigrations(client)
      if (applied?.join() !== Object.keys(MIGRATIONS).join()) {
        throw new AppError('RESTORE_SCHEMA_NOT_CURRENT', 409, '目标数据库的结构版本与本程序不一致：请先用本程序启动一次服务（完成数据库升级）后再恢复')
      }
      for (const name of [...later].reverse()) {
        const down = MIGRATIONS[name].down
        if (!down) {
          throw new AppError('RESTORE_NO_DOWN', 409, `备份来自较早的版本（${header.migration}），恢复时需回退迁移 ${name}，但它不支持回退`)
        }
        await down(trx)
        await client.query('delete from kysely_migration where name = $1', [name])
      }
      await copyTables(client, reader, header, onTable)
      for (const name of later) {
        await MIGRATIONS[name].up(trx)
        await client.query('insert into kysely_migration (name, timestamp) values ($1, $2)', [name, new Date().toISOString()])
      }
      // The roll-up tallies were copied in and then grown again by their triggers as the records
      // were copied: recount them from the records (migration 0020).
      await client.query('select rollup_rebuild()')
      await recordRestore(trx, file, header)
    })
  } finally {
    reader.close()
    await client.end()
  }
  return header
}

/** Migrations this program has beyond the dump's; refuses a dump this program cannot read. */
function migrationsAfter(migration: string): string[] {
  const names = Object.keys(MIGRATIONS)
  const at = names.indexOf(migration)
  if (at !== -1) return names.slice(at + 1)
  if (migration > names.at(-1)!) {
    throw new AppError('RESTORE_NEWER_DUMP', 409, `该备份来自较新的守望版本（数据库版本 ${migration}），本程序只到 ${names.at(-1)}：请先升级守望再恢复`)
  }
  throw new AppError('RESTORE_UNKNOWN_VERSION', 409, `该备份的数据库版本 ${migration} 不在本程序的迁移列表中，无法恢复`)
}

async function copyTables(client: pg.Client, reader: DumpReader, header: DumpHeader, onTable: TableProgress) {
  const tables = new Map((await listTables(client)).map((t) => [t.name, t]))
  for (const t of header.tables) {
    const missing = tables.has(t.name) ? t.columns.filter((c) => !tables.get(t.name)!.columns.includes(c)) : ['*']
    if (missing.length > 0) {
      throw new AppError('RESTORE_SCHEMA_MISMATCH', 409, `备份中的表 ${t.name}（列 ${missing.join('、')}）在数据库中不存在，无法恢复`)
    }
  }
  const undefer = await deferForeignKeys(client)
  if (tables.size > 0) {
    await client.query(`truncate table ${[...tables.keys()].map((n) => client.escapeIdentifier(n)).join(', ')} restart identity cascade`)
  }
  for (const t of header.tables) {
    const columns = t.columns.map((c) => client.escapeIdentifier(c)).join(', ')
    const target = client.query(copyFrom(`copy ${client.escapeIdentifier(t.name)} (${columns}) from stdin`))
    await pipeline(Readable.from(reader.rows()), target)
    if (target.rowCount !== t.rows) {
      throw new AppError('BACKUP_BAD_FILE', 400, `备份文件中表 ${t.name} 应有 ${t.rows} 行，实际读到 ${target.rowCount} 行，未做任何恢复`)
    }
    onTable(t.name, target.rowCount)
  }
  await reader.finish()
  await undefer()
  await resetSequences(client, header)
}

/**
 * Rows arrive table by table, and a table may reference itself (region.parent_code): foreign
 * keys are checked once, when all rows are in. Altering the constraints rather than switching
 * off triggers (session_replication_role) needs no superuser, and the rows are still checked.
 */
async function deferForeignKeys(client: pg.Client): Promise<() => Promise<void>> {
  const { rows } = await client.query<{ table: string; name: string; deferrable: boolean }>(`
    select c.relname as table, k.conname as name, k.condeferrable as deferrable
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid
    join pg_namespace n on n.oid = c.relnamespace
    where k.contype = 'f' and n.nspname = 'public' and k.conparentid = 0
      and not (k.condeferrable and k.condeferred)`)
  const alter = (r: (typeof rows)[number], how: string) =>
    client.query(`alter table ${client.escapeIdentifier(r.table)} alter constraint ${client.escapeIdentifier(r.name)} ${how}`)
  for (const r of rows) await alter(r, 'deferrable initially deferred')
  return async () => {
    // Check now: a constraint with pending checks cannot be altered back.
    await client.query('set constraints all immediate')
    for (const r of rows) await alter(r, r.deferrable ? 'deferrable initially immediate' : 'not deferrable')
  }
}

/** Each sequence continues after the highest id restored, and never below where the source was. */
async function resetSequences(client: pg.Client, header: DumpHeader) {
  for (const s of await listSequences(client)) {
    const dumped = header.sequences?.find((d) => d.table === s.table && d.column === s.column)
    const { rows } = await client.query<{ max: string | null }>(
      `select max(${client.escapeIdentifier(s.column)})::text as max from ${client.escapeIdentifier(s.table)}`)
    const next = Math.max(Number(rows[0].max ?? 0), dumped?.isCalled ? dumped.lastValue : 0)
    if (next > 0) await client.query('select setval($1::regclass, $2, true)', [s.sequence, next])
  }
}

async function recordRestore(trx: Transaction<Database>, file: string, header: DumpHeader) {
  await recordAudit(trx, SYSTEM_ACTOR, {
    action: 'backup.restored',
    entity: 'backup',
    entityId: path.basename(file),
    after: {
      createdAt: header.createdAt,
      migration: header.migration,
      // Not an object keyed by table name: snake_case keys would not survive the camel-casing of
      // results, and the entry's hash could not be recomputed.
      tables: header.tables.map((t) => ({ name: t.name, rows: t.rows })),
    },
  })
}

/** Kysely on the restore's own connection, so migrations and the audit entry join its transaction. */
function onOneConnection(client: pg.Client): Kysely<Database> {
  const pooled = Object.assign(client, { release: () => {} })
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool: { connect: async () => pooled, end: async () => {} } }),
    plugins: [new CamelCasePlugin()],
  })
}
