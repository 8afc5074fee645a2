import { sql, type Kysely } from 'kysely'

/**
 * Linkage groups, warnings and their delivery: the 叫应 ladder's state lives here so that a
 * restart (or a second server instance) picks up exactly where the last one stopped.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- The e-mail channel needs an address; the in-app channel needs to know which account is whom.
    alter table person add column email text check (email ~ '^[^@[:space:]]+@[^@[:space:]]+\\.[^@[:space:]]+$');
    alter table app_user add column person_id bigint references person (id) on delete set null;
    create index app_user_person_idx on app_user (person_id);
    -- An SMS reply names only its sender's number.
    create index person_mobile_idx on person (mobile);

    -- Jobs and timers. Our own small queue rather than pg-boss (which needs Node 22): claimed with
    -- FOR UPDATE SKIP LOCKED under a lease, so several instances share it and a crash only delays.
    create table job (
      id bigserial primary key,
      queue text not null,
      -- One job per key, ever: enqueueing the same step twice is a no-op.
      key text,
      payload jsonb not null default '{}',
      run_at timestamptz not null default now(),
      attempts integer not null default 0,
      max_attempts integer not null default 5,
      locked_by text,
      locked_until timestamptz,
      last_error text,
      done_at timestamptz,
      failed_at timestamptz,
      created_at timestamptz not null default now()
    );
    create unique index job_key_key on job (key) where key is not null;
    create index job_due_idx on job (run_at) where done_at is null and failed_at is null;

    create table linkage_group (
      id bigserial primary key,
      region_code text not null references region (code),
      name text not null check (btrim(name) <> ''),
      -- region: a region's own work group (one per region, stored once it is customised; until
      -- then it exists implicitly with the default roles); custom: a named group such as 防汛责任人.
      kind text not null check (kind in ('region', 'custom')),
      -- Derived members: people holding any of these responsibility roles (domain/people/units.ts)...
      roles text[] not null default '{}',
      -- ...in the region itself (false) or anywhere in its subtree (true).
      subtree boolean not null default false,
      -- Group robots (企业微信 / 钉钉) that mirror each message into the group's chat.
      wecom_webhook text,
      dingtalk_webhook text,
      dingtalk_secret text,
      note text,
      is_demo boolean not null default false,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint linkage_group_region_name_key unique (region_code, name)
    );
    create unique index linkage_group_one_per_region_key on linkage_group (region_code) where kind = 'region';
    create index linkage_group_region_idx on linkage_group (region_code text_pattern_ops);

    create table linkage_member (
      group_id bigint not null references linkage_group (id) on delete cascade,
      person_id bigint not null references person (id) on delete cascade,
      -- Hand-added members join the derived set; excluded ones are taken out of it.
      excluded boolean not null default false,
      note text,
      primary key (group_id, person_id)
    );
    create index linkage_member_person_idx on linkage_member (person_id);

    create table warning (
      id bigserial primary key,
      -- The issuing jurisdiction; the target may only lie inside it.
      region_code text not null references region (code),
      -- drill: a reachability test (CAP status Test) sent through the same pipeline.
      purpose text not null default 'warning' check (purpose in ('warning', 'drill')),
      status text not null default 'draft'
        check (status in ('draft', 'submitted', 'issued', 'cancelled', 'ended')),
      -- GB/T 35965.1 identifier, given when first issued.
      identifier text unique,
      -- Each update after issue is a new revision (CAP msgType Update referencing the last one).
      revision integer not null default 1,
      event_class text not null,
      event_type text not null,
      -- 1 红 2 橙 3 黄 4 蓝 (突发事件应对法 Art. 63).
      level smallint not null check (level between 1 and 4),
      headline text not null check (btrim(headline) <> ''),
      -- The eight fields of Art. 64: 类别 (event_class/type), 级别 (level), 起始时间 (onset),
      -- 可能影响的范围 (area_desc), 警示事项 (description), 应当采取的措施 (instruction),
      -- 发布单位 (sender_name), 发布时间 (issued_at).
      description text not null,
      instruction text not null,
      area_desc text not null,
      sender_name text not null,
      onset timestamptz not null,
      expires timestamptz,
      issued_at timestamptz,
      -- { regions: [code], polygons: [[[lat, lng], ...]], circles: [{lat, lng, radiusKm}],
      --   roles: [role], groupIds: [id] } (domain/warnings/target.ts)
      target jsonb not null,
      channels text[] not null,
      -- The 叫应 policy in force for this warning (domain/warnings/ladder.ts), copied at creation.
      ladder jsonb not null,
      source text not null default 'manual' check (source in ('manual', 'cap')),
      source_xml text,
      rejected_reason text,
      end_reason text,
      ended_at timestamptz,
      fully_confirmed_at timestamptz,
      created_by bigint references app_user (id),
      submitted_by bigint references app_user (id),
      approved_by bigint references app_user (id),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index warning_region_idx on warning (region_code text_pattern_ops);
    create index warning_status_idx on warning (status, created_at desc);

    -- What happened to a warning, in order: the owner's live timeline.
    create table warning_step (
      id bigserial primary key,
      warning_id bigint not null references warning (id) on delete cascade,
      at timestamptz not null default now(),
      kind text not null,
      actor_id bigint references app_user (id),
      person_id bigint references person (id),
      detail jsonb not null default '{}'
    );
    create index warning_step_warning_idx on warning_step (warning_id, id);

    -- One row per person per warning, whatever the number of groups and channels that reach them.
    create table warning_recipient (
      warning_id bigint not null references warning (id) on delete cascade,
      person_id bigint not null references person (id),
      -- The person's region and its level, copied at fan-out for the board.
      region_code text not null,
      region_level text not null,
      -- target: in the target area; group: a chosen linkage group; escalation: the silent
      -- person's superior (escalated_from says whom they stand in for).
      reason text not null check (reason in ('target', 'group', 'escalation')),
      escalated_from bigint references person (id),
      state text not null default 'pending' check (state in ('pending', 'acknowledged', 'escalated', 'unreachable')),
      -- The ladder step reached (domain/warnings/ladder.ts) and when to look at this person next.
      step smallint not null default 0,
      next_at timestamptz,
      acknowledged_at timestamptz,
      ack_channel text,
      revision integer not null default 1,
      created_at timestamptz not null default now(),
      primary key (warning_id, person_id)
    );
    create index warning_recipient_due_idx on warning_recipient (next_at) where next_at is not null;
    create index warning_recipient_region_idx on warning_recipient (warning_id, region_code text_pattern_ops);
    create index warning_recipient_person_idx on warning_recipient (person_id);
    -- "Is anybody left?" after each confirmation must not walk the confirmed ones.
    create index warning_recipient_open_idx on warning_recipient (warning_id) where state <> 'acknowledged';

    -- One message to one person (or one group robot) on one channel: the unit of sending.
    -- Rows in state queued are themselves the send queue.
    create table delivery (
      id bigserial primary key,
      warning_id bigint not null references warning (id) on delete cascade,
      person_id bigint references person (id),
      group_id bigint references linkage_group (id) on delete set null,
      channel text not null check (channel in ('inapp', 'sms', 'voice', 'email', 'wecom', 'dingtalk')),
      -- Phone, e-mail or webhook as it was when sent.
      address text,
      step smallint not null default 0,
      attempt smallint not null default 1,
      revision integer not null default 1,
      -- An escalation notice (step -2): the silent person this message asks the superior to chase.
      about_person_id bigint references person (id),
      -- Idempotency key handed to the gateway: a retried send reuses it, so nothing goes twice.
      key text not null unique,
      state text not null default 'queued'
        check (state in ('queued', 'sending', 'sent', 'delivered', 'failed', 'acknowledged', 'escalated')),
      send_after timestamptz not null default now(),
      locked_until timestamptz,
      tries smallint not null default 0,
      provider_id text,
      error text,
      queued_at timestamptz not null default now(),
      sent_at timestamptz,
      delivered_at timestamptz,
      failed_at timestamptz,
      acknowledged_at timestamptz
    );
    create index delivery_queue_idx on delivery (send_after) where state in ('queued', 'sending');
    create index delivery_recipient_idx on delivery (warning_id, person_id);
    create index delivery_provider_idx on delivery (provider_id) where provider_id is not null;

    -- 上门叫应: a person the ladder could not reach, for their township to visit.
    create table door_knock_task (
      id bigserial primary key,
      warning_id bigint not null references warning (id) on delete cascade,
      person_id bigint not null references person (id),
      region_code text not null references region (code),
      state text not null default 'open' check (state in ('open', 'done')),
      result text,
      created_at timestamptz not null default now(),
      done_at timestamptz,
      done_by bigint references app_user (id),
      constraint door_knock_task_key unique (warning_id, person_id)
    );
    create index door_knock_task_region_idx on door_knock_task (region_code text_pattern_ops, state);

    -- Gateway callbacks (SMS replies and receipts, voice results), kept once each: a duplicate
    -- callback finds its key taken and changes nothing.
    create table inbound_message (
      id bigserial primary key,
      channel text not null,
      provider_key text not null unique,
      body jsonb not null,
      outcome text not null,
      received_at timestamptz not null default now()
    );
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table inbound_message; drop table door_knock_task; drop table delivery;
    drop table warning_recipient; drop table warning_step; drop table warning;
    drop table linkage_member; drop table linkage_group; drop table job;
    alter table app_user drop column person_id;
    drop index person_mobile_idx;
    alter table person drop column email;
  `.execute(db)
}
