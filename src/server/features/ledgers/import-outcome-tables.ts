import type { Db } from '../../db/database.js'
import type { GroupMemberTarget, ResourceTarget, SupplierTarget, TableTarget } from './import-targets-tables.js'
import {
  adds, agreementChanges, agreementsOf, groupKey, groupsFor, memberFor, membersOf, ownPerson, peopleById, personIdsOf, resourceChanges,
  sameValue, storedResources,
} from './import-stored-tables.js'
import { identity } from './import-targets.js'
import type { Outcome } from './schema.js'

/**
 * The preview's verdict on the other ledgers' rows, a few queries per batch: 'create' when the
 * record is new, 'update' when the row changes it (or adds an agreement or a member to it),
 * 'unchanged' otherwise. The rules are those of import-stored-tables.ts, which the commit follows.
 */

export async function tableOutcomes(db: Db, targets: TableTarget[]): Promise<Outcome[]> {
  if (targets.length === 0) return []
  const first = targets[0]
  if (first.kind === 'groupMember') return memberOutcomes(db, targets as GroupMemberTarget[])
  return resourceOutcomes(db, targets as ResourceTarget[])
}

async function resourceOutcomes(db: Db, ts: ResourceTarget[]): Promise<Outcome[]> {
  const stored = await storedResources(db, ts)
  const people = await peopleById(db, ts.flatMap((t, i) => personIdsOf(t, stored[i])))
  const suppliers = ts[0].kind === 'supplier' ? await agreementsOf(db, stored.flatMap((s) => (s ? [s.id] : []))) : new Map()
  return ts.map((t, i) => {
    const s = stored[i]
    if (!s) return 'create'
    if (resourceChanges(t, s, people)) return 'update'
    if (t.kind === 'supplier') return agreementOutcome(t, s.id, suppliers)
    return 'unchanged'
  })
}

function agreementOutcome(t: SupplierTarget, supplierId: number, agreements: Awaited<ReturnType<typeof agreementsOf>>): Outcome {
  if (!t.agreement) return 'unchanged'
  const a = agreements.get(`${supplierId}|${identity(t.agreement.itemName)}`)
  return !a || agreementChanges(t.agreement, a) ? 'update' : 'unchanged'
}

async function memberOutcomes(db: Db, ts: GroupMemberTarget[]): Promise<Outcome[]> {
  const groups = await groupsFor(db, ts)
  const members = await membersOf(db, [...groups.values()].map((g) => g.id))
  const people = await peopleById(db, [...members.values()].flat().map((m) => m.personId))
  return ts.map((t) => {
    const g = groups.get(groupKey(t))
    if (!g) return 'create'
    const office = (t.officeAddress !== null && t.officeAddress !== g.officeAddress) || (t.officePhone !== null && t.officePhone !== g.officePhone)
    if (t.member === null) return office ? 'update' : 'unchanged'
    const m = memberFor(t.member, members.get(g.id) ?? [], people)
    if (!m) return 'create'
    const p = people.get(m.personId)!
    const changed = office
      || (t.position !== null && t.position !== m.position)
      || (t.duty !== null && !sameValue(t.duty, m.duty))
      || (ownPerson(p, g.regionCode) && adds(t.member, p))
    return changed ? 'update' : 'unchanged'
  })
}
