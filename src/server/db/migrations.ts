import { Migrator, type Kysely, type Migration } from 'kysely'
import * as m0001 from './migrations/0001_foundation.js'
import * as m0002 from './migrations/0002_directory.js'
import * as m0003 from './migrations/0003_resources.js'
import * as m0004 from './migrations/0004_positions.js'
import * as m0005 from './migrations/0005_earthdistance.js'
import * as m0006 from './migrations/0006_map_cells.js'
import * as m0007 from './migrations/0007_warnings.js'
import * as m0008 from './migrations/0008_login_throttle.js'
import * as m0009 from './migrations/0009_separation_of_duties.js'
import * as m0010 from './migrations/0010_finite_numbers.js'
import * as m0012 from './migrations/0012_gateway_inbox.js'
import * as m0013 from './migrations/0013_worker_instances.js'
import * as m0014 from './migrations/0014_ledger_mappings.js'
import * as m0015 from './migrations/0015_ledger_tables.js'
import * as m0016 from './migrations/0016_escalation_rounds.js'
import * as m0017 from './migrations/0017_cap_messages.js'
import * as m0018 from './migrations/0018_demo_and_contacts.js'
import * as m0019 from './migrations/0019_position_sources.js'
import * as m0020 from './migrations/0020_rollup_aggregates.js'

/**
 * Every schema version in order (the keys must sort as listed: backup and restore compare them).
 * A new migration is a new file and one new line here. 0011 was never released.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_directory': m0002,
  '0003_resources': m0003,
  '0004_positions': m0004,
  '0005_earthdistance': m0005,
  '0006_map_cells': m0006,
  '0007_warnings': m0007,
  '0008_login_throttle': m0008,
  '0009_separation_of_duties': m0009,
  '0010_finite_numbers': m0010,
  '0012_gateway_inbox': m0012,
  '0013_worker_instances': m0013,
  '0014_ledger_mappings': m0014,
  '0015_ledger_tables': m0015,
  '0016_escalation_rounds': m0016,
  '0017_cap_messages': m0017,
  '0018_demo_and_contacts': m0018,
  '0019_position_sources': m0019,
  '0020_rollup_aggregates': m0020,
}

/** Brings the schema up to date. Kysely takes an advisory lock, so instances may race safely. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } })
  const { error, results } = await migrator.migrateToLatest()
  if (error) throw error
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
