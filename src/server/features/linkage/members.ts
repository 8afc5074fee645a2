import { sql, type RawBuilder } from 'kysely'
import { maskPhone } from '../../../domain/people/phone.js'
import { roleLabels } from '../../../domain/people/units.js'
import { jurisdictionPrefix } from '../../../domain/regions/code.js'
import { DEFAULT_WARNING_ROLES } from '../../../domain/warnings/delivery.js'
import type { Db } from '../../db/database.js'
import { MEMBER_SOURCES, type GroupMember, type MemberSource } from './schema.js'

/**
 * What a group's members are computed from. A region's own group that was never customised has
 * no id: its members are simply the people of that region holding the default warning roles.
 */
export type GroupDef = {
  key: string
  id: number | null
  regionCode: string
  roles: readonly string[]
  subtree: boolean
}

/** The implicit group of a region, before anyone customises it. */
export function defaultRegionDef(regionCode: string): GroupDef {
  return { key: `r${regionCode}`, id: null, regionCode, roles: DEFAULT_WARNING_ROLES, subtree: false }
}

export function storedDef(g: { id: number; regionCode: string; roles: readonly string[]; subtree: boolean }): GroupDef {
  return { key: `g${g.id}`, id: g.id, regionCode: g.regionCode, roles: g.roles, subtree: g.subtree }
}

/**
 * Codes a group draws its derived members from, as a half-open range [lo, hi) of the
 * text_pattern_ops order: every code starts with `lo`, and ':' sorts right after '9', so a
 * joined range keeps person_region_idx usable where a LIKE on a column pattern could not.
 * Without subtree the range holds the region's own 12-digit code only.
 */
export function codeRange(regionCode: string, subtree: boolean): { lo: string; hi: string } {
  const lo = subtree ? jurisdictionPrefix(regionCode) : regionCode
  return { lo, hi: `${lo}:` }
}

/**
 * codeRange's `lo` worked out in SQL, for groups read inside a query: the code itself, or its
 * jurisdiction prefix (domain/regions/code.ts) for a group that takes in its subtree.
 */
export function rangeStartSql(codeColumn: string, subtreeColumn: string): RawBuilder<string> {
  const c = sql.ref(codeColumn)
  return sql<string>`case
    when not ${sql.ref(subtreeColumn)} or substr(${c}, 10, 3) <> '000' then ${c}
    when substr(${c}, 7, 3) <> '000' then substr(${c}, 1, 9)
    when substr(${c}, 5, 2) <> '00' then substr(${c}, 1, 6)
    when substr(${c}, 3, 2) <> '00' then substr(${c}, 1, 4)
    else substr(${c}, 1, 2) end`
}

/** Group definitions as rows (key, group_id, lo, hi, roles) for the member query. */
export function defRows(defs: readonly GroupDef[]): RawBuilder<unknown> {
  const rows = defs.map((d) => {
    const { lo, hi } = codeRange(d.regionCode, d.subtree)
    return sql`(${d.key}::text, ${d.id}::bigint, ${lo}::text, ${hi}::text, ${[...d.roles]}::text[])`
  })
  return sql`select * from (values ${sql.join(rows)}) as d (key, group_id, lo, hi, roles)`
}

/**
 * (key, person_id, source) for groups given as rows (key, group_id, lo, hi, roles): people of the
 * range holding any of the roles (derived), plus linkage_member rows (added, or excluded when
 * they take a derived member out). A person with a linkage_member row is listed once, by it.
 * Read time is the only place membership exists, so the directory is always in step.
 */
export function memberRows(defs: RawBuilder<unknown>): RawBuilder<{ key: string; person_id: number; source: MemberSource }> {
  return sql`
    select d.key, p.id as person_id, 'derived' as source
    from (${defs}) d
    join person p on p.region_code ~>=~ d.lo and p.region_code ~<~ d.hi and p.roles && d.roles
    where not exists (select 1 from linkage_member x where x.group_id = d.group_id and x.person_id = p.id)
    union all
    select d.key, m.person_id, case when m.excluded then 'excluded' else 'added' end
    from (${defs}) d
    join linkage_member m on m.group_id = d.group_id`
}

/** Effective members (excluded ones left out) per group key. */
export async function memberCounts(db: Db, defs: readonly GroupDef[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>(defs.map((d) => [d.key, 0]))
  if (defs.length === 0) return counts
  const { rows } = await sql<{ key: string; n: number }>`
    select key, count(*)::int as n from (${memberRows(defRows(defs))}) m
    where source <> 'excluded' group by key`.execute(db)
  for (const r of rows) counts.set(r.key, r.n)
  return counts
}

const SOURCE_ORDER = sql`case m.source when 'derived' then 0 when 'added' then 1 else 2 end`

/**
 * Members of one group with what the list shows. Hand-added members may live outside the
 * reader's jurisdiction (a county cadre 包村 in a village group): who sits in a group is part of
 * the group's own record. Phones are always masked; full numbers go through the audited reveal.
 */
export async function memberList(db: Db, def: GroupDef, opts: { withExcluded: boolean }): Promise<GroupMember[]> {
  const { rows } = await sql<{
    personId: number; name: string; post: string | null; unitName: string | null; regionCode: string; regionName: string
    regionLevel: string; roles: string[]; mobile: string | null; email: string | null; source: MemberSource; note: string | null
  }>`
    select p.id as person_id, p.name, p.post, un.name as unit_name, p.region_code, r.full_name as region_name,
      r.level as region_level, p.roles, p.mobile, p.email, m.source, lm.note
    from (${memberRows(defRows([def]))}) m
    join person p on p.id = m.person_id
    join region r on r.code = p.region_code
    left join unit un on un.id = p.unit_id
    left join linkage_member lm on lm.group_id = ${def.id}::bigint and lm.person_id = p.id
    where ${opts.withExcluded ? sql`true` : sql`m.source <> 'excluded'`}
    order by ${SOURCE_ORDER}, p.region_code, p.name, p.id`.execute(db)
  return rows.map(({ email, ...m }) => ({
    ...m,
    mobile: maskPhone(m.mobile),
    hasEmail: email !== null,
    roleLabels: roleLabels(m.roles),
    sourceLabel: MEMBER_SOURCES[m.source],
  }))
}
