import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/types.js'

/** The one PostgreSQL channel every instance listens on; a payload names its topic. */
export const EVENTS_CHANNEL = 'shouwang_events'

/**
 * Tells every server instance that something happened on a topic (`warning:<id>`,
 * `person:<id>`, `doorknock:<region code>`). Inside a transaction it is delivered on commit and
 * not at all on rollback, so listeners never see a change that did not happen. Payloads stay
 * small (ids and counts): pg_notify refuses more than 8000 bytes.
 */
export async function publish(db: Kysely<Database>, topic: string, data: Record<string, unknown>): Promise<void> {
  await sql`select pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify({ topic, data })})`.execute(db)
}
