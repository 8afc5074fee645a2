import { sql, type Kysely } from 'kysely'

/**
 * A gateway's receipt or call result can arrive before the dispatcher has recorded the gateway's
 * id for the message. It is kept as 'waiting' with that id and applied when the id is recorded,
 * so the callback is answered like any other (a 404 would tell a prober which ids are real).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table inbound_message add column provider_id text;
    -- Only the few waiting rows are indexed; the dispatcher asks this after every batch it records.
    create index inbound_message_waiting_idx on inbound_message (channel, provider_id) where outcome = 'waiting';
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index inbound_message_waiting_idx;
    alter table inbound_message drop column provider_id;
  `.execute(db)
}
