import { sql } from 'kysely'
import { isWithin } from '../../../domain/regions/code.js'
import type { Db } from '../../db/database.js'
import type { StoredPerson } from './import-outcome.js'
import type {
  AgreementLine, ExpertTarget, GroupMemberTarget, ResourceTarget, RiskTarget, ShelterTarget, StorageTarget, SupplierTarget,
} from './import-targets-tables.js'
import { RESOURCE_KIND_OF } from './import-targets-tables.js'
import { identity, type PersonRef } from './import-targets.js'

/**
 * What the other ledgers' rows meet in the database, and what writing them would change. The
 * preview (import-outcome.ts) and the commit (import-write-tables.ts) both judge a row here, so
 * the outcome the user confirmed is the outcome written.
 *
 * A record is the one with the row's import key, else — a record entered through the forms, or
 * exported and read back — the oldest one of that kind, region and name without a key, which the
 * commit then keys. Blank cells change nothing. A person the record already points at stays its
 * person when the row names them (same name, and the same mobile where both have one).
 */

export type PersonRow = StoredPerson & { regionCode: string; name: string }

/** A detail column of a kind: the value a target gives (null keeps what is stored) and a new record's default. */
type Field<T> = { column: string; value: (t: T) => unknown; fallback?: unknown }
/** A person a detail column points at (监测责任人, 保管员). */
type PersonSlot<T> = { column: string; ref: (t: T) => PersonRef | null }

export type KindSpec<T extends ResourceTarget> = {
  table: 'expert' | 'shelter' | 'riskPoint' | 'storagePoint' | 'supplier'
  fields: Array<Field<T>>
  people: Array<PersonSlot<T>>
}

const EXPERT: KindSpec<ExpertTarget> = {
  table: 'expert',
  fields: [
    { column: 'domain', value: (t) => t.domain }, { column: 'groupCode', value: (t) => t.groupCode },
    { column: 'title', value: (t) => t.title }, { column: 'speciality', value: (t) => t.speciality },
    { column: 'workUnit', value: (t) => t.workUnit }, { column: 'gender', value: (t) => t.gender }, { column: 'bornOn', value: (t) => t.bornOn },
  ],
  people: [],
}

// Defaults of a new record where the ledger is blank: the database's own (shelter.space_type
// 'outdoor', risk_point.level 'general' and state 'monitoring', storage_point.storage_kind 'point').
const SHELTER: KindSpec<ShelterTarget> = {
  table: 'shelter',
  fields: [
    { column: 'spaceType', value: (t) => t.spaceType, fallback: 'outdoor' }, { column: 'gb21734Class', value: (t) => t.gb21734Class },
    { column: 'level', value: (t) => t.level }, { column: 'effectiveAreaM2', value: (t) => t.effectiveAreaM2 },
    { column: 'capacity', value: (t) => t.capacity }, { column: 'facilities', value: (t) => t.facilities, fallback: [] },
  ],
  people: [],
}

const RISK: KindSpec<RiskTarget> = {
  table: 'riskPoint',
  fields: [
    { column: 'hazardType', value: (t) => t.hazardType }, { column: 'level', value: (t) => t.level, fallback: 'general' },
    { column: 'state', value: (t) => t.state, fallback: 'monitoring' }, { column: 'threatenedPeople', value: (t) => t.threatenedPeople },
    { column: 'measures', value: (t) => t.measures },
  ],
  people: [{ column: 'monitorPersonId', ref: (t) => t.monitor }],
}

const STORAGE: KindSpec<StorageTarget> = {
  table: 'storagePoint',
  fields: [
    { column: 'storageKind', value: (t) => t.storageKind, fallback: 'point' }, { column: 'areaM2', value: (t) => t.areaM2 },
    { column: 'volumeM3', value: (t) => t.volumeM3 },
  ],
  people: [{ column: 'keeperPersonId', ref: (t) => t.keeper }],
}

const SUPPLIER: KindSpec<SupplierTarget> = {
  table: 'supplier',
  fields: [{ column: 'creditCode', value: (t) => t.creditCode }],
  people: [],
}

export function specOf<T extends ResourceTarget>(t: T): KindSpec<T> {
  const specs: { [K in ResourceTarget['kind']]: KindSpec<Extract<ResourceTarget, { kind: K }>> } = {
    expert: EXPERT, shelter: SHELTER, riskPoint: RISK, storagePoint: STORAGE, supplier: SUPPLIER,
  }
  return specs[t.kind] as unknown as KindSpec<T>
}

export type StoredResource = {
  id: number
  regionCode: string
  name: string
  importKey: string | null
  address: string | null
  lng: number | null
  lat: number | null
  note: string | null
  responsiblePersonId: number | null
  /** The detail row, keyed by column (camelCase). */
  detail: Record<string, unknown>
}

/** Equal as stored values: numbers by value, lists by their items, blank as null. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null)
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b)
  return JSON.stringify(a) === JSON.stringify(b)
}

/** Whether `ref` names the stored person `p`: same name, same mobile unless one side has none. */
export function samePerson(ref: PersonRef, p: PersonRow | undefined): p is PersonRow {
  return p !== undefined && p.name === ref.name && (ref.mobile === null || p.mobile === null || ref.mobile === p.mobile)
}

/** Whether writing `ref` onto `p` adds anything (blank cells add nothing). */
export function adds(ref: PersonRef, p: PersonRow): boolean {
  return (ref.mobile !== null && p.mobile === null) || (ref.post !== null && ref.post !== p.post)
    || (ref.landline !== null && ref.landline !== p.landline) || (ref.wechat !== null && ref.wechat !== p.wechat)
}

/** The records of one kind the targets mean, in target order (null: not stored yet). */
export async function storedResources<T extends ResourceTarget>(db: Db, targets: T[]): Promise<Array<StoredResource | null>> {
  if (targets.length === 0) return []
  const kind = RESOURCE_KIND_OF[targets[0].kind]
  const spec = specOf(targets[0])
  const regions = [...new Set(targets.map((t) => t.regionCode))]
  const rows = await db.selectFrom('resource')
    .select(['id', 'regionCode', 'name', 'importKey', 'address', 'lng', 'lat', 'note', 'responsiblePersonId'])
    .where('kind', '=', kind).where('regionCode', 'in', regions)
    .where((eb) => eb.or([
      eb('importKey', 'in', [...new Set(targets.map((t) => t.resourceKey))]),
      eb.and([eb('importKey', 'is', null), eb('name', 'in', [...new Set(targets.map((t) => t.name))])]),
    ]))
    .orderBy('id').execute()
  const details = new Map<number, Record<string, unknown>>()
  if (rows.length > 0) {
    const found = await sql<Record<string, unknown> & { resourceId: number }>`
      select * from ${sql.table(spec.table)} where resource_id = any(${rows.map((r) => r.id)}::bigint[])`.execute(db)
    for (const d of found.rows) details.set(Number(d.resourceId), d)
  }
  const byKey = new Map<string, (typeof rows)[number]>()
  const byName = new Map<string, (typeof rows)[number]>()
  for (const r of rows) {
    if (r.importKey !== null) byKey.set(`${r.regionCode}|${r.importKey}`, r)
    else if (!byName.has(`${r.regionCode}|${identity(r.name)}`)) byName.set(`${r.regionCode}|${identity(r.name)}`, r)
  }
  return targets.map((t) => {
    const r = byKey.get(`${t.regionCode}|${t.resourceKey}`) ?? byName.get(`${t.regionCode}|${identity(t.name)}`)
    return r ? { ...r, detail: details.get(r.id) ?? {} } : null
  })
}

/** The people stored records point at, by id. */
export async function peopleById(db: Db, ids: Array<number | null | undefined>): Promise<Map<number, PersonRow>> {
  const wanted = [...new Set(ids.filter((id): id is number => typeof id === 'number'))]
  if (wanted.length === 0) return new Map()
  const rows = await db.selectFrom('person').select(['id', 'regionCode', 'name', 'mobile', 'post', 'landline', 'wechat', 'roles'])
    .where('id', 'in', wanted).execute()
  return new Map(rows.map((p) => [p.id, p]))
}

/** Person ids a stored record and its detail point at. */
export function personIdsOf(t: ResourceTarget, s: StoredResource | null): number[] {
  if (!s) return []
  const spec = specOf(t)
  return [s.responsiblePersonId, ...spec.people.map((slot) => s.detail[slot.column] as number | null)].filter((id): id is number => id !== null)
}

/**
 * Whether a person slot changes: a name the record's person does not carry means another person;
 * the record's own person changes when the row adds to them, if they belong to the record's
 * region or below (a county official heading a township's shelter is not the township's to edit).
 */
export function slotChanges(ref: PersonRef | null, storedId: number | null, people: Map<number, PersonRow>, regionCode: string): boolean {
  if (ref === null) return false
  const p = storedId === null ? undefined : people.get(storedId)
  if (!samePerson(ref, p)) return true
  return ownPerson(p, regionCode) && adds(ref, p)
}

/** A person the import may change: of the record's region or below. */
export function ownPerson(p: PersonRow, regionCode: string): boolean {
  return isWithin(p.regionCode, regionCode)
}

/** Whether writing `t` over `s` changes the record (its row, detail or people). */
export function resourceChanges<T extends ResourceTarget>(t: T, s: StoredResource, people: Map<number, PersonRow>): boolean {
  const spec = specOf(t)
  const given = (v: unknown) => v !== null && v !== undefined
  if (t.name !== s.name) return true
  for (const [v, stored] of [[t.address, s.address], [t.lng, s.lng], [t.lat, s.lat], [t.note, s.note]] as const) {
    if (given(v) && !sameValue(v, stored)) return true
  }
  for (const f of spec.fields) {
    const v = f.value(t)
    if (given(v) && !sameValue(v, s.detail[f.column])) return true
  }
  if (slotChanges(t.responsible, s.responsiblePersonId, people, t.regionCode)) return true
  return spec.people.some((slot) => slotChanges(slot.ref(t), (s.detail[slot.column] as number | null) ?? null, people, t.regionCode))
}

export type StoredAgreement = {
  id: number
  itemName: string
  quantity: number | null
  unit: string | null
  startsOn: string | null
  endsOn: string | null
  responseHours: number | null
}

/** A supplier's agreements by the identity of their item (the latest-ending one where several share it). */
export async function agreementsOf(db: Db, supplierIds: number[]): Promise<Map<string, StoredAgreement>> {
  const out = new Map<string, StoredAgreement>()
  if (supplierIds.length === 0) return out
  const rows = await db.selectFrom('supplyAgreement')
    .select(['id', 'supplierId', 'itemName', 'quantity', 'unit', 'startsOn', 'endsOn', 'responseHours'])
    .where('supplierId', 'in', supplierIds)
    .orderBy('endsOn', (ob) => ob.desc().nullsLast()).orderBy('id').execute()
  for (const { supplierId, ...a } of rows) {
    const key = `${supplierId}|${identity(a.itemName)}`
    if (!out.has(key)) out.set(key, a)
  }
  return out
}

export function agreementChanges(a: AgreementLine, s: StoredAgreement): boolean {
  const pairs: Array<[unknown, unknown]> = [
    [a.quantity, s.quantity], [a.unit, s.unit], [a.startsOn, s.startsOn], [a.endsOn, s.endsOn], [a.responseHours, s.responseHours],
  ]
  return a.itemName !== s.itemName || pairs.some(([v, stored]) => v !== null && !sameValue(v, stored))
}

// ---- annex 1 ----

export type StoredGroup = { id: number; regionCode: string; name: string; officeAddress: string | null; officePhone: string | null }
export type StoredMember = { groupId: number; personId: number; position: string; duty: string | null; sort: number }

/** Leading groups of the targets' regions, by region and the identity of their name. */
export async function groupsFor(db: Db, targets: GroupMemberTarget[]): Promise<Map<string, StoredGroup>> {
  const out = new Map<string, StoredGroup>()
  if (targets.length === 0) return out
  const rows = await db.selectFrom('leadingGroup').select(['id', 'regionCode', 'name', 'officeAddress', 'officePhone'])
    .where('regionCode', 'in', [...new Set(targets.map((t) => t.regionCode))]).orderBy('id').execute()
  for (const g of rows) {
    const key = `${g.regionCode}|${identity(g.name)}`
    if (!out.has(key)) out.set(key, g)
  }
  return out
}

export const groupKey = (t: GroupMemberTarget) => `${t.regionCode}|${identity(t.groupName)}`

export async function membersOf(db: Db, groupIds: number[]): Promise<Map<number, StoredMember[]>> {
  const out = new Map<number, StoredMember[]>()
  if (groupIds.length === 0) return out
  const rows = await db.selectFrom('leadingGroupMember').select(['groupId', 'personId', 'position', 'duty', 'sort'])
    .where('groupId', 'in', groupIds).orderBy('sort').orderBy('personId').execute()
  for (const m of rows) out.set(m.groupId, [...(out.get(m.groupId) ?? []), m])
  return out
}

/** The stored member a row names: a member of the group with the row's name (and mobile). */
export function memberFor(member: PersonRef, members: StoredMember[], people: Map<number, PersonRow>): StoredMember | null {
  return members.find((m) => samePerson(member, people.get(m.personId))) ?? null
}
