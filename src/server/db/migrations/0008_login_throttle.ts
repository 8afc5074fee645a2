import { sql, type Kysely } from 'kysely'

/**
 * Login throttling per (address, account) rather than per address alone, and lockouts that back
 * off: an account remembers how many times in a row it has been locked, so each new lock lasts
 * longer until a successful login or the 安全管理员 clears it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table app_user add column lock_count integer not null default 0;

    -- Failures are keyed by the name as typed, folded to lower case like the login lookup, so
    -- "Admin" and "admin" count as the same account.
    update login_failure set username = lower(username) where username <> lower(username);
    create index login_failure_ip_username_idx on login_failure (ip, username, at);
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index login_failure_ip_username_idx;
    alter table app_user drop column lock_count;
  `.execute(db)
}
