import { sql, type Kysely } from 'kysely'

/**
 * Server instances running the background workers, so that a lease can name its holder: a
 * delivery being sent by an instance that died (SIGKILL, power loss) is taken over by another
 * within seconds instead of when its two-minute lease runs out. Liveness itself is not stored:
 * an instance holds a session advisory lock for as long as its process lives and writes a
 * heartbeat (jobs/instance.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table worker_instance (
      id bigserial primary key,
      host text not null,
      pid integer not null,
      started_at timestamptz not null default now(),
      seen_at timestamptz not null default now()
    );
    -- No foreign key: an instance row that is gone (pruned) simply means a dead holder.
    alter table delivery add column locked_by bigint;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table delivery drop column locked_by;
    drop table worker_instance;
  `.execute(db)
}
