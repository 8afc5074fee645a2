import { sql, type Kysely } from 'kysely'

/**
 * Every stored position says where it came from (domain/map/position-sources.ts): 'sketch' (示意,
 * invented by the system), 'imported' (导入), 'manual' (人工标注), 'survey' (测绘). Warnings drawn
 * as shapes reach villages by their position, so an invented one must be told apart.
 *
 * Regions: `position_source` replaces the flag `position_synthetic` (synthetic → 'sketch'; the
 * county centres and city means taken from published data → 'imported'), and `position_note` keeps
 * what a user should know about a position (a GeoJSON polygon's centroid, the file it came from).
 * A region has a source exactly when it has a position; a row trigger keeps it so for writers
 * that know nothing of sources: a position removed takes its source and note with it, a position
 * given where there was none, without a source, is someone's work ('manual': the system always
 * says 'sketch'). A position moved without a new source keeps the old one.
 *
 * Resources and supply lines: many writers set their coordinates (forms, ledger imports, stock
 * transfers, demo seeding), so a row trigger fills in the source whenever a writer gives none:
 * a new position on a demo row is 'sketch', on a row created by a ledger import (import_key)
 * 'imported', otherwise 'manual' (typed into a form). A position moved later without a source is
 * 'manual': a person changed it. (Naming the same source as before while moving a position counts
 * as naming none: a row trigger cannot see which columns a statement sets.) Existing rows: moved
 * on the map (audited) → 'manual', demo → 'sketch', imported → 'imported', the rest were typed
 * into forms → 'manual'.
 */

const SOURCES = sql`('sketch', 'imported', 'manual', 'survey')`

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table region
      add column position_source text check (position_source in ${SOURCES}),
      add column position_note text check (char_length(position_note) <= 200);
    update region set position_source = case
        when position_synthetic then 'sketch'
        else 'imported' end,
      position_note = case
        when position_synthetic then null
        when level = 'county' then '区县中心点（公开地图数据，近似）'
        when level = 'city' then '下辖区县中心点的平均'
        end
      where lng is not null and lat is not null;
    update region set lng = null, lat = null where lng is null or lat is null;
    alter table region drop column position_synthetic,
      add constraint region_position_source_present check ((position_source is null) = (lng is null or lat is null));
  `.execute(db)

  for (const table of ['resource', 'supply']) {
    await sql`alter table ${sql.table(table)} add column position_source text check (position_source in ${SOURCES})`.execute(db)
    await sql`
      update ${sql.table(table)} x set position_source = case
          when exists (select 1 from audit_log a where a.action = 'map.location_changed' and a.entity = ${table} and a.entity_id = x.id::text) then 'manual'
          when x.is_demo then 'sketch'
          when x.import_key is not null then 'imported'
          else 'manual' end
        where x.lng is not null and x.lat is not null;
    `.execute(db)
  }
  await sql`
    create function position_source_default() returns trigger language plpgsql as $$
    begin
      if new.lng is null or new.lat is null then
        new.position_source := null;
      elsif tg_op = 'INSERT' and new.position_source is not null then
        null; -- the writer said where the position came from
      elsif tg_op = 'UPDATE' and new.position_source is distinct from old.position_source then
        null; -- likewise
      elsif tg_op = 'UPDATE' and new.lng = old.lng and new.lat = old.lat then
        null; -- not moved: the source stays
      elsif tg_op = 'UPDATE' and old.lng is not null and old.lat is not null then
        new.position_source := 'manual';
      else
        new.position_source := case when new.is_demo then 'sketch' when new.import_key is not null then 'imported' else 'manual' end;
      end if;
      return new;
    end $$;
    create function region_position_source_default() returns trigger language plpgsql as $$
    begin
      if new.lng is null or new.lat is null then
        new.position_source := null;
        new.position_note := null;
      elsif new.position_source is null then
        new.position_source := 'manual';
      end if;
      return new;
    end $$;
    create trigger region_position_source before insert or update of lng, lat, position_source on region
      for each row execute function region_position_source_default();
    create trigger resource_position_source before insert or update of lng, lat, position_source on resource
      for each row execute function position_source_default();
    create trigger supply_position_source before insert or update of lng, lat, position_source on supply
      for each row execute function position_source_default();
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger supply_position_source on supply;
    drop trigger resource_position_source on resource;
    drop function position_source_default();
    drop trigger region_position_source on region;
    drop function region_position_source_default();
    alter table supply drop column position_source;
    alter table resource drop column position_source;
    alter table region drop constraint region_position_source_present,
      add column position_synthetic boolean not null default false;
    update region set position_synthetic = (position_source = 'sketch');
    alter table region drop column position_note, drop column position_source;
  `.execute(db)
}
