import { sql, type Kysely } from 'kysely'

/**
 * How users mapped the columns of ledgers whose layout the reader did not know, remembered per
 * header fingerprint, annex and region, so the next file of that layout imports without asking.
 * An import waits for its mapping in the new status 'mapping'; the upload is kept with the
 * import (in chunks, so no process holds a whole file) until it is committed or deleted, since
 * a new mapping means reading the file again, on whichever instance the user reaches.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table ledger_mapping (
      id bigserial primary key,
      region_code text not null references region (code),
      annex text not null,
      fingerprint text not null,
      -- { columns: [{ index, label, key }], placement, regions }
      mapping jsonb not null,
      updated_by bigint references app_user (id),
      updated_at timestamptz not null default now(),
      unique (region_code, annex, fingerprint)
    );

    alter table ledger_import add column mapping jsonb;
    alter table ledger_import drop constraint ledger_import_status_check;
    alter table ledger_import add constraint ledger_import_status_check
      check (status in ('parsing', 'mapping', 'previewed', 'committing', 'committed', 'failed'));

    create table ledger_import_file (
      import_id bigint not null references ledger_import (id) on delete cascade,
      seq integer not null,
      bytes bytea not null,
      primary key (import_id, seq)
    );
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table ledger_import_file;
    update ledger_import set status = 'failed' where status = 'mapping';
    alter table ledger_import drop constraint ledger_import_status_check;
    alter table ledger_import add constraint ledger_import_status_check
      check (status in ('parsing', 'previewed', 'committing', 'committed', 'failed'));
    alter table ledger_import drop column mapping;
    drop table ledger_mapping;
  `.execute(db)
}
