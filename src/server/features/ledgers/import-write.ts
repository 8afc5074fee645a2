import { sql, type Transaction } from 'kysely'
import type { Database } from '../../db/types.js'
import { inScope, scopeOf } from '../../db/scope.js'
import { holdsRole, personChanges } from './import-outcome.js'
import { PeopleIndex, type KnownPerson } from './people-index.js'
import { identity, personKey, type ContactTarget, type PersonRef, type SupplyTarget, type TeamTarget } from './import-targets.js'
import type { TableTarget } from './import-targets-tables.js'
import { writeTables } from './import-write-tables.js'

/**
 * The bulk writes of a commit, a chunk of rows per statement (never a statement per row):
 * people, storage points and enterprises first (found or created), then the supply lines or
 * teams that point at them. Blank cells keep what is stored. Runs inside the commit's
 * transaction; ids found or made are remembered across chunks.
 */

type Trx = Transaction<Database>
export type Counts = { created: number; updated: number; unchanged: number }
/** Entities an import counts; the other ledgers' records follow the annexes' (import-write-tables.ts). */
export const TALLY_ENTITIES = [
  'supply', 'team', 'person', 'storagePoint', 'unit', 'expert', 'shelter', 'riskPoint', 'supplier', 'agreement', 'leadingGroup', 'groupMember',
] as const
export type Tally = Record<(typeof TALLY_ENTITIES)[number], Counts>

export function emptyTally(): Tally {
  const zero = () => ({ created: 0, updated: 0, unchanged: 0 })
  return Object.fromEntries(TALLY_ENTITIES.map((e) => [e, zero()])) as Tally
}

/** Fills `person` in with what `ref` adds; true when anything changed. */
function mergeInto(person: KnownPerson, ref: PersonRef): boolean {
  if (!personChanges(ref, person)) return false
  person.mobile ??= ref.mobile
  person.post = ref.post ?? person.post
  person.landline = ref.landline ?? person.landline
  person.wechat = ref.wechat ?? person.wechat
  person.roles = [...person.roles, ...ref.roles.filter((r) => !holdsRole(person.roles, r))]
  return true
}

export class ChunkWriter {
  private people = new Map<string, number>()
  private known: PeopleIndex | null = null
  private byId = new Map<number, KnownPerson>()
  /** Records the other ledgers wrote in this commit, by kind and key (a supplier's later rows find it). */
  readonly written = new Map<string, number>()
  private touched = new Set<KnownPerson>()
  private changed = new Set<KnownPerson>()
  private points = new Map<string, number>()
  private units = new Map<string, number>()
  readonly tally = emptyTally()
  movements = 0

  constructor(
    readonly trx: Trx,
    private readonly importId: number,
    private readonly regionCode: string,
    readonly actor: { id: number | null; name: string },
  ) {}

  /**
   * The people of the import's region, loaded once and kept current as the commit creates
   * more: a county's ledger names a few hundred, a city's bench file a hundred thousand, and a
   * lookup per row in the database would cost more than the writes.
   */
  private async directory(): Promise<PeopleIndex> {
    if (this.known) return this.known
    const rows = await this.trx.selectFrom('person').select(['id', 'regionCode', 'name', 'mobile', 'post', 'landline', 'wechat', 'roles'])
      .where(inScope('regionCode', scopeOf(this.regionCode))).orderBy('id').execute()
    this.known = new PeopleIndex()
    for (const r of rows) {
      const person = { ...r, fresh: false }
      this.known.add(person)
      this.byId.set(r.id, person)
    }
    return this.known
  }

  /**
   * Writes what `ref` adds onto the stored person `id` that a record already points at (the
   * other ledgers keep a record's own person even where a namesake exists); false when that
   * person is not of the import's region.
   */
  async mergeKnown(id: number, ref: PersonRef): Promise<boolean> {
    const known = await this.directory()
    const person = this.byId.get(id)
    if (!person) return false
    const hadMobile = person.mobile !== null
    if (mergeInto(person, ref) && person.id !== 0) this.changed.add(person)
    if (!hadMobile) known.gotMobile(person)
    this.touched.add(person)
    return true
  }

  /**
   * Ids of the persons `refs` mean. Each ref is matched against the people as they stand after
   * the refs before it (a mobile filled in by row 3 is there for row 4), so new people are
   * distinct by region, name and mobile and inserted in one statement; changes to known people
   * are written once, by `finish`.
   */
  async persons(refs: PersonRef[]): Promise<Map<string, number>> {
    const known = await this.directory()
    const pending: Array<{ key: string; person: KnownPerson }> = []
    const created: KnownPerson[] = []
    for (const ref of refs) {
      const key = personKey(ref)
      if (this.people.has(key)) continue
      let person = known.find(ref.regionCode, ref.name, ref.mobile)
      if (person === null) {
        // id 0 until inserted at the end of this call.
        person = { id: 0, regionCode: ref.regionCode, name: ref.name, mobile: ref.mobile, post: ref.post, landline: ref.landline, wechat: ref.wechat, roles: [...ref.roles], fresh: true }
        known.add(person)
        created.push(person)
      } else {
        const hadMobile = person.mobile !== null
        if (mergeInto(person, ref) && person.id !== 0) this.changed.add(person)
        if (!hadMobile) known.gotMobile(person)
      }
      this.touched.add(person)
      this.people.set(key, -1)
      pending.push({ key, person })
    }
    if (created.length > 0) await this.insertPeople(created)
    for (const { key, person } of pending) this.people.set(key, person.id)
    return this.people
  }

  /** New people in one statement; each is told its id by its identity (unique among them). */
  private async insertPeople(people: KnownPerson[]): Promise<void> {
    const { rows } = await sql<{ id: number; regionCode: string; name: string; mobile: string | null }>`
      insert into person (region_code, name, post, mobile, landline, wechat, roles)
      select region_code, name, post, mobile, landline, wechat, coalesce(string_to_array(nullif(roles, ''), ','), '{}')
      from unnest(${people.map((p) => p.regionCode)}::text[], ${people.map((p) => p.name)}::text[],
        ${people.map((p) => p.post)}::text[], ${people.map((p) => p.mobile)}::text[], ${people.map((p) => p.landline)}::text[],
        ${people.map((p) => p.wechat)}::text[], ${people.map((p) => p.roles.join(','))}::text[])
        as i(region_code, name, post, mobile, landline, wechat, roles)
      returning id, region_code, name, mobile`.execute(this.trx)
    const ids = new Map(rows.map((r) => [personKey(r), r.id]))
    for (const p of people) {
      p.id = ids.get(personKey(p))!
      this.byId.set(p.id, p)
    }
  }

  /**
   * Writes what the ledger added to people already in the database (a mobile, a post, a role;
   * blank cells keep what is known, roles are never taken away), and counts people.
   */
  async finish(): Promise<void> {
    const changed = [...this.changed]
    for (let i = 0; i < changed.length; i += 5000) {
      const part = changed.slice(i, i + 5000)
      await sql`
        update person p set mobile = i.mobile, post = i.post, landline = i.landline, wechat = i.wechat,
          roles = coalesce(string_to_array(nullif(i.roles, ''), ','), '{}'), version = p.version + 1, updated_at = now()
        from unnest(${part.map((u) => u.id)}::bigint[], ${part.map((u) => u.mobile)}::text[], ${part.map((u) => u.post)}::text[],
          ${part.map((u) => u.landline)}::text[], ${part.map((u) => u.wechat)}::text[], ${part.map((u) => u.roles.join(','))}::text[])
          as i(id, mobile, post, landline, wechat, roles)
        where p.id = i.id`.execute(this.trx)
    }
    const fresh = [...this.touched].filter((p) => p.fresh).length
    const updated = changed.filter((p) => !p.fresh).length
    this.tally.person = { created: fresh, updated, unchanged: this.touched.size - fresh - updated }
  }

  /** Storage points by name within their region: the one of that name, else a new one. */
  async storagePoints(pairs: Array<{ regionCode: string; name: string }>): Promise<Map<string, number>> {
    const fresh = new Map<string, { regionCode: string; name: string }>()
    for (const p of pairs) if (!this.points.has(`${p.regionCode}|${p.name}`)) fresh.set(`${p.regionCode}|${p.name}`, p)
    const list = [...fresh.values()]
    if (list.length === 0) return this.points
    const existing = await sql<{ id: number; regionCode: string; name: string }>`
      select distinct on (r.region_code, r.name) r.id, r.region_code, r.name
      from resource r join unnest(${list.map((p) => p.regionCode)}::text[], ${list.map((p) => p.name)}::text[]) as i(region_code, name)
        on r.kind = 'storage_point' and r.region_code = i.region_code and r.name = i.name
      order by r.region_code, r.name, r.id`.execute(this.trx)
    for (const r of existing.rows) this.points.set(`${r.regionCode}|${r.name}`, r.id)
    this.tally.storagePoint.unchanged += existing.rows.length
    const missing = list.filter((p) => !this.points.has(`${p.regionCode}|${p.name}`))
    if (missing.length > 0) {
      // A point written slightly differently (“1号 仓库”) has the same import key: that one is meant.
      const { rows } = await sql<{ id: number; regionCode: string; importKey: string; inserted: boolean }>`
        insert into resource as r (kind, region_code, name, import_key, confirmed_at, confirmed_by_name)
        select 'storage_point', region_code, name, import_key, now(), ${this.actor.name}
        from unnest(${missing.map((p) => p.regionCode)}::text[], ${missing.map((p) => p.name)}::text[],
          ${missing.map((p) => `storage|${identity(p.name)}`)}::text[]) as i(region_code, name, import_key)
        on conflict (kind, region_code, import_key) where import_key is not null do update set updated_at = r.updated_at
        returning r.id, r.region_code, r.import_key, (xmax = 0) as inserted`.execute(this.trx)
      const byKey = new Map(rows.map((r) => [`${r.regionCode}|${r.importKey}`, r]))
      for (const p of missing) {
        const hit = byKey.get(`${p.regionCode}|storage|${identity(p.name)}`)
        if (hit) this.points.set(`${p.regionCode}|${p.name}`, hit.id)
      }
      const created = rows.filter((r) => r.inserted).map((r) => r.id)
      if (created.length > 0) {
        await sql`insert into storage_point (resource_id) select unnest(${created}::bigint[]) on conflict do nothing`.execute(this.trx)
      }
      this.tally.storagePoint.created += created.length
      this.tally.storagePoint.unchanged += rows.length - created.length
    }
    return this.points
  }

  /** Enterprises of annex 4, kept as units of the import region (unique by region and name). */
  async enterprises(pairs: Array<{ regionCode: string; name: string }>): Promise<Map<string, number>> {
    const list = [...new Map(pairs.map((p) => [`${p.regionCode}|${p.name}`, p])).values()].filter((p) => !this.units.has(`${p.regionCode}|${p.name}`))
    if (list.length === 0) return this.units
    const inserted = await sql<{ id: number }>`
      insert into unit (region_code, name, kind)
      select region_code, name, 'enterprise' from unnest(${list.map((p) => p.regionCode)}::text[], ${list.map((p) => p.name)}::text[]) as i(region_code, name)
      on conflict (region_code, name) do nothing returning id`.execute(this.trx)
    const all = await sql<{ id: number; regionCode: string; name: string }>`
      select u.id, u.region_code, u.name from unit u
      join unnest(${list.map((p) => p.regionCode)}::text[], ${list.map((p) => p.name)}::text[]) as i(region_code, name)
        on u.region_code = i.region_code and u.name = i.name`.execute(this.trx)
    for (const u of all.rows) this.units.set(`${u.regionCode}|${u.name}`, u.id)
    this.tally.unit.created += inserted.rows.length
    this.tally.unit.unchanged += all.rows.length - inserted.rows.length
    return this.units
  }

  /**
   * Supply lines: one insert … on conflict (region_code, import_key) do update per chunk, with
   * the stock movement of every quantity it changes in the same statement — 建账 ('in') for a
   * new line, 盘点 ('count', the difference) for a counted one. Rows whose values are already
   * stored are not touched (no version bump, no movement).
   */
  async supplies(ts: SupplyTarget[]): Promise<void> {
    if (ts.length === 0) return
    await this.adopt('supply', ts)
    const people = await this.persons(ts.flatMap((t) => [t.keeper, t.liaison].filter((p): p is PersonRef => p !== null)))
    const points = await this.storagePoints(ts.flatMap((t) => (t.storagePlace ? [{ regionCode: t.regionCode, name: t.storagePlace }] : [])))
    const units = await this.enterprises(ts.flatMap((t) => (t.holderUnit ? [{ regionCode: t.regionCode, name: t.holderUnit }] : [])))
    const c = <T>(pick: (t: SupplyTarget) => T) => ts.map(pick)
    const { rows: [r] } = await sql<{ created: number; updated: number; movements: number }>`
      with i as (
        select * from unnest(
          ${c((t) => t.regionCode)}::text[], ${c((t) => t.importKey)}::text[], ${c((t) => t.classCode)}::text[], ${c((t) => t.name)}::text[],
          ${c((t) => t.specification)}::text[], ${c((t) => t.unit)}::text[], ${c((t) => t.quantity)}::numeric[], ${c((t) => t.isEquipment)}::boolean[],
          ${c((t) => (t.storagePlace ? points.get(`${t.regionCode}|${t.storagePlace}`) ?? null : null))}::bigint[],
          ${c((t) => t.teamId)}::bigint[],
          ${c((t) => (t.holderUnit ? units.get(`${t.regionCode}|${t.holderUnit}`) ?? null : null))}::bigint[],
          ${c((t) => t.reserveForm)}::text[], ${c((t) => t.condition)}::text[], ${c((t) => t.purchasedOn)}::date[], ${c((t) => t.expiresOn)}::date[],
          ${c((t) => (t.keeper ? people.get(personKey(t.keeper)) ?? null : null))}::bigint[], ${c((t) => t.note)}::text[],
          ${c((t) => (t.liaison ? people.get(personKey(t.liaison)) ?? null : null))}::bigint[], ${c((t) => t.equipment ?? null)}::boolean[]
        ) as t(region_code, import_key, class_code, name, specification, unit, quantity, is_equipment, storage_point_id, team_id,
          holder_unit_id, reserve_form, condition, purchased_on, expires_on, responsible_person_id, note, liaison_person_id, equipment)
      ),
      -- A lookup per line through the unique index (a join would sort the whole table).
      prev as (
        select s.* from i cross join lateral (
          select * from supply x where x.region_code = i.region_code and x.import_key = i.import_key for update
        ) s
      ),
      -- What each line will hold: the ledger's values, and the stored ones where the ledger is blank.
      v as (
        select i.region_code, i.import_key, coalesce(p.class_code, i.class_code) as class_code, i.name,
          coalesce(i.specification, p.specification) as specification, i.unit, i.quantity,
          coalesce(i.equipment, p.is_equipment, i.is_equipment) as is_equipment,
          coalesce(i.storage_point_id, p.storage_point_id) as storage_point_id, coalesce(i.team_id, p.team_id) as team_id,
          coalesce(i.holder_unit_id, p.holder_unit_id) as holder_unit_id, coalesce(i.reserve_form, p.reserve_form, 'physical') as reserve_form,
          coalesce(i.condition, p.condition, 'good') as condition, coalesce(i.purchased_on, p.purchased_on) as purchased_on,
          coalesce(i.expires_on, p.expires_on) as expires_on, coalesce(i.responsible_person_id, p.responsible_person_id) as responsible_person_id,
          coalesce(i.note, p.note) as note, coalesce(i.liaison_person_id, p.liaison_person_id) as liaison_person_id
        from i left join prev p on p.region_code = i.region_code and p.import_key = i.import_key
      ),
      up as (
        insert into supply as s (region_code, import_key, class_code, name, specification, unit, quantity, is_equipment, storage_point_id,
          team_id, holder_unit_id, reserve_form, condition, purchased_on, expires_on, responsible_person_id, note, liaison_person_id,
          confirmed_at, confirmed_by_name)
        select region_code, import_key, class_code, name, specification, unit, quantity, is_equipment, storage_point_id,
          team_id, holder_unit_id, reserve_form, condition, purchased_on, expires_on, responsible_person_id, note, liaison_person_id,
          now(), ${this.actor.name}
        from v
        on conflict (region_code, import_key) where import_key is not null do update set
          name = excluded.name, specification = excluded.specification, unit = excluded.unit, quantity = excluded.quantity,
          is_equipment = excluded.is_equipment,
          storage_point_id = excluded.storage_point_id, team_id = excluded.team_id, holder_unit_id = excluded.holder_unit_id,
          reserve_form = excluded.reserve_form, condition = excluded.condition, purchased_on = excluded.purchased_on,
          expires_on = excluded.expires_on, responsible_person_id = excluded.responsible_person_id, note = excluded.note,
          liaison_person_id = excluded.liaison_person_id,
          confirmed_at = excluded.confirmed_at, confirmed_by_name = excluded.confirmed_by_name,
          version = s.version + 1, updated_at = now()
        where (s.name, s.specification, s.unit, s.quantity, s.is_equipment, s.storage_point_id, s.team_id, s.holder_unit_id, s.reserve_form,
            s.condition, s.purchased_on, s.expires_on, s.responsible_person_id, s.note, s.liaison_person_id)
          is distinct from (excluded.name, excluded.specification, excluded.unit, excluded.quantity, excluded.is_equipment, excluded.storage_point_id,
            excluded.team_id, excluded.holder_unit_id, excluded.reserve_form, excluded.condition, excluded.purchased_on,
            excluded.expires_on, excluded.responsible_person_id, excluded.note, excluded.liaison_person_id)
        returning s.id, s.region_code, s.import_key, s.quantity
      ),
      changed as (
        select up.id, up.quantity, p.id is null as created, up.quantity - coalesce(p.quantity, 0) as delta
        from up left join prev p on p.region_code = up.region_code and p.import_key = up.import_key
      ),
      moved as (
        insert into stock_movement (supply_id, kind, delta, balance, reason, import_id, actor_id, actor_name)
        select id, case when created then 'in' else 'count' end, delta, quantity,
          case when created then '建账（台账导入）' else ${`台账导入 #${this.importId}`} end,
          ${this.importId}, ${this.actor.id}, ${this.actor.name}
        from changed where delta <> 0
        returning 1
      )
      select (count(*) filter (where created))::int as created, (count(*) filter (where not created))::int as updated,
        (select count(*) from moved)::int as movements
      from changed`.execute(this.trx)
    this.tally.supply.created += r.created
    this.tally.supply.updated += r.updated
    this.tally.supply.unchanged += ts.length - r.created - r.updated
    this.movements += r.movements
  }

  /**
   * Gives records kept without import key (entered by hand, demo data) the key of the row that
   * names them, so the statements below update them instead of adding a second record. Only a
   * record still without key, in the row's region, whose key no other record holds.
   */
  private async adopt(kind: 'supply' | 'team', ts: Array<SupplyTarget | TeamTarget>): Promise<void> {
    const rows = ts.filter((t) => t.adoptId !== undefined)
    if (rows.length === 0) return
    const input = sql`unnest(${rows.map((t) => t.adoptId!)}::bigint[], ${rows.map((t) => t.regionCode)}::text[], ${rows.map((t) => t.importKey)}::text[])
      as i(id, region_code, import_key)`
    if (kind === 'supply') {
      await sql`
        update supply s set import_key = i.import_key from ${input}
        where s.id = i.id and s.import_key is null and s.region_code = i.region_code
          and not exists (select 1 from supply y where y.region_code = i.region_code and y.import_key = i.import_key)`.execute(this.trx)
    } else {
      await sql`
        update resource r set import_key = i.import_key from ${input}
        where r.id = i.id and r.kind = 'team' and r.import_key is null and r.region_code = i.region_code
          and not exists (select 1 from resource y where y.kind = 'team' and y.region_code = i.region_code and y.import_key = i.import_key)`.execute(this.trx)
    }
  }

  /** Teams (resource + team detail). Few per file, so found, created and changed in three statements. */
  async teams(ts: TeamTarget[]): Promise<void> {
    if (ts.length === 0) return
    await this.adopt('team', ts)
    const people = await this.persons(ts.flatMap((t) => [t.leader, t.liaison].filter((p): p is PersonRef => p !== null)))
    const pid = (p: PersonRef | null) => (p ? people.get(personKey(p)) ?? null : null)
    const c = <T>(pick: (t: TeamTarget) => T) => ts.map(pick)
    const input = sql`unnest(
      ${c((t) => t.regionCode)}::text[], ${c((t) => t.importKey)}::text[], ${c((t) => t.name)}::text[], ${c((t) => t.address)}::text[],
      ${c((t) => t.note)}::text[], ${c((t) => pid(t.leader))}::bigint[], ${c((t) => pid(t.liaison))}::bigint[],
      ${c((t) => t.level)}::text[], ${c((t) => t.teamType)}::text[], ${c((t) => t.fallback.level)}::text[], ${c((t) => t.fallback.teamType)}::text[],
      ${c((t) => t.specialities.join(','))}::text[], ${c((t) => t.headcount)}::int[]
    ) as i(region_code, import_key, name, address, note, leader_id, liaison_id, level, team_type, fallback_level, fallback_type, specialities, headcount)`
    const created = await sql<{ id: number }>`
      with i as (select * from ${input}),
      made as (
        insert into resource as r (kind, region_code, name, import_key, address, note, responsible_person_id, liaison_person_id, confirmed_at, confirmed_by_name)
        select 'team', region_code, name, import_key, address, note, leader_id, liaison_id, now(), ${this.actor.name} from i
        on conflict (kind, region_code, import_key) where import_key is not null do nothing
        returning r.id, r.region_code, r.import_key
      )
      insert into team (resource_id, level, team_type, specialities, headcount, leader_person_id)
      select made.id, coalesce(i.level, i.fallback_level), coalesce(i.team_type, i.fallback_type),
        coalesce(string_to_array(nullif(i.specialities, ''), ','), '{}'), i.headcount, i.leader_id
      from made join i on i.region_code = made.region_code and i.import_key = made.import_key
      returning resource_id as id`.execute(this.trx)
    const updated = await sql<{ id: number }>`
      with i as (select * from ${input}),
      cur as (
        select r.id, i.name, i.address, i.note, i.leader_id, i.liaison_id, t.resource_id is not null as has_detail,
          coalesce(i.level, t.level, i.fallback_level) as level, coalesce(i.team_type, t.team_type, i.fallback_type) as team_type,
          coalesce(string_to_array(nullif(i.specialities, ''), ','), t.specialities, '{}') as specialities,
          coalesce(i.headcount, t.headcount) as headcount, coalesce(i.leader_id, t.leader_person_id) as leader_person_id,
          (i.name, coalesce(i.address, r.address), coalesce(i.note, r.note), coalesce(i.leader_id, r.responsible_person_id),
            coalesce(i.liaison_id, r.liaison_person_id))
          is distinct from (r.name, r.address, r.note, r.responsible_person_id, r.liaison_person_id) as resource_changed,
          t.level as old_level, t.team_type as old_team_type, t.specialities as old_specialities, t.headcount as old_headcount,
          t.leader_person_id as old_leader
        from i join resource r on r.kind = 'team' and r.region_code = i.region_code and r.import_key = i.import_key
        left join team t on t.resource_id = r.id
        where r.id <> all(${created.rows.map((r) => r.id)}::bigint[])
        for update of r
      ),
      marked as (
        select *, not has_detail or (level, team_type, specialities, headcount, leader_person_id)
          is distinct from (old_level, old_team_type, old_specialities, old_headcount, old_leader) as detail_changed
        from cur
      ),
      detail as (
        insert into team as t (resource_id, level, team_type, specialities, headcount, leader_person_id)
        select id, level, team_type, specialities, headcount, leader_person_id from marked where detail_changed
        on conflict (resource_id) do update set level = excluded.level, team_type = excluded.team_type,
          specialities = excluded.specialities, headcount = excluded.headcount, leader_person_id = excluded.leader_person_id
        returning resource_id
      )
      update resource r set name = m.name, address = coalesce(m.address, r.address), note = coalesce(m.note, r.note),
        responsible_person_id = coalesce(m.leader_id, r.responsible_person_id), liaison_person_id = coalesce(m.liaison_id, r.liaison_person_id),
        confirmed_at = now(), confirmed_by_name = ${this.actor.name}, version = r.version + 1, updated_at = now()
      from marked m where r.id = m.id and (m.resource_changed or m.detail_changed)
      returning r.id`.execute(this.trx)
    this.tally.team.created += created.rows.length
    this.tally.team.updated += updated.rows.length
    this.tally.team.unchanged += ts.length - created.rows.length - updated.rows.length
  }

  /** Annexes 5 and 6: the people, with their roles. */
  async contacts(ts: ContactTarget[]): Promise<void> {
    await this.persons(ts.flatMap((t) => t.people))
  }

  /** The other ledgers: experts, shelters, risk points, storage points, suppliers, annex 1. */
  async tables(ts: TableTarget[]): Promise<void> {
    if (ts.length > 0) await writeTables(this, ts)
  }
}
