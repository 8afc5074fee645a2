import { sql, type RawBuilder, type SqlBool } from 'kysely'
import {
  allSupplyNeeds, HAZARD_SUPPLY_NEEDS, hazardShortfallLabel, needGroupOf,
} from '../../../domain/resources/hazard-needs.js'
import { HAZARD_TYPES, MIN_TEAM_HEADCOUNT } from '../../../domain/resources/kinds.js'
import type { Db } from '../../db/database.js'
import { inScope, scopeOf, type Scope } from '../../db/scope.js'
import type { CompletenessQuery, CompletenessReply, CompletenessRow, Indicator } from './schema.js'
import type { RollupSource } from './queries.js'
import { tallyRowsUnder } from './tallies.js'
import { childKey, rollupRegion } from './tree.js'

type CheckLevel = 'township' | 'village'

/** What is known of one township or village, before it is judged. */
type Facts = {
  code: string
  name: string
  parentName: string
  /** Units of kind township_station anywhere in the region. */
  stations: number
  hasLeadingGroup: boolean
  teams: number
  /** Headcount of the region's largest own team; null without a team. */
  teamHeadcount: number | null
  hasHead: boolean
  hasLiaison: boolean
  informants: number
  supplyLines: number
  stockedLines: number
  hasStoragePoint: boolean
  hasShelter: boolean
  reported: boolean
  /** Hazard types of active, not eliminated risk points in the subtree, in HAZARD_TYPES order. */
  hazards: string[]
  /** Labels of checklist items some usable line in the subtree answers. */
  heldNeeds: Set<string>
}

/** Seed 003: at least two information officers per township. */
const MIN_TOWNSHIP_INFORMANTS = 2

/** Every shortfall a region can show, in the order the summary lists them. */
export const MISSING_LABELS: Record<CheckLevel, string[]> = {
  township: [
    '无应急机构', '无领导小组', '无救援队伍', `队伍不足${MIN_TEAM_HEADCOUNT.township}人`, '无负责人', '无联络人',
    `信息员不足${MIN_TOWNSHIP_INFORMANTS}名`, '未上报物资', '物资库存为0',
    ...HAZARD_SUPPLY_NEEDS.map((g) => hazardShortfallLabel(g.group)),
  ],
  village: [
    '无场地设施', '无救援队伍', `队伍不足${MIN_TEAM_HEADCOUNT.village}人`, '无负责人', '无联络人', '未上报物资', '物资库存为0',
    ...HAZARD_SUPPLY_NEEDS.map((g) => hazardShortfallLabel(g.group)),
  ],
}

/** What a shortfall counts as in the summary: `缺防汛物资：救生衣` counts as 缺防汛物资. */
const summaryLabel = (missing: string) => missing.split('：')[0]

function teamCheck(f: Facts, min: number): { ok: boolean; note: string; missing: string | null } {
  if (f.teams === 0) return { ok: false, note: '未登记本级救援队伍', missing: '无救援队伍' }
  const headcount = f.teamHeadcount ?? 0
  if (headcount < min) return { ok: false, note: `最大一支队伍 ${headcount} 人，应不少于 ${min} 人`, missing: `队伍不足${min}人` }
  return { ok: true, note: `最大一支队伍 ${headcount} 人`, missing: null }
}

function supplyCheck(f: Facts): { ok: boolean; note: string; missing: string | null } {
  if (f.supplyLines === 0) return { ok: false, note: '未登记本级物资装备', missing: '未上报物资' }
  if (f.stockedLines === 0) return { ok: false, note: `登记 ${f.supplyLines} 条，库存均为 0`, missing: '物资库存为0' }
  return { ok: true, note: `${f.stockedLines} 条有库存`, missing: null }
}

type HazardCheck = Pick<CompletenessRow, 'missingForHazards' | 'missing'> & { indicator: Indicator }

/**
 * Whether the subtree holds what its hazards need (HAZARD_SUPPLY_NEEDS). Hazards of one group
 * need the same items, so shortfalls are told once per group: 缺防汛物资：救生衣（山洪、内涝）.
 */
function hazardCheck(f: Facts): HazardCheck {
  const base = { key: 'hazard_supplies', label: '风险所需物资' }
  if (f.hazards.length === 0) return { indicator: { ...base, ok: null, note: '无在管风险隐患点' }, missingForHazards: [], missing: [] }
  const missingForHazards = f.hazards.flatMap((hazard) => {
    const items = (needGroupOf(hazard)?.items ?? []).filter((i) => !f.heldNeeds.has(i.label)).map((i) => i.label)
    return items.length ? [{ hazard, items }] : []
  })
  const notes: string[] = []
  const missing: string[] = []
  for (const g of HAZARD_SUPPLY_NEEDS) {
    const gaps = missingForHazards.filter((m) => (g.hazards as string[]).includes(m.hazard))
    if (gaps.length === 0) continue
    const items = gaps[0].items.join('、')
    notes.push(`${items}（${gaps.map((m) => m.hazard).join('、')}）`)
    missing.push(`${hazardShortfallLabel(g.group)}：${items}`)
  }
  const note = missing.length ? `缺：${notes.join('；')}` : `${f.hazards.join('、')}：所需物资齐备`
  return { indicator: { ...base, ok: missing.length === 0, note }, missingForHazards, missing }
}

/** People checks shared by townships (附件5) and villages (附件6). */
function peopleMissing(f: Facts, level: CheckLevel): string[] {
  const missing: string[] = []
  if (!f.hasHead) missing.push('无负责人')
  if (!f.hasLiaison) missing.push('无联络人')
  if (level === 'township' && f.informants < MIN_TOWNSHIP_INFORMANTS) missing.push(`信息员不足${MIN_TOWNSHIP_INFORMANTS}名`)
  return missing
}

/**
 * Seed 001: a township's 六有 (有机构、有机制、有预案、有队伍、有物资、有培训演练) and the 附件5
 * people; a village's 三有 (有场地设施、有装备物资、有工作制度), its team and the 附件6 people.
 * An indicator the system does not track yet is null and never counts as met.
 */
export function judge(f: Facts, level: CheckLevel): Pick<CompletenessRow, 'indicators' | 'missing' | 'missingForHazards'> {
  const min = MIN_TEAM_HEADCOUNT[level] ?? 0
  const team = teamCheck(f, min)
  const supplies = supplyCheck(f)
  const hazards = hazardCheck(f)
  const indicators: Indicator[] = []
  const missing: string[] = []
  if (level === 'township') {
    indicators.push(
      { key: 'organisation', label: '有机构', ok: f.stations > 0, note: f.stations > 0 ? `应急站（办）${f.stations} 个` : '未登记乡镇（街道）应急站/应急办' },
      { key: 'mechanism', label: '有机制', ok: f.hasLeadingGroup, note: f.hasLeadingGroup ? '已成立应急领导小组' : '未登记应急领导小组' },
      { key: 'plan', label: '有预案', ok: null, note: '预案模块尚未接入' },
      { key: 'team', label: '有队伍', ok: team.ok, note: team.note },
      { key: 'supplies', label: '有物资', ok: supplies.ok, note: supplies.note },
      { key: 'training', label: '有培训演练', ok: null, note: '培训演练尚未纳入统计' },
    )
    if (f.stations === 0) missing.push('无应急机构')
    if (!f.hasLeadingGroup) missing.push('无领导小组')
  } else {
    const site = f.hasStoragePoint || f.hasShelter
    indicators.push(
      { key: 'site', label: '有场地设施', ok: site, note: site ? [f.hasStoragePoint && '有储备点', f.hasShelter && '有避难场所'].filter(Boolean).join('、') : '未登记储备点或避难场所' },
      { key: 'supplies', label: '有装备物资', ok: supplies.ok, note: supplies.note },
      { key: 'rules', label: '有工作制度', ok: null, note: '工作制度尚未纳入统计' },
    )
    if (!site) missing.push('无场地设施')
  }
  if (team.missing) missing.push(team.missing)
  missing.push(...peopleMissing(f, level))
  if (supplies.missing) missing.push(supplies.missing)
  indicators.push(hazards.indicator)
  missing.push(...hazards.missing)
  return { indicators, missing, missingForHazards: hazards.missingForHazards }
}

function present(f: Facts, level: CheckLevel): CompletenessRow {
  const min = MIN_TEAM_HEADCOUNT[level] ?? 0
  return {
    code: f.code,
    name: f.name,
    parentName: f.parentName,
    hasTeam: f.teams > 0,
    teamHeadcount: f.teamHeadcount,
    teamMeetsMinimum: f.teams > 0 && (f.teamHeadcount ?? 0) >= min,
    hasHead: f.hasHead,
    hasLiaison: f.hasLiaison,
    informants: f.informants,
    supplyLines: f.supplyLines,
    hasStoragePoint: f.hasStoragePoint,
    hasShelter: f.hasShelter,
    hasLeadingGroup: f.hasLeadingGroup,
    reported: f.reported,
    hazards: f.hazards,
    ...judge(f, level),
  }
}

const needs = allSupplyNeeds()

/**
 * One boolean per checklist item (in `needs` order): does a usable line of the group hold it?
 * Computed in the same grouped scan as the other supply figures, never per region or per item.
 */
function heldNeedsColumn(): RawBuilder<boolean[] | null> {
  if (needs.length === 0) return sql<boolean[] | null>`'{}'::boolean[]`
  const usable = sql<SqlBool>`${sql.ref('s.quantity')} > 0 and ${sql.ref('s.condition')} <> 'scrapped'`
  const held = needs.map((n) => {
    const named = sql.join(n.anyOf.map((k) => sql`strpos(${sql.ref('s.name')}, ${k}) > 0`), sql` or `)
    return sql`coalesce(bool_or(${named}) filter (where ${usable}), false)`
  })
  return sql<boolean[] | null>`array[${sql.join(held)}]`
}

const hazardOrder = (h: string) => {
  const i = (HAZARD_TYPES as readonly string[]).indexOf(h)
  return i < 0 ? HAZARD_TYPES.length : i
}
const sortHazards = (hazards: string[]) => [...hazards].sort((a, b) => hazardOrder(a) - hazardOrder(b) || (a < b ? -1 : a > b ? 1 : 0))

/**
 * The facts of every township (or village) under the region. Each query groups the whole
 * subtree once by the checked region's digits, never one query per region. "Own" records are
 * those registered at exactly the checked region (a township's own team, not its villages').
 */
/** The regions of the checked level, with their parents' names. */
function checkedRegions(db: Db, scope: Scope, within: Scope, level: CheckLevel) {
  return db.selectFrom('region as g')
    .leftJoin('region as p', 'p.code', 'g.parentCode')
    .select(['g.code', 'g.name', 'p.name as parentName'])
    .where('g.level', '=', level).where(inScope('g.code', scope)).where(inScope('g.code', within))
    .orderBy('g.code')
    .execute()
}

/**
 * Township stations and leading groups, which only the township check asks for. Few rows per
 * township, so both the record path and the tally path read them directly.
 */
async function townshipOffices(db: Db, scope: Scope, within: Scope, level: CheckLevel) {
  if (level !== 'township') return { stationsBy: new Map<string, number>(), withGroup: new Set<string>() }
  const [stations, groups] = await Promise.all([
    db.selectFrom('unit as u')
      .where(inScope('u.regionCode', scope)).where(inScope('u.regionCode', within)).where('u.kind', '=', 'township_station')
      .select((eb) => [childKey('u.regionCode', 9).as('k'), eb.fn.countAll<number>().as('stations')])
      .groupBy(childKey('u.regionCode', 9))
      .execute(),
    db.selectFrom('leadingGroup as lg')
      .where(inScope('lg.regionCode', scope)).where(inScope('lg.regionCode', within))
      .select('lg.regionCode').distinct()
      .execute(),
  ])
  return {
    stationsBy: new Map(stations.map((r) => [r.k.padEnd(12, '0'), r.stations])),
    withGroup: new Set(groups.map((r) => r.regionCode)),
  }
}

async function gatherFacts(db: Db, scope: Scope, within: Scope, level: CheckLevel): Promise<Facts[]> {
  const n = level === 'township' ? 9 : 12
  // Registered at exactly the checked region: its 12 digits are its key padded with zeros.
  const own = (column: string) => sql<SqlBool>`${sql.ref(column)} = rpad(${childKey(column, n)}, 12, '0')`

  const regions = checkedRegions(db, scope, within, level)

  const ownTeam = sql<SqlBool>`${own('x.regionCode')} and ${sql.ref('x.kind')} = 'team'`
  const liveRisk = sql<SqlBool>`${sql.ref('x.kind')} = 'risk_point' and ${sql.ref('rp.state')} <> 'eliminated'`
  const resources = db.selectFrom('resource as x')
    .leftJoin('team as t', 't.resourceId', 'x.id')
    .leftJoin('riskPoint as rp', 'rp.resourceId', 'x.id')
    .where(inScope('x.regionCode', scope)).where(inScope('x.regionCode', within)).where('x.status', '=', 'active')
    .select((eb) => [
      childKey('x.regionCode', n).as('k'),
      eb.fn.countAll<number>().filterWhere(ownTeam).as('teams'),
      // A team without a headcount counts as 0 people: it cannot show that it meets the minimum.
      eb.fn.max(sql<number>`coalesce(${sql.ref('t.headcount')}, 0)`).filterWhere(ownTeam).as('teamHeadcount'),
      eb.fn.countAll<number>().filterWhere(sql<SqlBool>`${own('x.regionCode')} and ${sql.ref('x.kind')} = 'storage_point'`).as('storagePoints'),
      eb.fn.countAll<number>().filterWhere(sql<SqlBool>`${own('x.regionCode')} and ${sql.ref('x.kind')} = 'shelter'`).as('shelters'),
      // Over the whole subtree: a village's risk point is its township's hazard too.
      sql<string[] | null>`array_agg(distinct ${sql.ref('rp.hazardType')}) filter (where ${liveRisk})`.as('hazards'),
    ])
    .groupBy(childKey('x.regionCode', n))
    .execute()

  const supplies = db.selectFrom('supply as s')
    .where(inScope('s.regionCode', scope)).where(inScope('s.regionCode', within))
    .select((eb) => [
      childKey('s.regionCode', n).as('k'),
      eb.fn.countAll<number>().as('subtreeLines'),
      eb.fn.countAll<number>().filterWhere(own('s.regionCode')).as('lines'),
      eb.fn.countAll<number>().filterWhere(sql<SqlBool>`${own('s.regionCode')} and ${sql.ref('s.quantity')} > 0`).as('stocked'),
      heldNeedsColumn().as('held'),
    ])
    .groupBy(childKey('s.regionCode', n))
    .execute()

  // A person counts for a region when registered there, or when their unit is. The roles
  // overlap (&&) keeps the scan to people holding one of the three roles (GIN index).
  const roles = sql`array['head', 'liaison', 'informant']::text[]`
  const people = db
    .with('pr', (qb) => qb.selectFrom('person as p')
      .select(['p.id', 'p.roles', 'p.regionCode as code'])
      .where(inScope('p.regionCode', scope)).where(inScope('p.regionCode', within))
      .where(sql<SqlBool>`${sql.ref('p.roles')} && ${roles}`)
      .union(qb.selectFrom('person as p').innerJoin('unit as u', 'u.id', 'p.unitId')
        .select(['p.id', 'p.roles', 'u.regionCode as code'])
        .where(inScope('p.regionCode', scope)).where(inScope('u.regionCode', scope)).where(inScope('u.regionCode', within))
        .where(sql<SqlBool>`${sql.ref('p.roles')} && ${roles}`)))
    .selectFrom('pr')
    .select((eb) => [
      'pr.code',
      eb.fn.countAll<number>().filterWhere(sql<SqlBool>`'head' = any(${sql.ref('pr.roles')})`).as('heads'),
      eb.fn.countAll<number>().filterWhere(sql<SqlBool>`'liaison' = any(${sql.ref('pr.roles')})`).as('liaisons'),
      sql<number>`count(distinct ${sql.ref('pr.id')}) filter (where 'informant' = any(${sql.ref('pr.roles')}))`.as('informants'),
    ])
    .groupBy('pr.code')
    .execute()

  const offices = townshipOffices(db, scope, within, level)

  const [regionRows, resourceRows, supplyRows, peopleRows, { stationsBy, withGroup }] =
    await Promise.all([regions, resources, supplies, people, offices])

  const resourcesBy = new Map(resourceRows.map((r) => [r.k.padEnd(12, '0'), r]))
  const suppliesBy = new Map(supplyRows.map((r) => [r.k.padEnd(12, '0'), r]))
  const peopleBy = new Map(peopleRows.map((r) => [r.code, r]))

  return regionRows.map((g) => {
    const res = resourcesBy.get(g.code)
    const sup = suppliesBy.get(g.code)
    const held = sup?.held ?? []
    const ppl = peopleBy.get(g.code)
    const teams = res?.teams ?? 0
    return {
      code: g.code,
      name: g.name,
      parentName: g.parentName ?? '',
      stations: stationsBy.get(g.code) ?? 0,
      hasLeadingGroup: withGroup.has(g.code),
      teams,
      teamHeadcount: teams > 0 ? Number(res?.teamHeadcount ?? 0) : null,
      hasHead: (ppl?.heads ?? 0) > 0,
      hasLiaison: (ppl?.liaisons ?? 0) > 0,
      informants: ppl?.informants ?? 0,
      supplyLines: sup?.lines ?? 0,
      stockedLines: sup?.stocked ?? 0,
      hasStoragePoint: (res?.storagePoints ?? 0) > 0,
      hasShelter: (res?.shelters ?? 0) > 0,
      reported: (sup?.subtreeLines ?? 0) > 0 || res !== undefined,
      hazards: sortHazards(res?.hazards ?? []),
      heldNeeds: new Set(needs.filter((_n, i) => held[i] === true).map((n) => n.label)),
    }
  })
}

/** heldNeedsColumn over distinct (key, name) pairs already narrowed to usable lines, as `u`. */
function heldNeedsOfNames(): RawBuilder<boolean[] | null> {
  if (needs.length === 0) return sql<boolean[] | null>`'{}'::boolean[]`
  const held = needs.map((n) => sql`bool_or(${sql.join(n.anyOf.map((k) => sql`strpos(${sql.ref('u.name')}, ${k}) > 0`), sql` or `)})`)
  return sql<boolean[] | null>`array[${sql.join(held)}]`
}

/**
 * The same facts from the tallies (migration 0020) and a few indexed reads: resources in use by
 * kind at each exact region and per subtree (resource_tally), lines and stock per region and name
 * (supply_place_tally, and supply_name_tally / supply_tally per township), people by role
 * (person_tally). Only the largest own team's headcount and the hazard types are read from the
 * records, through the kind's index: few rows of two kinds.
 */
async function gatherFactsFromTallies(db: Db, scope: Scope, within: Scope, level: CheckLevel): Promise<Facts[]> {
  const n = level === 'township' ? 9 : 12
  const under = (column: string) => tallyRowsUnder(column, within, scope)
  // At exactly the checked region: its 12 digits are its key padded with zeros.
  const own = (column: string) => sql<SqlBool>`${sql.ref(column)} = rpad(${childKey(column, n)}, 12, '0')`

  const regions = checkedRegions(db, scope, within, level)

  const ownResources = db.selectFrom('resourceTally as t')
    .where('t.level', '=', 12).where(under('t.key')).where(own('t.key'))
    .where('t.kind', 'in', ['team', 'storage_point', 'shelter'])
    .select(['t.key', 't.kind', 't.records'])
    .execute()
  const subtreeResources = db.selectFrom('resourceTally as t')
    .where('t.level', '=', n).where(under('t.key'))
    .select((eb) => ['t.key', eb.fn.sum<number>('t.records').as('records')])
    .groupBy('t.key')
    .execute()
  const active = (kind: string) => db.selectFrom('resource as x')
    .where('x.kind', '=', kind).where('x.status', '=', 'active')
    .where(inScope('x.regionCode', scope)).where(inScope('x.regionCode', within))
  // A team without a headcount counts as 0 people: it cannot show that it meets the minimum.
  const teamHeadcounts = active('team').innerJoin('team as t', 't.resourceId', 'x.id').where(own('x.regionCode'))
    .select((eb) => [childKey('x.regionCode', n).as('k'), eb.fn.max(sql<number>`coalesce(${sql.ref('t.headcount')}, 0)`).as('headcount')])
    .groupBy(childKey('x.regionCode', n))
    .execute()
  // Over the whole subtree: a village's risk point is its township's hazard too.
  const hazards = active('risk_point').innerJoin('riskPoint as rp', 'rp.resourceId', 'x.id').where('rp.state', '<>', 'eliminated')
    .select([childKey('x.regionCode', n).as('k'), sql<string[]>`array_agg(distinct ${sql.ref('rp.hazardType')})`.as('hazards')])
    .groupBy(childKey('x.regionCode', n))
    .execute()

  // The checked regions' own rows, looked up region by region (a township's villages are not read).
  const checked = db.selectFrom('region as g').select('g.code')
    .where('g.level', '=', level).where(inScope('g.code', scope)).where(inScope('g.code', within))
  const ownSupplies = db.selectFrom('supplyPlaceTally as p').where('p.regionCode', 'in', checked)
    .select((eb) => ['p.regionCode', eb.fn.sum<number>('p.lines').as('lines'), eb.fn.sum<number>('p.stocked').as('stocked')])
    .groupBy('p.regionCode')
    .execute()
  const subtreeLines = level === 'township'
    ? db.selectFrom('supplyTally as t').where('t.level', '=', 9).where(under('t.key'))
      .select((eb) => ['t.key as k', eb.fn.sum<number>('t.lines').as('lines')]).groupBy('t.key').execute()
    : db.selectFrom('supplyPlaceTally as p').where(under('p.regionCode'))
      .select((eb) => ['p.regionCode as k', eb.fn.sum<number>('p.lines').as('lines')]).groupBy('p.regionCode').execute()
  // Names with a usable line (in stock, not scrapped) per checked subtree.
  const usableNames = level === 'township'
    ? db.selectFrom('supplyNameTally as t').where('t.level', '=', 9).where(under('t.key'))
      .where('t.stocked', '>', 0).where('t.condition', '<>', 'scrapped')
      .select(['t.key as k', 't.name']).distinct()
    : db.selectFrom('supplyPlaceTally as p').where(under('p.regionCode')).where('p.usable', '>', 0)
      .select(['p.regionCode as k', 'p.name'])
  const held = db.selectFrom(usableNames.as('u')).select(['u.k', heldNeedsOfNames().as('held')]).groupBy('u.k').execute()

  // A person counts for a region when registered there or when their unit is (person_tally keeps
  // both); both the person and the region must lie in the jurisdiction.
  const people = db.selectFrom('personTally as pt')
    .where(inScope('pt.regionCode', within)).where(inScope('pt.regionCode', scope)).where(inScope('pt.personRegionCode', scope))
    .select((eb) => ['pt.regionCode as code', eb.fn.sum<number>('pt.heads').as('heads'), eb.fn.sum<number>('pt.liaisons').as('liaisons'),
      eb.fn.sum<number>('pt.informants').as('informants')])
    .groupBy('pt.regionCode')
    .execute()

  const offices = townshipOffices(db, scope, within, level)

  const [regionRows, ownRows, subtreeRows, teamRows, hazardRows, ownSupplyRows, lineRows, heldRows, peopleRows, { stationsBy, withGroup }] =
    await Promise.all([regions, ownResources, subtreeResources, teamHeadcounts, hazards, ownSupplies, subtreeLines, held, people, offices])

  const pad = (k: string) => k.padEnd(12, '0')
  const ownBy = new Map(ownRows.map((r) => [`${r.key}:${r.kind}`, r.records]))
  const reportedBy = new Set(subtreeRows.filter((r) => r.records > 0).map((r) => pad(r.key)))
  const headcountBy = new Map(teamRows.map((r) => [pad(r.k), r.headcount]))
  const hazardsBy = new Map(hazardRows.map((r) => [pad(r.k), r.hazards]))
  const suppliesBy = new Map(ownSupplyRows.map((r) => [r.regionCode, r]))
  const linesBy = new Map(lineRows.map((r) => [pad(r.k), r.lines]))
  const heldBy = new Map(heldRows.map((r) => [pad(r.k), r.held ?? []]))
  const peopleBy = new Map(peopleRows.map((r) => [r.code, r]))

  return regionRows.map((g) => {
    const teams = ownBy.get(`${g.code}:team`) ?? 0
    const ppl = peopleBy.get(g.code)
    const held = heldBy.get(g.code) ?? []
    return {
      code: g.code,
      name: g.name,
      parentName: g.parentName ?? '',
      stations: stationsBy.get(g.code) ?? 0,
      hasLeadingGroup: withGroup.has(g.code),
      teams,
      teamHeadcount: teams > 0 ? Number(headcountBy.get(g.code) ?? 0) : null,
      hasHead: (ppl?.heads ?? 0) > 0,
      hasLiaison: (ppl?.liaisons ?? 0) > 0,
      informants: ppl?.informants ?? 0,
      supplyLines: suppliesBy.get(g.code)?.lines ?? 0,
      stockedLines: suppliesBy.get(g.code)?.stocked ?? 0,
      hasStoragePoint: (ownBy.get(`${g.code}:storage_point`) ?? 0) > 0,
      hasShelter: (ownBy.get(`${g.code}:shelter`) ?? 0) > 0,
      reported: (linesBy.get(g.code) ?? 0) > 0 || reportedBy.has(g.code),
      hazards: sortHazards(hazardsBy.get(g.code) ?? []),
      heldNeeds: new Set(needs.filter((_n, i) => held[i] === true).map((n) => n.label)),
    }
  })
}

/**
 * 应排尽排: every township (or village) under the region with its 六有 / 三有 indicators and
 * what it lacks, so that nothing is left unlisted. The summary covers all rows, the page only
 * those asked for.
 */
export async function listCompleteness(db: Db, scope: Scope, query: CompletenessQuery, source: RollupSource = {}): Promise<CompletenessReply> {
  const region = await rollupRegion(db, scope, query.regionCode)
  const level: CheckLevel = query.level ?? (region.level === 'township' || region.level === 'village' ? 'village' : 'township')
  const gather = source.rows ? gatherFacts : gatherFactsFromTallies
  const rows = (await gather(db, scope, scopeOf(region.code), level)).map((f) => present(f, level))

  const counts = new Map(MISSING_LABELS[level].map((label) => [label, 0]))
  for (const row of rows) {
    for (const label of row.missing.map(summaryLabel)) counts.set(label, (counts.get(label) ?? 0) + 1)
  }
  const summary = {
    regions: rows.length,
    reported: rows.filter((r) => r.reported).length,
    complete: rows.filter((r) => r.missing.length === 0).length,
    byMissing: [...counts].map(([label, count]) => ({ label, count })),
  }

  const wanted = query.onlyMissing ? rows.filter((r) => r.missing.length > 0) : rows
  const pageSize = query.pageSize ?? 50
  const offset = ((query.page ?? 1) - 1) * pageSize
  return { items: wanted.slice(offset, offset + pageSize), total: wanted.length, summary }
}
