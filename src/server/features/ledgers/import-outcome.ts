import { sql } from 'kysely'
import type { Db } from '../../db/database.js'
import { inScope, scopeOf } from '../../db/scope.js'
import { tableOutcomes } from './import-outcome-tables.js'
import { isTableTarget } from './import-targets-tables.js'
import type { ContactTarget, PersonRef, SupplyTarget, Target, TeamTarget } from './import-targets.js'
import type { Outcome } from './schema.js'

/**
 * The preview's verdict on each valid row, one query per batch: 'create' when nothing has its
 * identity yet, 'unchanged' when what it carries is already stored, else 'update'. Blank cells
 * never count as a change: the commit keeps what is known where a ledger says nothing.
 * The commit decides again under lock (the record may change in between); this is the preview.
 */

export async function classify(db: Db, targets: Target[], nothingStored = false): Promise<Outcome[]> {
  if (targets.length === 0) return []
  if (nothingStored && targets[0].kind !== 'contact') return targets.map(() => 'create')
  switch (targets[0].kind) {
    case 'supply': return supplyOutcomes(db, targets as SupplyTarget[])
    case 'team': return teamOutcomes(db, targets as TeamTarget[])
    case 'contact': return contactOutcomes(db, targets as ContactTarget[])
    default: return tableOutcomes(db, targets.filter(isTableTarget))
  }
}

/**
 * Whether the import's region holds no imported line or team yet (the first ledger of a place,
 * 建账): then every valid row is new, and the preview needs no lookups.
 */
export async function nothingImportedYet(db: Db, entity: string, regionCode: string): Promise<boolean> {
  // Contacts, and the other ledgers' records (entered through the forms too), are always looked up.
  if (entity !== 'team' && entity !== 'supply') return false
  const subtree = scopeOf(regionCode)
  const found = entity === 'team'
    ? await db.selectFrom('resource').select('id').where('kind', '=', 'team').where(inScope('regionCode', subtree)).where('importKey', 'is not', null).limit(1).executeTakeFirst()
    : await db.selectFrom('supply').select('id').where(inScope('regionCode', subtree)).where('importKey', 'is not', null).limit(1).executeTakeFirst()
  return !found
}

const col = <T>(items: T[], pick: (t: T) => unknown) => items.map(pick)

async function supplyOutcomes(db: Db, ts: SupplyTarget[]): Promise<Outcome[]> {
  const { rows } = await sql<{ n: number; outcome: Outcome }>`
    select i.n::int as n,
      case when s.id is null then 'create'
        when i.name is distinct from s.name or i.unit is distinct from s.unit or i.quantity <> s.quantity
          or (i.specification is not null and i.specification is distinct from s.specification)
          or (i.storage_place is not null and i.storage_place is distinct from sp.name)
          or (i.holder_unit is not null and i.holder_unit is distinct from u.name)
          or (i.reserve_form is not null and i.reserve_form <> s.reserve_form)
          or (i.condition is not null and i.condition <> s.condition)
          or (i.purchased_on is not null and i.purchased_on is distinct from s.purchased_on)
          or (i.expires_on is not null and i.expires_on is distinct from s.expires_on)
          or (i.note is not null and i.note is distinct from s.note)
          or (i.keeper_name is not null and (k.id is null or i.keeper_name <> k.name
            or (i.keeper_mobile is not null and i.keeper_mobile is distinct from k.mobile)))
          or (i.liaison_name is not null and (l.id is null or i.liaison_name <> l.name
            or (i.liaison_mobile is not null and i.liaison_mobile is distinct from l.mobile)))
          or (i.equipment is not null and i.equipment is distinct from s.is_equipment)
        then 'update' else 'unchanged' end as outcome
    from unnest(
      ${col(ts, (t) => t.regionCode)}::text[], ${col(ts, (t) => t.importKey)}::text[], ${col(ts, (t) => t.name)}::text[],
      ${col(ts, (t) => t.specification)}::text[], ${col(ts, (t) => t.unit)}::text[], ${col(ts, (t) => t.quantity)}::numeric[],
      ${col(ts, (t) => t.storagePlace)}::text[], ${col(ts, (t) => t.holderUnit)}::text[], ${col(ts, (t) => t.reserveForm)}::text[],
      ${col(ts, (t) => t.condition)}::text[], ${col(ts, (t) => t.purchasedOn)}::date[], ${col(ts, (t) => t.expiresOn)}::date[],
      ${col(ts, (t) => t.note)}::text[], ${col(ts, (t) => t.keeper?.name ?? null)}::text[], ${col(ts, (t) => t.keeper?.mobile ?? null)}::text[],
      ${col(ts, (t) => t.liaison?.name ?? null)}::text[], ${col(ts, (t) => t.liaison?.mobile ?? null)}::text[],
      ${col(ts, (t) => t.equipment ?? null)}::boolean[], ${col(ts, (t) => t.adoptId ?? null)}::bigint[]
    ) with ordinality as i(region_code, import_key, name, specification, unit, quantity, storage_place, holder_unit, reserve_form,
      condition, purchased_on, expires_on, note, keeper_name, keeper_mobile, liaison_name, liaison_mobile, equipment, adopt_id, n)
    -- A lookup per row through the unique index, however large the table; else the record
    -- without import key the row would adopt.
    left join lateral (
      (select * from supply x where x.region_code = i.region_code and x.import_key = i.import_key)
      union all (select * from supply x where x.id = i.adopt_id and x.import_key is null)
      limit 1
    ) s on true
    left join resource sp on sp.id = s.storage_point_id
    left join unit u on u.id = s.holder_unit_id
    left join person k on k.id = s.responsible_person_id
    left join person l on l.id = s.liaison_person_id
    order by i.n`.execute(db)
  return rows.map((r) => r.outcome)
}

async function teamOutcomes(db: Db, ts: TeamTarget[]): Promise<Outcome[]> {
  const { rows } = await sql<{ n: number; outcome: Outcome }>`
    select i.n::int as n,
      case when r.id is null then 'create'
        when i.name is distinct from r.name
          or (i.address is not null and i.address is distinct from r.address)
          or (i.note is not null and i.note is distinct from r.note)
          or (i.team_type is not null and i.team_type is distinct from t.team_type)
          or (i.level is not null and i.level is distinct from t.level)
          or (i.specialities <> '' and string_to_array(i.specialities, ',') is distinct from t.specialities)
          or (i.headcount is not null and i.headcount is distinct from t.headcount)
          or (i.leader_name is not null and (l.id is null or i.leader_name <> l.name
            or (i.leader_mobile is not null and i.leader_mobile is distinct from l.mobile)))
          or (i.liaison_name is not null and (c.id is null or i.liaison_name <> c.name
            or (i.liaison_mobile is not null and i.liaison_mobile is distinct from c.mobile)))
        then 'update' else 'unchanged' end as outcome
    from unnest(
      ${col(ts, (t) => t.regionCode)}::text[], ${col(ts, (t) => t.importKey)}::text[], ${col(ts, (t) => t.name)}::text[],
      ${col(ts, (t) => t.address)}::text[], ${col(ts, (t) => t.note)}::text[], ${col(ts, (t) => t.teamType)}::text[],
      ${col(ts, (t) => t.level)}::text[], ${col(ts, (t) => t.specialities.join(','))}::text[], ${col(ts, (t) => t.headcount)}::int[],
      ${col(ts, (t) => t.leader?.name ?? null)}::text[], ${col(ts, (t) => t.leader?.mobile ?? null)}::text[],
      ${col(ts, (t) => t.liaison?.name ?? null)}::text[], ${col(ts, (t) => t.liaison?.mobile ?? null)}::text[],
      ${col(ts, (t) => t.adoptId ?? null)}::bigint[]
    ) with ordinality as i(region_code, import_key, name, address, note, team_type, level, specialities, headcount,
      leader_name, leader_mobile, liaison_name, liaison_mobile, adopt_id, n)
    left join lateral (
      (select * from resource x where x.kind = 'team' and x.region_code = i.region_code and x.import_key = i.import_key)
      union all (select * from resource x where x.id = i.adopt_id and x.kind = 'team' and x.import_key is null)
      limit 1
    ) r on true
    left join team t on t.resource_id = r.id
    left join person l on l.id = coalesce(t.leader_person_id, r.responsible_person_id)
    left join person c on c.id = r.liaison_person_id
    order by i.n`.execute(db)
  return rows.map((r) => r.outcome)
}

export type StoredPerson = { id: number; mobile: string | null; post: string | null; landline: string | null; wechat: string | null; roles: string[] }

/**
 * The stored person each reference means: same region and name, and the same mobile unless one
 * side has none (then the one without, else the oldest). Null when there is nobody yet.
 */
export async function matchPeople(db: Db, refs: PersonRef[]): Promise<Array<StoredPerson | null>> {
  if (refs.length === 0) return []
  const { rows } = await sql<{ n: number; id: number | null } & Omit<StoredPerson, 'id'>>`
    select i.n::int as n, p.id, p.mobile, p.post, p.landline, p.wechat, p.roles
    from unnest(${col(refs, (r) => r.regionCode)}::text[], ${col(refs, (r) => r.name)}::text[], ${col(refs, (r) => r.mobile)}::text[])
      with ordinality as i(region_code, name, mobile, n)
    left join lateral (
      select p.* from person p
      where p.region_code = i.region_code and p.name = i.name and (i.mobile is null or p.mobile is null or p.mobile = i.mobile)
      order by (p.mobile is not distinct from i.mobile) desc, p.id limit 1
    ) p on true
    order by i.n`.execute(db)
  return rows.map((r) => (r.id === null ? null : { id: r.id, mobile: r.mobile, post: r.post, landline: r.landline, wechat: r.wechat, roles: r.roles }))
}

/** Whether writing `ref` over `stored` would change anything (blank cells change nothing). */
export function personChanges(ref: PersonRef, stored: StoredPerson): boolean {
  return (ref.mobile !== null && stored.mobile === null)
    || (ref.post !== null && ref.post !== stored.post)
    || (ref.landline !== null && ref.landline !== stored.landline)
    || (ref.wechat !== null && ref.wechat !== stored.wechat)
    || ref.roles.some((r) => !holdsRole(stored.roles, r))
}

/** Whether `roles` hold `role`; a 信息员 is what a ledger's 联络人 column lists too. */
export function holdsRole(roles: readonly string[], role: string): boolean {
  return roles.includes(role) || (role === 'liaison' && roles.includes('informant'))
}

async function contactOutcomes(db: Db, ts: ContactTarget[]): Promise<Outcome[]> {
  const refs = ts.flatMap((t) => t.people)
  const stored = await matchPeople(db, refs)
  let i = 0
  return ts.map((t) => {
    let outcome: Outcome = 'unchanged'
    for (const ref of t.people) {
      const s = stored[i++]
      if (s === null) outcome = 'create'
      else if (outcome === 'unchanged' && personChanges(ref, s)) outcome = 'update'
    }
    return outcome
  })
}
