import { createWriteStream } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import pg from 'pg'
import { to as copyTo } from 'pg-copy-streams'
import { AppError } from '../../errors.js'
import { appliedMigrations, listSequences, listTables, type TableInfo } from './catalog.js'

export const DUMP_FORMAT = 'shouwang-dump'
export const DUMP_FORMAT_VERSION = 1
/** Closes each table's rows. No data line can equal it: COPY text format doubles every backslash. */
export const END_OF_TABLE = '\\.'

/** First line of a dump file, as JSON. */
export type DumpHeader = {
  format: typeof DUMP_FORMAT
  formatVersion: number
  createdAt: string
  /** Last applied migration: the schema the rows fit. */
  migration: string
  postgresVersion: string
  /** In file order; `rows` is checked again on restore. */
  tables: Array<{ name: string; columns: string[]; rows: number }>
  /** Sequence positions, so a restore never hands out an id the source had already used. */
  sequences: Array<{ table: string; column: string; lastValue: number; isCalled: boolean }>
}

export type TableProgress = (table: string, rows: number) => void

/**
 * Writes a logical dump of the database at `url` to `file`: gzip of a JSON header line, then for
 * each table its rows in COPY text format and a `\.` line. Our own code rather than pg_dump:
 * the embedded server ships no client tools, and an external server's may not match its version.
 *
 * One REPEATABLE READ, READ ONLY transaction reads every table at the same instant without
 * blocking writers, so a running server can stay up. The file appears only when complete, mode
 * 600: it holds password hashes and personal data.
 */
export async function dump(url: string, file: string, onTable: TableProgress = () => {}): Promise<DumpHeader> {
  const client = new pg.Client({ connectionString: url, application_name: 'shouwang-backup' })
  await client.connect()
  const partial = `${file}.part`
  try {
    await client.query('begin isolation level repeatable read, read only')
    const migrations = await appliedMigrations(client)
    if (!migrations?.length) throw new AppError('BACKUP_EMPTY_DATABASE', 409, '数据库尚未初始化，没有可备份的守望数据')
    const tables = await listTables(client)
    const header: DumpHeader = {
      format: DUMP_FORMAT,
      formatVersion: DUMP_FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      migration: migrations.at(-1)!,
      postgresVersion: (await client.query<{ v: string }>(`select current_setting('server_version') as v`)).rows[0].v,
      tables: [],
      sequences: [],
    }
    for (const t of tables) {
      const { rows } = await client.query<{ n: string }>(`select count(*) as n from ${client.escapeIdentifier(t.name)}`)
      header.tables.push({ name: t.name, columns: t.columns, rows: Number(rows[0].n) })
    }
    for (const s of await listSequences(client)) {
      const { rows } = await client.query<{ lastValue: string; isCalled: boolean }>(
        `select last_value as "lastValue", is_called as "isCalled" from ${s.sequence}`)
      header.sequences.push({ table: s.table, column: s.column, lastValue: Number(rows[0].lastValue), isCalled: rows[0].isCalled })
    }
    await fs.mkdir(path.dirname(file), { recursive: true })
    await pipeline(Readable.from(body(client, header, tables, onTable)), createGzip(), createWriteStream(partial, { mode: 0o600 }))
    await client.query('commit')
    await fs.rename(partial, file)
    return header
  } catch (err) {
    await fs.rm(partial, { force: true })
    throw err
  } finally {
    await client.end()
  }
}

async function* body(client: pg.Client, header: DumpHeader, tables: TableInfo[], onTable: TableProgress): AsyncGenerator<Buffer> {
  yield Buffer.from(`${JSON.stringify(header)}\n`)
  for (const [i, t] of tables.entries()) {
    const table = client.escapeIdentifier(t.name)
    const columns = t.columns.map((c) => client.escapeIdentifier(c)).join(', ')
    const source = t.partitioned ? `(select ${columns} from ${table})` : `${table} (${columns})`
    const stream = client.query(copyTo(`copy ${source} to stdout`))
    for await (const chunk of stream) yield chunk
    if (stream.rowCount !== header.tables[i].rows) {
      throw new Error(`table ${t.name}: copied ${stream.rowCount} rows, counted ${header.tables[i].rows} in the same snapshot`)
    }
    yield Buffer.from(`${END_OF_TABLE}\n`)
    onTable(t.name, stream.rowCount)
  }
}
