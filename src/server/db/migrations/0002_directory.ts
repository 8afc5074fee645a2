import { sql, type Kysely } from 'kysely'

/** Units (organisations), the people in them, and leading groups with their members. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table unit (
      id bigserial primary key,
      region_code text not null references region (code),
      name text not null check (btrim(name) <> ''),
      kind text not null,
      -- 统一社会信用代码 (GB 32100); the check character is verified by the application.
      credit_code text check (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
      address text,
      -- Normalised: 13857200002 or 0572-2012345(-801).
      phone text,
      parent_unit_id bigint references unit (id),
      is_demo boolean not null default false,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint unit_region_name_key unique (region_code, name)
    );
    create index unit_region_idx on unit (region_code text_pattern_ops);
    create index unit_name_trgm_idx on unit using gin (name gin_trgm_ops);
    create index unit_parent_idx on unit (parent_unit_id);

    create table person (
      id bigserial primary key,
      region_code text not null references region (code),
      unit_id bigint references unit (id),
      name text not null check (btrim(name) <> ''),
      post text,
      mobile text check (mobile ~ '^1[3-9][0-9]{9}$'),
      landline text,
      wechat text,
      -- Responsibility role keys (domain/people/units.ts), e.g. {head,flood_control}.
      roles text[] not null default '{}',
      note text,
      is_demo boolean not null default false,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index person_region_idx on person (region_code text_pattern_ops);
    create index person_name_trgm_idx on person using gin (name gin_trgm_ops);
    create index person_unit_idx on person (unit_id);
    create index person_roles_idx on person using gin (roles);
    -- Search by number: one digits-only string per person, so "05722012345" finds "0572-2012345".
    create index person_phone_trgm_idx on person using gin (
      (coalesce(mobile, '') || ' ' || replace(coalesce(landline, ''), '-', '')) gin_trgm_ops);

    create table leading_group (
      id bigserial primary key,
      region_code text not null references region (code),
      name text not null check (btrim(name) <> ''),
      office_unit_id bigint references unit (id),
      office_address text,
      office_phone text,
      is_demo boolean not null default false,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint leading_group_region_name_key unique (region_code, name)
    );
    create index leading_group_region_idx on leading_group (region_code text_pattern_ops);
    create index leading_group_office_unit_idx on leading_group (office_unit_id);

    create table leading_group_member (
      group_id bigint not null references leading_group (id) on delete cascade,
      person_id bigint not null references person (id),
      position text not null,
      duty text,
      sort integer not null default 0,
      primary key (group_id, person_id)
    );
    create index leading_group_member_person_idx on leading_group_member (person_id);
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table leading_group_member; drop table leading_group;
    drop table person; drop table unit;
  `.execute(db)
}
