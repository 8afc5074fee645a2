import { sql, type Kysely } from 'kysely'

/**
 * 三权分立 without gaps. An administrator never chooses another person's password: accounts he
 * creates or resets get a one-time password its owner must replace before doing anything else.
 * And no administrator changes an administrator account alone: such changes wait here until a
 * second administrator approves them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Default false: accounts that exist already, and the demo accounts, keep working as they are.
    alter table app_user add column must_change_password boolean not null default false;

    create table account_approval (
      id bigserial primary key,
      kind text not null check (kind in ('assign_role', 'reset_password', 'set_disabled')),
      target_user_id bigint not null references app_user (id) on delete cascade,
      -- The target's region when asked: who may see and decide the request (by jurisdiction).
      region_code text not null references region (code),
      -- What is to be done (role and region, or name and 停用, with the version seen), never a secret.
      payload jsonb not null default '{}',
      -- The change in words, as the requester saw it; the approver decides on this.
      summary text not null,
      state text not null default 'pending' check (state in ('pending', 'approved', 'rejected')),
      requested_by bigint not null references app_user (id),
      requested_at timestamptz not null default now(),
      decided_by bigint references app_user (id),
      decided_at timestamptz,
      check ((state = 'pending') = (decided_by is null)),
      check (decided_by is distinct from requested_by or state = 'rejected')
    );
    -- One open request per account: two could each be approved against a state the other changed.
    create unique index account_approval_pending_key on account_approval (target_user_id) where state = 'pending';
    create index account_approval_region_idx on account_approval (region_code text_pattern_ops);
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table account_approval;
    alter table app_user drop column must_change_password;
  `.execute(db)
}
