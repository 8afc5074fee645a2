import { sql } from 'kysely'
import { AppError } from '../../errors.js'
import type { ChunkWriter, Tally } from './import-write.js'
import type { GroupMemberTarget, ResourceTarget, SupplierTarget, TableTarget } from './import-targets-tables.js'
import { RESOURCE_KIND_OF } from './import-targets-tables.js'
import {
  agreementChanges, agreementsOf, groupKey, groupsFor, memberFor, membersOf, ownPerson, peopleById, personIdsOf, sameValue, samePerson,
  specOf, storedResources, type PersonRow, type StoredAgreement, type StoredGroup, type StoredMember, type StoredResource,
} from './import-stored-tables.js'
import { identity, personKey, type PersonRef } from './import-targets.js'

/**
 * The commit's writes for the other ledgers, inside its one transaction. Records are few next to
 * supply lines (a county keeps hundreds of experts or risk points, not a hundred thousand), so
 * each is written by its own statements after one lookup per chunk; people go through the
 * ChunkWriter like the annexes' people. Blank cells keep what is stored, a new record takes the
 * forms' defaults, and a record written is confirmed by the importer, now.
 */

/** As the leading-group form: a member list holds at most this many. */
const MAX_MEMBERS = 200

const TALLY_OF: Record<ResourceTarget['kind'], keyof Tally> = {
  expert: 'expert', shelter: 'shelter', riskPoint: 'riskPoint', storagePoint: 'storagePoint', supplier: 'supplier',
}

export async function writeTables(w: ChunkWriter, ts: TableTarget[]): Promise<void> {
  const members = ts.filter((t): t is GroupMemberTarget => t.kind === 'groupMember')
  const resources = ts.filter((t): t is ResourceTarget => t.kind !== 'groupMember')
  if (resources.length > 0) await writeResources(w, resources)
  if (members.length > 0) await writeMembers(w, members)
}

/**
 * The person a slot will point at: the record's own person when the row names them (and what the
 * row adds written onto them, if they are of the record's region), else the person of that name
 * and mobile in the record's region, found or created; the stored one when the row leaves it blank.
 */
async function slotPerson(w: ChunkWriter, ref: PersonRef | null, storedId: number | null, people: Map<number, PersonRow>, regionCode: string): Promise<number | null> {
  if (ref === null) return storedId
  const p = storedId === null ? undefined : people.get(storedId)
  if (samePerson(ref, p)) {
    if (ownPerson(p, regionCode)) await w.mergeKnown(p.id, ref)
    return p.id
  }
  return (await w.persons([ref])).get(personKey(ref)) ?? null
}

const given = (v: unknown) => v !== null && v !== undefined

async function writeResources(w: ChunkWriter, ts: ResourceTarget[]): Promise<void> {
  const trx = w.trx
  const kind = RESOURCE_KIND_OF[ts[0].kind]
  const spec = specOf(ts[0])
  const tally = w.tally[TALLY_OF[ts[0].kind]]
  const stored = await storedResources(trx, ts)
  const people = await peopleById(trx, ts.flatMap((t, i) => personIdsOf(t, stored[i])))
  const agreements = ts[0].kind === 'supplier' ? await agreementsOf(trx, stored.flatMap((s) => (s ? [s.id] : []))) : new Map<string, StoredAgreement>()

  for (const [i, t] of ts.entries()) {
    const writtenKey = `${kind}|${t.regionCode}|${t.resourceKey}`
    const already = w.written.get(writtenKey)
    if (already !== undefined) {
      // A later row of a record this commit wrote (a supplier's next agreement): the first row
      // carried the record's own cells.
      if (t.kind === 'supplier') await writeAgreement(w, t, already, agreements)
      continue
    }
    const s = stored[i]
    const responsible = await slotPerson(w, t.responsible, s?.responsiblePersonId ?? null, people, t.regionCode)
    const detailPeople: Record<string, number | null> = {}
    for (const slot of spec.people) {
      detailPeople[slot.column] = await slotPerson(w, slot.ref(t), (s?.detail[slot.column] as number | null | undefined) ?? null, people, t.regionCode)
    }
    const id = s ? await updateResource(w, t, s, responsible, detailPeople) : await createResource(w, t, responsible, detailPeople)
    if (!s) tally.created++
    else if (id.changed) tally.updated++
    else tally.unchanged++
    w.written.set(writtenKey, id.id)
    if (t.kind === 'supplier') await writeAgreement(w, t, id.id, agreements)
  }
}

/** Detail values of a record: the row's, else what is stored, else a new record's default. */
function detailValues(t: ResourceTarget, s: StoredResource | null, people: Record<string, number | null>): Record<string, unknown> {
  const spec = specOf(t)
  const out: Record<string, unknown> = {}
  for (const f of spec.fields) {
    const v = f.value(t)
    out[f.column] = given(v) ? v : given(s?.detail[f.column]) ? s!.detail[f.column] : f.fallback ?? null
  }
  for (const slot of spec.people) out[slot.column] = people[slot.column]
  return out
}

/** `insert … on conflict (resource_id) do update`: the detail row written whole. */
async function saveDetail(w: ChunkWriter, t: ResourceTarget, id: number, values: Record<string, unknown>): Promise<void> {
  const columns = Object.keys(values)
  // text[] and numbers travel as they are; the column types decide the casts.
  await sql`
    insert into ${sql.table(specOf(t).table)} (resource_id, ${sql.join(columns.map((c) => sql.ref(c)))})
    values (${id}, ${sql.join(columns.map((c) => sql`${values[c]}`))})
    on conflict (resource_id) do update set ${sql.join(columns.map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`))}`.execute(w.trx)
}

async function createResource(w: ChunkWriter, t: ResourceTarget, responsible: number | null, people: Record<string, number | null>): Promise<{ id: number; changed: boolean }> {
  const row = await w.trx.insertInto('resource').values({
    kind: RESOURCE_KIND_OF[t.kind], regionCode: t.regionCode, name: t.name, importKey: t.resourceKey, address: t.address,
    lng: t.lng, lat: t.lat, note: t.note, responsiblePersonId: responsible, confirmedAt: new Date(), confirmedByName: w.actor.name,
  }).returning('id').executeTakeFirstOrThrow()
  await saveDetail(w, t, row.id, detailValues(t, null, people))
  return { id: row.id, changed: true }
}

async function updateResource(
  w: ChunkWriter, t: ResourceTarget, s: StoredResource, responsible: number | null, people: Record<string, number | null>,
): Promise<{ id: number; changed: boolean }> {
  const base = {
    name: t.name, address: t.address ?? s.address, lng: t.lng ?? s.lng, lat: t.lat ?? s.lat, note: t.note ?? s.note, responsiblePersonId: responsible,
  }
  const detail = detailValues(t, s, people)
  const changed = (Object.keys(base) as Array<keyof typeof base>).some((k) => !sameValue(base[k], s[k]))
    || Object.entries(detail).some(([k, v]) => !sameValue(v, s.detail[k]))
  if (changed) {
    await w.trx.updateTable('resource').set({
      ...base, importKey: t.resourceKey, confirmedAt: new Date(), confirmedByName: w.actor.name, version: sql`version + 1`, updatedAt: new Date(),
    }).where('id', '=', s.id).execute()
    await saveDetail(w, t, s.id, detail)
  } else if (s.importKey === null) {
    // A record entered through a form, now matched by name: keyed, so the next import finds it by key.
    await w.trx.updateTable('resource').set({ importKey: t.resourceKey }).where('id', '=', s.id).execute()
  }
  return { id: s.id, changed }
}

async function writeAgreement(w: ChunkWriter, t: SupplierTarget, supplierId: number, agreements: Map<string, StoredAgreement>): Promise<void> {
  const a = t.agreement
  if (!a) return
  const key = `${supplierId}|${identity(a.itemName)}`
  const s = agreements.get(key)
  if (!s) {
    const row = await w.trx.insertInto('supplyAgreement').values({
      supplierId, regionCode: t.regionCode, classCode: a.classCode, itemName: a.itemName, quantity: a.quantity, unit: a.unit,
      startsOn: a.startsOn, endsOn: a.endsOn, responseHours: a.responseHours,
    }).returning(['id', 'itemName', 'quantity', 'unit', 'startsOn', 'endsOn', 'responseHours']).executeTakeFirstOrThrow()
    agreements.set(key, row)
    w.tally.agreement.created++
    return
  }
  if (!agreementChanges(a, s)) {
    w.tally.agreement.unchanged++
    return
  }
  const next = {
    itemName: a.itemName, quantity: a.quantity ?? s.quantity, unit: a.unit ?? s.unit, startsOn: a.startsOn ?? s.startsOn,
    endsOn: a.endsOn ?? s.endsOn, responseHours: a.responseHours ?? s.responseHours,
  }
  await w.trx.updateTable('supplyAgreement').set({ ...next, version: sql`version + 1`, updatedAt: new Date() }).where('id', '=', s.id).execute()
  agreements.set(key, { id: s.id, ...next })
  w.tally.agreement.updated++
}

async function writeMembers(w: ChunkWriter, ts: GroupMemberTarget[]): Promise<void> {
  const trx = w.trx
  const groups = await groupsFor(trx, ts)
  const members = await membersOf(trx, [...groups.values()].map((g) => g.id))
  const people = await peopleById(trx, [...members.values()].flat().map((m) => m.personId))
  for (const t of ts) {
    const g = await groupFor(w, t, groups, members)
    if (t.member === null) continue
    const list = members.get(g.id)!
    let m: StoredMember | null = memberFor(t.member, list, people)
    let personId: number
    if (m) {
      const p = people.get(m.personId)!
      if (ownPerson(p, g.regionCode)) await w.mergeKnown(p.id, t.member)
      personId = m.personId
    } else {
      personId = (await w.persons([t.member])).get(personKey(t.member))!
      // The ledger's person may be a member already under another spelling of their phone.
      m = list.find((x) => x.personId === personId) ?? null
    }
    if (!m) {
      if (list.length >= MAX_MEMBERS) {
        throw new AppError('IMPORT_GROUP_TOO_LARGE', 422, `领导小组“${g.name}”的成员将超过 ${MAX_MEMBERS} 人，请拆分或删去重复的成员后重新上传`, [{ field: 'name', value: g.name }])
      }
      const sort = list.reduce((max, x) => Math.max(max, x.sort), 0) + 1
      const row = { groupId: g.id, personId, position: t.position ?? 'member', duty: t.duty, sort }
      await trx.insertInto('leadingGroupMember').values(row).execute()
      list.push(row)
      w.tally.groupMember.created++
      continue
    }
    const next = { position: t.position ?? m.position, duty: t.duty ?? m.duty }
    if (next.position === m.position && sameValue(next.duty, m.duty)) {
      w.tally.groupMember.unchanged++
      continue
    }
    await trx.updateTable('leadingGroupMember').set(next).where('groupId', '=', g.id).where('personId', '=', m.personId).execute()
    Object.assign(m, next)
    w.tally.groupMember.updated++
  }
}

/** The row's group: stored, or created by this commit; its office written the first time the commit meets it. */
async function groupFor(w: ChunkWriter, t: GroupMemberTarget, groups: Map<string, StoredGroup>, members: Map<number, StoredMember[]>): Promise<StoredGroup> {
  const key = groupKey(t)
  const seen = w.written.has(`group|${key}`)
  let g = groups.get(key)
  if (!g) {
    g = await w.trx.insertInto('leadingGroup').values({
      regionCode: t.regionCode, name: t.groupName, officeAddress: t.officeAddress, officePhone: t.officePhone,
    }).returning(['id', 'regionCode', 'name', 'officeAddress', 'officePhone']).executeTakeFirstOrThrow()
    groups.set(key, g)
    members.set(g.id, [])
    w.tally.leadingGroup.created++
  } else if (!seen) {
    const next = { officeAddress: t.officeAddress ?? g.officeAddress, officePhone: t.officePhone ?? g.officePhone }
    if (next.officeAddress !== g.officeAddress || next.officePhone !== g.officePhone) {
      await w.trx.updateTable('leadingGroup').set({ ...next, version: sql`version + 1`, updatedAt: new Date() }).where('id', '=', g.id).execute()
      Object.assign(g, next)
      w.tally.leadingGroup.updated++
    } else {
      w.tally.leadingGroup.unchanged++
    }
  }
  if (!members.has(g.id)) members.set(g.id, [])
  w.written.set(`group|${key}`, g.id)
  return g
}
