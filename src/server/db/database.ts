import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { Database } from './types.js'

// count(*) and sums come back as int8/numeric strings; our counts fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v))
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v))
// A calendar date (expiry, purchase) is a day, not an instant: keep it as 'YYYY-MM-DD'.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v)

export type Db = Kysely<Database>

export function createDb(url: string, max = 10): Db {
  const pool = new pg.Pool({ connectionString: url, max })
  // An idle client whose server goes away (shutdown, dropped test database) emits 'error' on the
  // pool; without a listener that would crash the process. The next checkout reconnects.
  pool.on('error', () => {})
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    // jsonb values (audit before/after, import rows) come back exactly as stored: their keys
    // are data, and the audit hash depends on them.
    plugins: [new CamelCasePlugin({ maintainNestedObjectKeys: true })],
  })
}
