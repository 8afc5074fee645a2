import { sql, type Kysely } from 'kysely'

/** Regions, accounts, sessions, settings and the hash-chained audit log. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create extension if not exists pg_trgm;

    create table region (
      code text primary key check (code ~ '^[0-9]{12}$'),
      name text not null,
      level text not null check (level in ('province', 'city', 'county', 'township', 'village')),
      kind text,
      parent_code text references region (code),
      -- Names of the ancestors below the province, e.g. "湖州市吴兴区月河街道": what people type before a name.
      full_name text not null
    );
    create index region_parent_idx on region (parent_code);
    create index region_code_prefix_idx on region (code text_pattern_ops);
    create index region_name_trgm_idx on region using gin (name gin_trgm_ops);

    create table setting (
      key text primary key,
      value jsonb not null,
      updated_at timestamptz not null default now()
    );

    create table app_user (
      id bigserial primary key,
      username text not null,
      display_name text not null,
      role text not null,
      region_code text not null references region (code),
      password_hash text not null,
      password_changed_at timestamptz not null default now(),
      totp_secret text,
      totp_enabled boolean not null default false,
      failed_logins integer not null default 0,
      locked_until timestamptz,
      disabled boolean not null default false,
      last_login_at timestamptz,
      is_demo boolean not null default false,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index app_user_username_idx on app_user (lower(username));
    create index app_user_region_idx on app_user (region_code text_pattern_ops);

    create table session (
      -- sha256 of the cookie value: a stolen table does not yield usable cookies.
      id text primary key,
      user_id bigint not null references app_user (id) on delete cascade,
      csrf_token text not null,
      ip text,
      user_agent text,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now()
    );
    create index session_user_idx on session (user_id);

    -- Failed logins per source address, so that every server instance throttles alike.
    create table login_failure (
      id bigserial primary key,
      ip text not null,
      username text not null,
      at timestamptz not null default now()
    );
    create index login_failure_ip_idx on login_failure (ip, at);

    create table audit_log (
      id bigserial primary key,
      at timestamptz not null default clock_timestamp(),
      actor_id bigint,
      actor_name text not null,
      ip text,
      action text not null,
      entity text not null,
      entity_id text,
      region_code text,
      before jsonb,
      after jsonb,
      prev_hash text not null,
      hash text not null
    );
    create index audit_log_at_idx on audit_log (at);
    create index audit_log_entity_idx on audit_log (entity, entity_id);

    -- The log is append-only. Rows may leave only after the legal minimum of six months
    -- (网络安全法 Art. 21), and then only from the oldest end (pruning).
    create function audit_log_guard() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' then
        raise exception '审计日志不可修改';
      end if;
      if old.at > now() - interval '180 days' then
        raise exception '审计日志须保存至少 6 个月';
      end if;
      return old;
    end $$;
    create trigger audit_log_guard before update or delete on audit_log
      for each row execute function audit_log_guard();
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table audit_log; drop function audit_log_guard;
    drop table login_failure; drop table session; drop table app_user;
    drop table setting; drop table region;
  `.execute(db)
}
