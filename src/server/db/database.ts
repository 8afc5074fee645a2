import crypto from 'node:crypto'
import { CamelCasePlugin, Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { Database } from './types.js'

// count(*) and sums come back as int8/numeric strings; our counts fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v))
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v))
// A calendar date (expiry, purchase) is a day, not an instant: keep it as 'YYYY-MM-DD'.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v)

export type Db = Kysely<Database>

const PREPARED_MARK = '/* prepared */'

/**
 * Appended to a hot query (`.modifyEnd(PREPARED)`), it makes the query a named prepared
 * statement: each connection plans it once instead of on every call. Only for queries whose SQL
 * text is fixed and whose values are all parameters; the name is the hash of the text.
 */
export const PREPARED = sql.raw(PREPARED_MARK)

class PreparingClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config)
    // The pool listens for errors only on idle clients. A checked-out one (a transaction between
    // statements) whose server goes away or is shut down (57P01) emits 'error' with no listener,
    // which crashes the process. Its next query fails instead, the request answers 503, and the
    // pool drops the client on release because it is no longer queryable.
    this.on('error', () => {})
  }

  query(...args: any[]): any {
    const [text, values, callback] = args
    if (typeof text === 'string' && text.endsWith(PREPARED_MARK)) {
      const name = `sw_${crypto.createHash('sha1').update(text).digest('hex').slice(0, 24)}`
      return super.query({ name, text, values }, callback)
    }
    return (super.query as (...a: any[]) => any)(...args)
  }
}

const connectionStrings = new WeakMap<Db, string>()

export function createDb(url: string, max = 10): Db {
  const pool = new pg.Pool({ connectionString: url, max, Client: PreparingClient })
  // An idle client whose server goes away (shutdown, dropped test database) emits 'error' on the
  // pool; without a listener that would crash the process. The next checkout reconnects.
  pool.on('error', () => {})
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    // jsonb values (audit before/after, import rows) come back exactly as stored: their keys
    // are data, and the audit hash depends on them.
    plugins: [new CamelCasePlugin({ maintainNestedObjectKeys: true })],
  })
  connectionStrings.set(db, url)
  return db
}

/** Where a Db connects: the event bus opens its own LISTEN connection there, outside the pool. */
export function connectionStringOf(db: Db): string | null {
  return connectionStrings.get(db) ?? null
}

// Connection-level failures: the server is down, shutting down, starting up or unreachable.
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'])
// 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up, recovering),
// 53300 too_many_connections; class 08 is connection_exception.
const UNAVAILABLE_SQLSTATE = /^(57P0[123]|53300|08\w{3})$/
const UNAVAILABLE_MESSAGE = /Connection terminated|not queryable|Client was closed|timeout exceeded when trying to connect|Connection ended unexpectedly/i

/**
 * Whether an error means the database cannot be reached right now, as opposed to a bad query:
 * requests answer 503 DB_UNAVAILABLE and background loops wait and retry.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false
  const e = err as { code?: unknown; message?: unknown; errors?: unknown }
  if (typeof e.code === 'string' && (UNAVAILABLE_ERRNO.has(e.code) || UNAVAILABLE_SQLSTATE.test(e.code))) return true
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) return true
  // Connecting to a host with several addresses fails with an AggregateError of the attempts.
  return Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every(isDatabaseUnavailable)
}
