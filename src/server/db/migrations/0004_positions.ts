import { sql, type Kysely } from 'kysely'

/**
 * Positions of regions for the one-map (应急一张图): base labels, the map's starting centre, and
 * the anchor around which demo records are placed. WGS84 degrees, like resource and supply.
 * County centres come from published map data; township and village positions are synthetic
 * until a deployment loads surveyed ones (see features/map/positions.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table region
      add column lng double precision check (lng between -180 and 180),
      add column lat double precision check (lat between -90 and 90),
      add column position_synthetic boolean not null default false;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table region drop column lng, drop column lat, drop column position_synthetic`.execute(db)
}
