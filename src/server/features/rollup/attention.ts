import { sql, type RawBuilder, type SqlBool } from 'kysely'
import { MIN_TEAM_HEADCOUNT } from '../../../domain/resources/kinds.js'
import type { Db } from '../../db/database.js'
import { inScope, scopeOf, type Scope } from '../../db/scope.js'
import { freshnessDays, isStale } from '../resources/freshness.js'
import type { AttentionQuery, AttentionReply } from './schema.js'
import type { RollupSource } from './queries.js'
import { freshFromTallies, tallied, tallyRowsUnder } from './tallies.js'
import { childPrefixLength, rollupRegion } from './tree.js'
import { chinaToday } from '../../../domain/calendar.js'

const LIST_LIMIT = 20

/** Lines still worth guarding: something in stock and not written off. */
const live = sql<SqlBool>`${sql.ref('s.quantity')} > 0 and ${sql.ref('s.condition')} <> 'scrapped'`

/** Teams below the seed-001 minimum of their level; teams without a headcount are not judged. */
const belowMinimum = sql<SqlBool>`(${sql.join(Object.entries(MIN_TEAM_HEADCOUNT).map(([level, min]) =>
  sql`(${sql.ref('t.level')} = ${level} and ${sql.ref('t.headcount')} < ${min})`), sql` or `)})`

/**
 * The supply counts from the tallies of a province, city or county: expiry and maintenance dates
 * from supply_date_tally, conditions from supply_tally. Stale lines are counted with the
 * resources (freshFromTallies), so `stale` is 0 here.
 */
async function supplyCountsFromTallies(db: Db, scope: Scope, within: Scope, n: number, today: RawBuilder<string>, horizon: RawBuilder<string>) {
  const lines = (sql_: RawBuilder<SqlBool>) => sql<number>`coalesce(sum(lines) filter (where ${sql_}), 0)`
  const [dates, conditions] = await Promise.all([
    db.selectFrom('supplyDateTally').where('level', '=', n).where(tallyRowsUnder('key', within, scope))
      .select([
        lines(sql<SqlBool>`kind = 'expires' and on_date >= ${today} and on_date <= ${horizon}`).as('expiringSupplies'),
        lines(sql<SqlBool>`kind = 'expires' and on_date < ${today}`).as('expiredSupplies'),
        lines(sql<SqlBool>`kind = 'due' and on_date <= ${horizon}`).as('maintenanceDue'),
      ]).executeTakeFirstOrThrow(),
    db.selectFrom('supplyTally').where('level', '=', n).where(tallyRowsUnder('key', within, scope))
      .select([lines(sql<SqlBool>`condition = 'repair'`).as('repair'), lines(sql<SqlBool>`condition = 'scrapped'`).as('scrapped')])
      .executeTakeFirstOrThrow(),
  ])
  return { ...dates, ...conditions, stale: 0 }
}

/**
 * What needs someone's attention under a region within `days`: supplies expiring or expired,
 * awaiting repair, scrapped or due for maintenance; supply agreements ending; teams uninsured or
 * below the minimum; stale records. Counts come from one pass per table, lists are the first 20.
 */
export async function listAttention(db: Db, scope: Scope, query: AttentionQuery, source: RollupSource = {}): Promise<AttentionReply> {
  const region = await rollupRegion(db, scope, query.regionCode)
  const within = scopeOf(region.code)
  const days = query.days ?? 30
  const freshness = await freshnessDays(db)
  const today = chinaToday()
  const todayDate = sql<string>`${today}::date`
  const horizon = sql<string>`(${today}::date + ${days}::int)`

  const supplies = () => db.selectFrom('supply as s').where(inScope('s.regionCode', scope)).where(inScope('s.regionCode', within))
  const teams = () => db.selectFrom('resource as x').innerJoin('team as t', 't.resourceId', 'x.id')
    .where(inScope('x.regionCode', scope)).where(inScope('x.regionCode', within))
    .where('x.status', '=', 'active').where('x.kind', '=', 'team')
  const agreements = () => db.selectFrom('supplyAgreement as a').where(inScope('a.regionCode', scope)).where(inScope('a.regionCode', within))

  const n = childPrefixLength(region.level)
  const fromTallies = !source.rows && tallied(n)
  const supplyCounts = fromTallies ? supplyCountsFromTallies(db, scope, within, n, todayDate, horizon) : supplies().select((eb) => [
    eb.fn.countAll<number>().filterWhere(sql<SqlBool>`${live} and ${sql.ref('s.expiresOn')} >= ${todayDate} and ${sql.ref('s.expiresOn')} <= ${horizon}`).as('expiringSupplies'),
    eb.fn.countAll<number>().filterWhere(sql<SqlBool>`${live} and ${sql.ref('s.expiresOn')} < ${todayDate}`).as('expiredSupplies'),
    eb.fn.countAll<number>().filterWhere('s.condition', '=', 'repair').as('repair'),
    eb.fn.countAll<number>().filterWhere('s.condition', '=', 'scrapped').as('scrapped'),
    eb.fn.countAll<number>().filterWhere(sql<SqlBool>`${sql.ref('s.condition')} <> 'scrapped' and ${sql.ref('s.maintenanceCycleDays')} is not null
      and (${sql.ref('s.maintainedOn')} is null or ${sql.ref('s.maintainedOn')} + ${sql.ref('s.maintenanceCycleDays')} <= ${horizon})`).as('maintenanceDue'),
    eb.fn.countAll<number>().filterWhere(isStale('s.confirmedAt', freshness)).as('stale'),
  ]).executeTakeFirstOrThrow()

  // With the tallies only teams are read here (through the kind's index); stale records come from fresh_tally.
  const resourceCounts = db.selectFrom('resource as x').leftJoin('team as t', 't.resourceId', 'x.id')
    .where(inScope('x.regionCode', scope)).where(inScope('x.regionCode', within)).where('x.status', '=', 'active')
    .$if(fromTallies, (qb) => qb.where('x.kind', '=', 'team'))
    .select((eb) => [
      eb.fn.countAll<number>().filterWhere(sql<SqlBool>`${sql.ref('x.kind')} = 'team' and (not ${sql.ref('t.insured')}
        or ${sql.ref('t.insuranceUntil')} < ${todayDate})`).as('teamsUninsured'),
      eb.fn.countAll<number>().filterWhere(sql<SqlBool>`${sql.ref('x.kind')} = 'team' and ${belowMinimum}`).as('teamsBelowMinimum'),
      eb.fn.countAll<number>().filterWhere(isStale('x.confirmedAt', freshness)).as('stale'),
    ]).executeTakeFirstOrThrow()

  const agreementCounts = agreements().select((eb) => [
    eb.fn.countAll<number>().filterWhere(sql<SqlBool>`${sql.ref('a.endsOn')} >= ${todayDate} and ${sql.ref('a.endsOn')} <= ${horizon}`).as('agreementsEnding'),
    eb.fn.countAll<number>().filterWhere(sql<SqlBool>`${sql.ref('a.endsOn')} < ${todayDate}`).as('agreementsEnded'),
  ]).executeTakeFirstOrThrow()

  const expiring = supplies().innerJoin('region as r', 'r.code', 's.regionCode')
    .select(['s.id', 's.name', 'r.fullName as regionName', 's.quantity', 's.unit', 's.expiresOn',
      sql<number>`${sql.ref('s.expiresOn')} - ${todayDate}`.as('daysLeft')])
    .where(live).where(sql<SqlBool>`${sql.ref('s.expiresOn')} <= ${horizon}`)
    .orderBy('s.expiresOn').orderBy('s.id').limit(LIST_LIMIT).execute()

  const repair = supplies().innerJoin('region as r', 'r.code', 's.regionCode')
    .select(['s.id', 's.name', 'r.fullName as regionName', 's.quantity', 's.unit', 's.isEquipment'])
    .where('s.condition', '=', 'repair')
    .orderBy('s.updatedAt', 'desc').orderBy('s.id').limit(LIST_LIMIT).execute()

  // The supplier's name only when the supplier itself lies in the jurisdiction.
  const agreementsEnding = agreements().innerJoin('region as r', 'r.code', 'a.regionCode')
    .leftJoin('resource as sup', (join) => join.onRef('sup.id', '=', 'a.supplierId').on(inScope('sup.regionCode', scope)))
    .select(['a.id', 'a.itemName', 'sup.name as supplierName', 'r.fullName as regionName', 'a.endsOn',
      sql<number>`${sql.ref('a.endsOn')} - ${todayDate}`.as('daysLeft')])
    .where(sql<SqlBool>`${sql.ref('a.endsOn')} <= ${horizon}`)
    .orderBy('a.endsOn').orderBy('a.id').limit(LIST_LIMIT).execute()

  const teamsBelow = teams().innerJoin('region as r', 'r.code', 'x.regionCode')
    .select(['x.id', 'x.name', 'r.fullName as regionName', 't.level', 't.headcount'])
    .where(belowMinimum)
    .orderBy('t.headcount').orderBy('x.id').limit(LIST_LIMIT).execute()

  const staleFromTallies = fromTallies
    ? freshFromTallies(db, scope, within, n, freshness).then((rows) => rows.reduce((total, r) => total + r.stale, 0))
    : null
  const [sc, rc, ac, expiringRows, repairRows, agreementRows, teamRows, tallyStale] =
    await Promise.all([supplyCounts, resourceCounts, agreementCounts, expiring, repair, agreementsEnding, teamsBelow, staleFromTallies])

  return {
    counts: {
      expiringSupplies: sc.expiringSupplies, expiredSupplies: sc.expiredSupplies, repair: sc.repair, scrapped: sc.scrapped,
      maintenanceDue: sc.maintenanceDue, agreementsEnding: ac.agreementsEnding, agreementsEnded: ac.agreementsEnded,
      teamsUninsured: rc.teamsUninsured, teamsBelowMinimum: rc.teamsBelowMinimum, stale: tallyStale ?? sc.stale + rc.stale,
    },
    lists: {
      // The filters above exclude null dates; the checks narrow the types to match.
      expiring: expiringRows.flatMap((r) => (r.expiresOn === null ? [] : [{ ...r, expiresOn: r.expiresOn }])),
      repair: repairRows,
      agreementsEnding: agreementRows.flatMap((r) => (r.endsOn === null ? [] : [{ ...r, endsOn: r.endsOn }])),
      teamsBelowMinimum: teamRows.flatMap((r) => (r.headcount === null ? [] : [{
        id: r.id, name: r.name, regionName: r.regionName, level: r.level, headcount: r.headcount,
        minimum: MIN_TEAM_HEADCOUNT[r.level as keyof typeof MIN_TEAM_HEADCOUNT] ?? 0,
      }])),
    },
  }
}
