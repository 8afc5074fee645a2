import path from 'node:path'
import type { Config } from '../config.js'
import { StartupError } from '../startup-error.js'
import { createDb, isDatabaseUnavailable, type Db } from './database.js'
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded.js'
import { migrateToLatest } from './migrations.js'
import { diagnoseStart } from './postmaster.js'

export type Connected = { db: Db; embedded: EmbeddedServer | null; close: () => Promise<void> }

type ConnectOptions = {
  /** PostgreSQL's own log lines (embedded only). */
  log?: (line: string) => void
  /** What happens to the database: a leftover stopped, a crash, a restart, waiting for an external server. */
  report?: (line: string) => void
  /** How long to wait for an external database that does not answer yet (it may be starting too). */
  waitMs?: number
}

/**
 * Opens the configured database (external via DATABASE_URL, else embedded) at the latest schema.
 * Whatever keeps it from starting is a StartupError saying what to do.
 */
export async function connectDatabase(config: Config, opts: ConnectOptions = {}): Promise<Connected> {
  const report = opts.report ?? ((line: string) => console.error(line))
  const embedded = config.databaseUrl
    ? null
    : await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPort, log: opts.log, report })
  const db = createDb(config.databaseUrl ?? embedded!.url)
  try {
    if (config.databaseUrl) await waitForExternal(db, config.databaseUrl, opts.waitMs ?? 60_000, report)
    await migrateToLatest(db)
  } catch (err) {
    await db.destroy()
    await embedded?.stop()
    if (embedded && !(err instanceof StartupError)) {
      // A full disk or a read-only directory shows up first in the migrations' writes.
      const diagnosed = diagnoseStart(err instanceof Error ? err.message : String(err), {
        dataDir: config.dataDir, clusterDir: path.join(config.dataDir, 'pg'), port: config.embeddedPort,
      })
      if (diagnosed.kind !== 'postgres') throw diagnosed
    }
    throw err
  }
  return {
    db,
    embedded,
    close: async () => {
      await db.destroy()
      await embedded?.stop()
    },
  }
}

/** Waits for an external database that refuses connections (it may start after us); other errors at once. */
async function waitForExternal(db: Db, url: string, waitMs: number, report: (line: string) => void): Promise<void> {
  const deadline = Date.now() + waitMs
  const shown = safeUrl(url)
  for (let said = false; ; said = true) {
    try {
      await db.selectNoFrom((eb) => eb.lit(1).as('one')).execute()
      if (said) report(`外部数据库已可连接 / The external database answers now (${shown})`)
      return
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err)
      if (!isDatabaseUnavailable(err) || Date.now() > deadline) {
        throw new StartupError('external-db',
          `无法连接外部数据库 ${shown}：${why}。请确认数据库已启动、DATABASE_URL 中的地址、端口、用户名、口令和库名正确，且本机可以访问它。`,
          `Cannot connect to the external database ${shown}: ${why}. Make sure it is running and that the host, port, user, password and database name in DATABASE_URL are right and reachable from here.`)
      }
      if (!said) report(`正在等待外部数据库 ${shown} 可连接… / Waiting for the external database ${shown}…`)
      await new Promise((r) => setTimeout(r, 1000))
    }
  }
}

/** The URL without its password, for messages. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'DATABASE_URL'
  }
}
