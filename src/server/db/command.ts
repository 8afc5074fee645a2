import pg from 'pg'
import type { Config } from '../config.js'
import { connectDatabase } from './connect.js'
import type { Db } from './database.js'

/**
 * The database for a command-line tool (`npm run admin` …): DATABASE_URL, or the embedded
 * cluster started for the command's duration, at the latest schema. `close` lets go cleanly.
 */
export async function connectForCommand(config: Config): Promise<{ db: Db; description: string; close: () => Promise<void> }> {
  const { db, embedded, close } = await connectDatabase(config)
  return {
    db,
    description: config.databaseUrl ? '外部 PostgreSQL（DATABASE_URL）' : `内置 PostgreSQL（数据目录 ${config.dataDir}）`,
    close: async () => {
      await db.destroy()
      if (embedded) await untilOthersDisconnect(embedded.url)
      await close()
    },
  }
}

/**
 * pg's Pool.end() resolves before its sockets close; stopping the embedded server in that gap
 * sends "terminating connection" to an idle client, which the pool throws as an unhandled
 * error after the work is done. So wait until the server sees nobody else connected.
 */
async function untilOthersDisconnect(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  client.on('error', () => {})
  await client.connect()
  try {
    for (let i = 0; i < 250; i++) {
      const { rows } = await client.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`)
      if (rows[0].n === 0) return
      await new Promise((r) => setTimeout(r, 20))
    }
  } finally {
    await client.end()
  }
}
