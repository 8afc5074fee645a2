import { Migrator, type Kysely, type Migration } from 'kysely'
import * as m0001 from './migrations/0001_foundation.js'

/** Every schema version in order. A new migration is a new file and one new line here. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_foundation': m0001,
}

/** Brings the schema up to date. Kysely takes an advisory lock, so instances may race safely. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } })
  const { error, results } = await migrator.migrateToLatest()
  if (error) throw error
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
