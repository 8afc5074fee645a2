import { sql, type Kysely } from 'kysely'

/**
 * Pre-aggregated grid cells for the one-map, so a province-wide viewport reads a few thousand
 * cells instead of grouping up to a million rows.
 *
 * A cell of level k is 21600 / 2^(k+8) degrees wide: the one-map's ~60 px grid at zoom k
 * (cluster.ts cellDegrees), so the zoom grids nest in the levels exactly and regrouping a level
 * to a coarser zoom is an integer shift. The levels are 8, 10, 12 and 14: a viewport at zoom z
 * reads the coarsest level not coarser than z, at most 4×4 cells per drawn cell.
 *
 * Cells are per layer (a resource kind, or 'supply' for lines kept outside a storage point) and per
 * county (first 6 digits of the region code), so city and province users are scoped by prefix.
 * They hold exactly what the unfiltered map draws: active resources with a position, and supply
 * lines with a position and no storage point. `sum_id` is the record's id in a cell of one record
 * (a plain sum survives deletions, a min/max would not).
 *
 * Statement-level triggers with transition tables keep the cells current: one aggregated upsert
 * per statement, so bulk imports and seeds stay fast. rebuildMapCells (features/map/cells.ts)
 * recomputes them from scratch.
 */
const TABLES = [
  ['resource', 'kind', "status = 'active'"],
  ['supply', "'supply'::text", 'storage_point_id is null'],
] as const
const EVENTS = [
  ['ins', [['new_rows', 1]]],
  ['upd', [['new_rows', 1], ['old_rows', -1]]],
  ['del', [['old_rows', -1]]],
] as const
const EVENT_NAMES = { ins: 'insert', upd: 'update', del: 'delete' } as const

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table map_cell (
      level smallint not null,
      layer text not null,
      county_code text not null,
      cx integer not null,
      cy integer not null,
      n integer not null,
      sum_lng double precision not null,
      sum_lat double precision not null,
      sum_id bigint not null,
      primary key (level, layer, county_code, cx, cy)
    );
    -- Viewport strips are narrow either in x or in y; one index for each keeps both range scans short.
    create index map_cell_x_idx on map_cell (level, cx, cy);
    create index map_cell_y_idx on map_cell (level, cy, cx);
    -- Cells emptied by an update or delete are dropped right away; this keeps finding them cheap.
    create index map_cell_empty_idx on map_cell (level) where n = 0;

    create table map_cell_level (level smallint primary key, size double precision not null);
    insert into map_cell_level (level, size)
      select l, 21600::float8 / power(2::float8, l + 8) from unnest(array[8, 10, 12, 14]) l;
  `.execute(db)
  // Each trigger gets its own function: a transition table exists only for the events that have it,
  // and PL/pgSQL plans a statement with every relation it names.
  for (const [table, layer, drawn] of TABLES) {
    for (const [event, tables] of EVENTS) {
      const parts = tables.map(([rows, sign]) => `select ${layer} as layer, left(region_code, 6) as county_code, lng, lat, id, ${sign} as sign
        from ${rows} where ${drawn} and lng is not null and lat is not null`)
      const name = `map_cell_${table}_${event}`
      await sql.raw(`
        create function ${name}() returns trigger language plpgsql as $fn$
        begin
          insert into map_cell as c (level, layer, county_code, cx, cy, n, sum_lng, sum_lat, sum_id)
          select l.level, d.layer, d.county_code, floor(d.lng / l.size)::int, floor(d.lat / l.size)::int,
            sum(d.sign), sum(d.sign * d.lng), sum(d.sign * d.lat), sum(d.sign * d.id)
          from (${parts.join(' union all ')}) d cross join map_cell_level l
          group by 1, 2, 3, 4, 5
          -- Edits that leave a record where it was (a new name, a new quantity) change no cell.
          having sum(d.sign) <> 0 or sum(d.sign * d.lng) <> 0 or sum(d.sign * d.lat) <> 0 or sum(d.sign * d.id) <> 0
          -- A fixed order keeps concurrent statements from deadlocking on shared cells.
          order by 1, 2, 3, 4, 5
          on conflict (level, layer, county_code, cx, cy) do update set
            n = c.n + excluded.n, sum_lng = c.sum_lng + excluded.sum_lng,
            sum_lat = c.sum_lat + excluded.sum_lat, sum_id = c.sum_id + excluded.sum_id;
          ${event === 'ins' ? '' : 'delete from map_cell where n = 0;'}
          return null;
        end $fn$;
        create trigger ${name} after ${EVENT_NAMES[event]} on ${table}
          referencing ${tables.map(([rows]) => `${rows === 'new_rows' ? 'new' : 'old'} table as ${rows}`).join(' ')}
          for each statement execute function ${name}();
      `).execute(db)
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [table] of TABLES) {
    for (const [event] of EVENTS) {
      await sql.raw(`drop trigger if exists map_cell_${table}_${event} on ${table}; drop function if exists map_cell_${table}_${event}();`).execute(db)
    }
  }
  await sql`drop table if exists map_cell_level; drop table if exists map_cell;`.execute(db)
}
