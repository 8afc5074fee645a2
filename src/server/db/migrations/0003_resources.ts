import { sql, type Kysely } from 'kysely'
import { EXPERT_GROUP_SEEDS } from '../../../domain/resources/kinds.js'
import { TOP_SUPPLY_CLASSES } from '../../../domain/resources/supply-classes.js'

/**
 * The emergency resource database (应急资源数据库).
 *
 * Teams, experts, storage points, shelters, risk points and supply-guarantee enterprises share
 * one `resource` table (region, owner, responsible person, liaison, place, freshness, version)
 * with one detail table per kind, so that the one-map, freshness and completeness read one
 * table. Supply and equipment lines are many (a province holds about a million) and have their
 * own `supply` table; their quantity is the running balance of `stock_movement`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table resource (
      id bigserial primary key,
      kind text not null check (kind in ('team', 'expert', 'storage_point', 'shelter', 'risk_point', 'supplier')),
      region_code text not null references region (code),
      name text not null check (btrim(name) <> ''),
      owner_unit_id bigint references unit (id),
      responsible_person_id bigint references person (id),
      liaison_person_id bigint references person (id),
      address text,
      -- WGS84 / CGCS2000 degrees; point(lng, lat) feeds GiST nearest-neighbour search.
      lng double precision check (lng between -180 and 180),
      lat double precision check (lat between -90 and 90),
      location point generated always as (case when lng is not null and lat is not null then point(lng, lat) end) stored,
      status text not null default 'active' check (status in ('active', 'inactive')),
      note text,
      confirmed_at timestamptz,
      confirmed_by_name text,
      -- Identity of the row in the ledger it was imported from: re-importing updates, never duplicates.
      import_key text,
      is_demo boolean not null default false,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index resource_region_idx on resource (region_code text_pattern_ops, kind);
    create index resource_kind_idx on resource (kind, region_code text_pattern_ops);
    create index resource_name_trgm_idx on resource using gin (name gin_trgm_ops);
    create index resource_location_idx on resource using gist (location);
    create index resource_confirmed_idx on resource (confirmed_at);
    create unique index resource_import_key_idx on resource (kind, region_code, import_key) where import_key is not null;
    create index resource_responsible_idx on resource (responsible_person_id);
    create index resource_liaison_idx on resource (liaison_person_id);
    create index resource_owner_idx on resource (owner_unit_id);

    create table team (
      resource_id bigint primary key references resource (id) on delete cascade,
      level text not null check (level in ('city', 'county', 'township', 'village', 'enterprise', 'social', 'volunteer')),
      team_type text not null check (team_type in ('fire_rescue', 'professional', 'volunteer', 'grassroots', 'unit', 'social')),
      specialities text[] not null default '{}',
      headcount integer check (headcount >= 0),
      leader_person_id bigint references person (id),
      established_on date,
      -- 突发事件应对法 Art. 40: the organiser insures its team members.
      insured boolean not null default false,
      insurance_until date,
      equipment_summary text
    );

    create table expert_group (
      code text primary key,
      domain text not null check (domain in ('accident', 'natural', 'health', 'security', 'general')),
      name text not null,
      unique (domain, name)
    );

    create table expert (
      resource_id bigint primary key references resource (id) on delete cascade,
      domain text not null check (domain in ('accident', 'natural', 'health', 'security', 'general')),
      group_code text references expert_group (code),
      title text,
      speciality text,
      work_unit text
    );

    create table storage_point (
      resource_id bigint primary key references resource (id) on delete cascade,
      storage_kind text not null default 'point' check (storage_kind in ('warehouse', 'point', 'forward')),
      area_m2 numeric check (area_m2 >= 0),
      volume_m3 numeric check (volume_m3 >= 0),
      keeper_person_id bigint references person (id)
    );

    create table shelter (
      resource_id bigint primary key references resource (id) on delete cascade,
      gb21734_class text check (gb21734_class in ('I', 'II', 'III')),
      level text check (level in ('province', 'city', 'county', 'township', 'village')),
      space_type text not null default 'outdoor' check (space_type in ('indoor', 'outdoor')),
      effective_area_m2 numeric not null check (effective_area_m2 > 0),
      capacity integer not null check (capacity >= 0),
      facilities text[] not null default '{}',
      -- GB 21734 §5.4: more than 1.5 m² per person.
      constraint shelter_capacity_fits_area check (capacity <= floor(effective_area_m2 / 1.5))
    );

    create table risk_point (
      resource_id bigint primary key references resource (id) on delete cascade,
      hazard_type text not null,
      level text not null default 'general' check (level in ('general', 'major')),
      state text not null default 'monitoring' check (state in ('monitoring', 'rectifying', 'eliminated')),
      monitor_person_id bigint references person (id),
      measures text,
      threatened_people integer check (threatened_people >= 0)
    );

    create table supply_class (
      code text primary key check (code ~ '^[1-9][0-9]{6}$'),
      name text not null,
      parent_code text references supply_class (code),
      level smallint not null check (level between 1 and 4),
      keywords text[] not null default '{}',
      -- Classes of the standard itself cannot be deleted; local extensions can.
      builtin boolean not null default false
    );

    create table supplier (
      resource_id bigint primary key references resource (id) on delete cascade,
      credit_code text,
      supplies_summary text
    );

    create table supply_agreement (
      id bigserial primary key,
      supplier_id bigint not null references resource (id) on delete cascade,
      region_code text not null references region (code),
      class_code text references supply_class (code),
      item_name text not null,
      quantity numeric check (quantity >= 0),
      unit text,
      starts_on date,
      ends_on date,
      response_hours integer check (response_hours >= 0),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (ends_on is null or starts_on is null or ends_on >= starts_on)
    );
    create index supply_agreement_region_idx on supply_agreement (region_code text_pattern_ops);
    create index supply_agreement_ends_idx on supply_agreement (ends_on);

    create table supply (
      id bigserial primary key,
      region_code text not null references region (code),
      class_code text not null references supply_class (code),
      name text not null check (btrim(name) <> ''),
      specification text,
      unit text not null default '件',
      -- 装备 (equipment: boats, pumps, generators) or 物资 (consumables: sandbags, tents, food).
      is_equipment boolean not null default false,
      storage_point_id bigint references resource (id),
      team_id bigint references resource (id),
      holder_unit_id bigint references unit (id),
      reserve_form text not null default 'physical' check (reserve_form in ('physical', 'agreement', 'capacity')),
      condition text not null default 'good' check (condition in ('good', 'repair', 'scrapped')),
      -- The balance of stock_movement, kept in step inside the same transaction.
      quantity numeric not null default 0 check (quantity >= 0),
      purchased_on date,
      expires_on date,
      maintained_on date,
      maintenance_cycle_days integer check (maintenance_cycle_days > 0),
      responsible_person_id bigint references person (id),
      liaison_person_id bigint references person (id),
      address text,
      lng double precision check (lng between -180 and 180),
      lat double precision check (lat between -90 and 90),
      location point generated always as (case when lng is not null and lat is not null then point(lng, lat) end) stored,
      note text,
      confirmed_at timestamptz,
      confirmed_by_name text,
      import_key text,
      is_demo boolean not null default false,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index supply_region_idx on supply (region_code text_pattern_ops, class_code);
    create index supply_class_idx on supply (class_code);
    create index supply_storage_idx on supply (storage_point_id);
    create index supply_team_idx on supply (team_id);
    create index supply_name_trgm_idx on supply using gin (name gin_trgm_ops);
    create index supply_location_idx on supply using gist (location);
    create index supply_expires_idx on supply (expires_on) where expires_on is not null;
    create index supply_confirmed_idx on supply (confirmed_at);
    create unique index supply_import_key_idx on supply (region_code, import_key) where import_key is not null;

    create table stock_movement (
      id bigserial primary key,
      supply_id bigint not null references supply (id) on delete cascade,
      kind text not null check (kind in ('in', 'out', 'transfer_out', 'transfer_in', 'loss', 'count')),
      -- Signed change; for a count (盘点) the difference between counted and booked.
      delta numeric not null,
      balance numeric not null check (balance >= 0),
      reason text not null check (btrim(reason) <> ''),
      -- The other line of a transfer (调拨).
      counterpart_supply_id bigint references supply (id),
      import_id bigint,
      actor_id bigint references app_user (id),
      actor_name text not null,
      at timestamptz not null default now()
    );
    create index stock_movement_supply_idx on stock_movement (supply_id, id);

    -- Ledger imports: every parsed row with its outcome and problems, kept for the preview and
    -- as a record of what was taken in.
    create table ledger_import (
      id bigserial primary key,
      annex text not null,
      file_name text not null,
      file_sha256 text not null,
      region_code text not null references region (code),
      status text not null default 'parsing' check (status in ('parsing', 'previewed', 'committing', 'committed', 'failed')),
      total_rows integer not null default 0,
      valid_rows integer not null default 0,
      error_rows integer not null default 0,
      message text,
      summary jsonb,
      created_by bigint references app_user (id),
      created_at timestamptz not null default now(),
      committed_at timestamptz
    );
    create index ledger_import_region_idx on ledger_import (region_code text_pattern_ops, created_at);

    create table ledger_import_row (
      import_id bigint not null references ledger_import (id) on delete cascade,
      row_no integer not null,
      data jsonb not null,
      problems jsonb not null default '[]',
      outcome text not null check (outcome in ('create', 'update', 'unchanged', 'error', 'skip')),
      primary key (import_id, row_no)
    );

    create index audit_log_action_idx on audit_log (action);
  `.execute(db)

  for (const c of TOP_SUPPLY_CLASSES) {
    await sql`insert into supply_class (code, name, level, keywords, builtin)
      values (${c.code}, ${c.name}, 1, ${c.keywords}, true)`.execute(db)
  }
  for (const g of EXPERT_GROUP_SEEDS) {
    await sql`insert into expert_group (code, domain, name) values (${g.code}, ${g.domain}, ${g.name})`.execute(db)
  }
  // Records not confirmed for this many days are flagged stale (configurable per deployment).
  await sql`insert into setting (key, value) values ('resources.freshness_days', '180')`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index audit_log_action_idx;
    drop table ledger_import_row; drop table ledger_import;
    drop table stock_movement; drop table supply; drop table supply_agreement; drop table supplier;
    drop table supply_class; drop table risk_point; drop table shelter; drop table storage_point;
    drop table expert; drop table expert_group; drop table team; drop table resource;
    delete from setting where key = 'resources.freshness_days';
  `.execute(db)
}
