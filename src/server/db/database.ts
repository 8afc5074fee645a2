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
