import { sql, type RawBuilder, type SqlBool } from 'kysely'
import type { Db } from '../../db/database.js'

/**
 * A record is current when someone confirmed it within the deployment's period (setting
 * `resources.freshness_days`, 180 by default); a record never confirmed is stale.
 */
export const FRESHNESS_SETTING = 'resources.freshness_days'
const DEFAULT_FRESHNESS_DAYS = 180

export async function freshnessDays(db: Db): Promise<number> {
  const row = await db.selectFrom('setting').select('value').where('key', '=', FRESHNESS_SETTING).executeTakeFirst()
  const days = Number(row?.value)
  return Number.isInteger(days) && days > 0 ? days : DEFAULT_FRESHNESS_DAYS
}

/** Never confirmed, or confirmed longer ago than `days`; `column` is the confirmed_at column. */
export function isStale(column: string, days: number): RawBuilder<SqlBool> {
  const at = sql.ref(column)
  return sql<SqlBool>`(${at} is null or ${at} < now() - make_interval(days => ${days}))`
}
