import type { Config } from '../config.js'
import { createDb, type Db } from './database.js'
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded.js'
import { migrateToLatest } from './migrations.js'

export type Connected = { db: Db; embedded: EmbeddedServer | null; close: () => Promise<void> }

/** Opens the configured database (external via DATABASE_URL, else embedded) at the latest schema. */
export async function connectDatabase(config: Config, log: (line: string) => void = () => {}): Promise<Connected> {
  const embedded = config.databaseUrl
    ? null
    : await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPort, log })
  const db = createDb(config.databaseUrl ?? embedded!.url)
  try {
    await migrateToLatest(db)
  } catch (err) {
    await db.destroy()
    await embedded?.stop()
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
