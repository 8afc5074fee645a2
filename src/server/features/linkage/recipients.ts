import { sql, type Kysely, type RawBuilder } from 'kysely'
import { isWithin, jurisdictionPrefix } from '../../../domain/regions/code.js'
import { DEFAULT_WARNING_ROLES } from '../../../domain/warnings/delivery.js'
import type { WarningTarget } from '../../../domain/warnings/target.js'
import type { Db } from '../../db/database.js'
import { codeInScope, inScope, scopeOf, type Scope } from '../../db/scope.js'
import type { Database } from '../../db/types.js'
import { AppError, invalid, notFound, outOfScope } from '../../errors.js'
import { defaultRegionDef, memberCounts, memberList, memberRows, rangeStartSql, storedDef, type GroupDef } from './members.js'
import type { GroupMember } from './schema.js'

/** Who a warning reaches and why; one row per person. */
export type RecipientRow = { person_id: number; region_code: string; region_level: string; reason: 'target' | 'group' }

/** The part of a warning that decides who gets it. */
export type RecipientSpec = { regionCode: string; target: WarningTarget }

/** A closed ring of [lat, lng] as PostgreSQL polygon text, whose points are (x, y) = (lng, lat). */
function polygonText(ring: ReadonlyArray<readonly [number, number]>): string {
  return `(${ring.map(([lat, lng]) => `(${Number(lng)},${Number(lat)})`).join(',')})`
}

/**
 * Regions (alias `s`) whose position lies in a target shape. People have no position of their
 * own: a village's responsible people are where their village is.
 */
function inShapes(target: WarningTarget): RawBuilder<boolean> | null {
  const tests = [
    ...target.polygons.filter((ring) => ring.length >= 3)
      .map((ring) => sql<boolean>`${polygonText(ring)}::polygon @> point(s.lng, s.lat)`),
    ...target.circles.map((c) => sql<boolean>`earth_distance(ll_to_earth(s.lat, s.lng), ll_to_earth(${c.lat}::float8, ${c.lng}::float8)) <= ${c.radiusKm * 1000}::float8`),
  ]
  return tests.length === 0 ? null : sql<boolean>`(${sql.join(tests, sql` or `)})`
}

/**
 * Region codes in `column` that lie in the target area: a target region's subtree (a constant
 * LIKE prefix, so the text_pattern_ops indexes apply) or a region placed inside a shape.
 */
function inArea(column: string, within: string, target: WarningTarget): RawBuilder<boolean> | null {
  const col = sql.ref(column)
  const shapes = inShapes(target)
  const tests = [
    ...target.regions.map((code) => sql<boolean>`${col} like ${jurisdictionPrefix(code) + '%'}`),
    ...(shapes ? [sql<boolean>`${col} in (select s.code from region s where s.code like ${within} and s.lng is not null and s.lat is not null and ${shapes})`] : []),
  ]
  return tests.length === 0 ? null : sql<boolean>`(${sql.join(tests, sql` or `)})`
}

/**
 * Everyone a warning reaches, as one SELECT the fan-out can insert from:
 * - in the target area (region subtrees, shapes): people holding the target roles, or when none
 *   are given, the roles of their own region's work group (stored, or the default warning roles);
 *   minus those excluded from that group, plus its hand-added members (the whole work group is
 *   what a region target means);
 * - the members of the chosen groups (derived + hand-added − excluded).
 * Everything stays inside the warning's region, except hand-added members, who were picked from
 * the jurisdiction of whoever edited the group. One row per person; 'target' wins over 'group'.
 * Nothing runs here: the caller executes it, usually inside its own INSERT … SELECT (`db` only
 * ties the builder to the schema).
 */
export function recipientsQuery(db: Kysely<Database>, warning: RecipientSpec): RawBuilder<RecipientRow> {
  const t = warning.target
  const within = jurisdictionPrefix(warning.regionCode) + '%'
  const narrowed = t.roles.length > 0
  const personArea = inArea('p.region_code', within, t)
  const groupArea = inArea('g.region_code', within, t)
  const ctes: RawBuilder<unknown>[] = [
    sql`region_group as (select id, region_code, roles from linkage_group where kind = 'region' and region_code like ${within})`,
  ]
  const branches: RawBuilder<unknown>[] = []
  if (personArea && groupArea) {
    const roles = narrowed ? sql`${t.roles}::text[]` : sql`coalesce(g.roles, ${[...DEFAULT_WARNING_ROLES]}::text[])`
    ctes.push(sql`area as (
      select p.id as person_id from person p
      left join region_group g on g.region_code = p.region_code
      where p.region_code like ${within} and ${personArea} and p.roles && ${roles}
        and not exists (select 1 from linkage_member x where x.group_id = g.id and x.person_id = p.id and x.excluded))`)
    branches.push(sql`select person_id, 'target' as reason from area`)
    if (!narrowed) {
      branches.push(sql`select m.person_id, 'group' as reason from region_group g join linkage_member m on m.group_id = g.id
        where not m.excluded and ${groupArea}`)
    }
  }
  if (t.groupIds.length > 0) {
    ctes.push(sql`chosen as (
      select 'g' || g.id as key, g.id as group_id, c.lo, c.lo || ':' as hi, g.roles
      from linkage_group g, lateral (select ${rangeStartSql('g.region_code', 'g.subtree')} as lo) c
      where g.id = any(${t.groupIds}::bigint[]) and g.region_code like ${within})`)
    branches.push(sql`select person_id, 'group' as reason from (${memberRows(sql`select * from chosen`)}) cm where source <> 'excluded'`)
  }
  if (branches.length === 0) branches.push(sql`select null::bigint as person_id, null::text as reason where false`)
  return sql<RecipientRow>`
    with ${sql.join(ctes)}
    select distinct on (u.person_id) u.person_id, p.region_code, r.level as region_level, u.reason
    from (${sql.join(branches, sql` union all `)}) u
    join person p on p.id = u.person_id
    join region r on r.code = p.region_code
    order by u.person_id, u.reason = 'target' desc`
}

export type SketchCount = { villages: number; sketchVillages: number }

/**
 * Villages of the warning's region whose position lies in the target's polygons and circles, and
 * how many of those have only a sketch (示意) position: invented near their township, so the
 * shape may reach the wrong village. The same shape test as the fan-out, so the number the
 * officer confirms is the one that goes out. Region targets are not counted: they reach a whole
 * subtree by code, whatever its positions.
 */
export async function countSketchVillages(db: Kysely<Database>, spec: RecipientSpec): Promise<SketchCount> {
  const shapes = inShapes(spec.target)
  if (!shapes) return { villages: 0, sketchVillages: 0 }
  const { rows: [n] } = await sql<SketchCount>`
    select count(*)::int as villages, count(*) filter (where s.position_source = 'sketch')::int as sketch_villages
    from region s
    where s.code like ${jurisdictionPrefix(spec.regionCode) + '%'} and s.level = 'village'
      and s.lng is not null and s.lat is not null and ${shapes}`.execute(db)
  return n
}

/**
 * A target fit to resolve: the issuing region and every target region real and inside the user's
 * jurisdiction, target regions inside the issuing region, chosen groups visible and inside it too.
 */
export async function checkRecipientSpec(db: Db, scope: Scope, spec: RecipientSpec): Promise<void> {
  if (!codeInScope(spec.regionCode, scope)) throw outOfScope(spec.regionCode)
  const codes = [spec.regionCode, ...spec.target.regions]
  for (const code of spec.target.regions) {
    if (!/^\d{12}$/.test(code)) throw invalid('预警区划', code, '不是 12 位区划代码')
    if (!codeInScope(code, scope)) throw outOfScope(code)
    if (!isWithin(code, spec.regionCode)) throw invalid('预警区划', code, `不在发布区划（${spec.regionCode}）之内`)
  }
  const found = await db.selectFrom('region').select('code').where('code', 'in', codes).execute()
  const known = new Set(found.map((r) => r.code))
  const unknown = codes.filter((c) => !known.has(c))
  if (unknown.length > 0) throw invalid(unknown[0] === spec.regionCode ? '发布区划' : '预警区划', unknown.join('、'), '不是已知的区划代码')
  if (spec.target.groupIds.length > 0) {
    const groups = await db.selectFrom('linkageGroup').select('id').where('id', 'in', spec.target.groupIds)
      .where(inScope('regionCode', scope)).where(inScope('regionCode', scopeOf(spec.regionCode))).execute()
    const ids = new Set(groups.map((g) => g.id))
    const missing = spec.target.groupIds.filter((id) => !ids.has(id))
    if (missing.length > 0) {
      throw new AppError('INVALID_FIELD', 400, `联动工作群“${missing.join('、')}”不存在或不在发布区划之内`, [{ field: 'target.groupIds', value: missing }])
    }
  }
}

export type RecipientPreview = {
  total: number
  byLevel: { city: number; county: number; township: number; village: number }
  withoutMobile: number
  groups: Array<{ id: number; name: string; count: number }>
}

/** Who a warning would reach, counted before it is issued; total 0 means there is no one. */
export async function previewRecipients(db: Db, scope: Scope, spec: RecipientSpec): Promise<RecipientPreview> {
  await checkRecipientSpec(db, scope, spec)
  const { rows } = await sql<{ total: number; city: number; county: number; township: number; village: number; withoutMobile: number }>`
    select count(*)::int as total,
      count(*) filter (where r.region_level = 'city')::int as city,
      count(*) filter (where r.region_level = 'county')::int as county,
      count(*) filter (where r.region_level = 'township')::int as township,
      count(*) filter (where r.region_level = 'village')::int as village,
      count(*) filter (where p.mobile is null)::int as without_mobile
    from (${recipientsQuery(db, spec)}) r
    join person p on p.id = r.person_id`.execute(db)
  const { total, withoutMobile, ...byLevel } = rows[0]
  const chosen = spec.target.groupIds.length === 0 ? [] : await db.selectFrom('linkageGroup')
    .select(['id', 'name', 'regionCode', 'roles', 'subtree'])
    .where('id', 'in', spec.target.groupIds).where(inScope('regionCode', scopeOf(spec.regionCode))).orderBy('id').execute()
  const counts = await memberCounts(db, chosen.map(storedDef))
  return {
    total,
    byLevel,
    withoutMobile,
    groups: chosen.map((g) => ({ id: g.id, name: g.name, count: counts.get(storedDef(g).key) ?? 0 })),
  }
}

/**
 * Effective members of a stored group (by id) or of a region's own group (by region code,
 * customised or not).
 */
export async function groupMembers(db: Db, scope: Scope, groupIdOrRegionCode: number | string): Promise<GroupMember[]> {
  let def: GroupDef
  if (typeof groupIdOrRegionCode === 'number') {
    const g = await db.selectFrom('linkageGroup').select(['id', 'regionCode', 'roles', 'subtree'])
      .where('id', '=', groupIdOrRegionCode).where(inScope('regionCode', scope)).executeTakeFirst()
    if (!g) throw notFound('联动工作群', groupIdOrRegionCode)
    def = storedDef(g)
  } else {
    const code = groupIdOrRegionCode
    if (!codeInScope(code, scope)) throw outOfScope(code)
    const g = await db.selectFrom('linkageGroup').select(['id', 'regionCode', 'roles', 'subtree'])
      .where('kind', '=', 'region').where('regionCode', '=', code).executeTakeFirst()
    if (!g && !(await db.selectFrom('region').select('code').where('code', '=', code).executeTakeFirst())) throw notFound('区划', code)
    def = g ? storedDef(g) : defaultRegionDef(code)
  }
  return memberList(db, def, { withExcluded: false })
}

export type GroupWebhooks = { groupId: number; wecomWebhook: string | null; dingtalkWebhook: string | null; dingtalkSecret: string | null }

/**
 * Group robots a warning posts to, one message per group: the work groups of regions in the
 * target area and the chosen groups, inside the warning's region, that have a robot set.
 */
export async function groupWebhooksFor(db: Db, warning: RecipientSpec): Promise<GroupWebhooks[]> {
  const within = jurisdictionPrefix(warning.regionCode) + '%'
  const area = inArea('g.region_code', within, warning.target)
  const ids = warning.target.groupIds
  const reached = [
    ...(area ? [sql<boolean>`(g.kind = 'region' and ${area})`] : []),
    ...(ids.length > 0 ? [sql<boolean>`g.id = any(${ids}::bigint[])`] : []),
  ]
  if (reached.length === 0) return []
  const { rows } = await sql<GroupWebhooks>`
    select g.id as group_id, g.wecom_webhook, g.dingtalk_webhook, g.dingtalk_secret
    from linkage_group g
    where g.region_code like ${within} and (g.wecom_webhook is not null or g.dingtalk_webhook is not null)
      and (${sql.join(reached, sql` or `)})
    order by g.id`.execute(db)
  return rows
}
