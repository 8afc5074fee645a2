import { sql, type Kysely } from 'kysely'

/**
 * Every CAP message a warning has sent or received, so that each one we send gets an identifier
 * of its own (its own time and a sequence digit from the database), a later message can reference
 * all earlier ones, and an upstream message imported twice is recognised by (sender, identifier,
 * sent). Also who wrote a warning's content, so that none of them approves it (four eyes).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- The first guess at the GB/T 35965.1 sequence digit N; the unique index below decides.
    create sequence cap_identifier_seq;

    create table cap_message (
      id bigserial primary key,
      warning_id bigint not null references warning (id) on delete cascade,
      direction text not null check (direction in ('sent', 'received')),
      identifier text not null,
      sender text not null,
      -- Whole seconds, as CAP writes them, so a reference matches the message it names.
      sent timestamptz not null check (sent = date_trunc('second', sent)),
      status text not null,
      msg_type text not null check (msg_type in ('Alert', 'Update', 'Cancel', 'Ack', 'Error')),
      -- "sender,identifier,sent" of the earlier messages, space separated, as written.
      reference_list text,
      -- Sent: the revision of the warning this message carried.
      revision integer,
      -- Received: the message as it came.
      xml text,
      actor_id bigint references app_user (id),
      created_at timestamptz not null default now(),
      constraint cap_message_key unique (sender, identifier, sent)
    );
    -- Our identifiers are unique whatever their time: N is taken only once per region and second.
    create unique index cap_message_sent_identifier_key on cap_message (identifier) where direction = 'sent';
    create index cap_message_warning_idx on cap_message (warning_id, id);

    -- Everyone who wrote or changed the content before approval (drafted, imported, edited).
    alter table warning add column authors bigint[] not null default '{}';
    update warning set authors = array[created_by] where created_by is not null;

    -- Messages already sent: the first Alert exactly as exported so far, and the current later
    -- message under the identifier the old export gave it, where that identifier is still free.
    insert into cap_message (warning_id, direction, identifier, sender, sent, status, msg_type, revision, actor_id)
    select id, 'sent', identifier, region_code || '@shouwang', date_trunc('second', issued_at),
      case when purpose = 'drill' then 'Test' else 'Actual' end, 'Alert', 1, approved_by
    from warning where identifier is not null and issued_at is not null
    order by id
    on conflict do nothing;

    insert into cap_message (warning_id, direction, identifier, sender, sent, status, msg_type, reference_list, revision)
    select w.id, 'sent',
      left(w.identifier, length(w.identifier) - 1)
        || ((right(w.identifier, 1)::int + (case when w.status in ('cancelled', 'ended') then w.revision + 1 else w.revision end) - 1) % 10)::text,
      w.region_code || '@shouwang',
      date_trunc('second', case when w.status in ('cancelled', 'ended') then coalesce(w.ended_at, w.updated_at) else w.updated_at end),
      case when w.purpose = 'drill' then 'Test' else 'Actual' end,
      case when w.status = 'cancelled' then 'Cancel' else 'Update' end,
      w.region_code || '@shouwang,' || w.identifier || ',' || to_char(w.issued_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS') || '+08:00',
      w.revision
    from warning w
    where w.identifier ~ '^[0-9]{14}_[0-9]{14}_[0-9]$' and w.issued_at is not null
      and (w.revision > 1 or w.status in ('cancelled', 'ended'))
    order by w.id
    on conflict do nothing;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table warning drop column authors;
    drop table cap_message;
    drop sequence cap_identifier_seq;
  `.execute(db)
}
