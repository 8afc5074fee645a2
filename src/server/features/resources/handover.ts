import { sql } from 'kysely'
import { Type, type Static } from 'typebox'
import { CONTACT_ROLE_KEYS, CONTACT_ROLES, type ContactRole } from '../../../domain/resources/contacts.js'
import { maskPhone } from '../../../domain/people/phone.js'
import type { Db } from '../../db/database.js'
import { inScope, type Scope } from '../../db/scope.js'

/**
 * The people to call about supply lines and resource records, in the order of
 * domain/resources/contacts.ts: keeper, responsible, leader, liaison. A supply line kept at a
 * storage point (or held by a team) falls back to that holder's people after its own. Numbers are
 * masked; the full number comes from the audited person reveal (POST /api/people/:id/reveal), so
 * each contact carries the person's id. People outside the jurisdiction are left out, as on the
 * record pages.
 */

export const HandoverContact = Type.Object({
  personId: Type.Integer({ description: '查看完整号码：POST /api/people/{personId}/reveal（逐次审计）' }),
  role: Type.Enum(CONTACT_ROLE_KEYS, { description: '保管员 keeper、负责人 responsible、队长 leader、联络人 liaison' }),
  roleLabel: Type.String(),
  name: Type.String(),
  post: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()], { description: '手机（无则座机），脱敏显示' }),
}, { description: '可交接物资的联系人' })
export type HandoverContact = Static<typeof HandoverContact>

type Row = { holderId: number; personId: number; role: ContactRole; name: string; post: string | null; mobile: string | null; landline: string | null }

function group(rows: Row[]): Map<number, HandoverContact[]> {
  const out = new Map<number, HandoverContact[]>()
  for (const r of rows) {
    const list = out.get(r.holderId) ?? []
    // One person in two roles (keeper and liaison) is listed once, under the first.
    if (list.some((c) => c.personId === r.personId)) continue
    list.push({
      personId: r.personId, role: r.role, roleLabel: CONTACT_ROLES[r.role], name: r.name, post: r.post,
      phone: maskPhone(r.mobile ?? r.landline),
    })
    out.set(r.holderId, list)
  }
  return out
}

/** Contacts of supply lines by line id. */
export async function supplyContacts(db: Db, scope: Scope, ids: readonly number[]): Promise<Map<number, HandoverContact[]>> {
  if (ids.length === 0) return new Map()
  const { rows } = await sql<Row>`
    select s.id as holder_id, c.role, p.id as person_id, p.name, p.post, p.mobile, p.landline
    from supply s
    left join resource h on h.id = coalesce(s.storage_point_id, s.team_id)
    left join storage_point k on k.resource_id = s.storage_point_id
    left join team t on t.resource_id = s.team_id
    cross join lateral (values
      (1, 'keeper', k.keeper_person_id),
      (2, 'responsible', s.responsible_person_id),
      (3, 'responsible', h.responsible_person_id),
      (4, 'leader', t.leader_person_id),
      (5, 'liaison', s.liaison_person_id),
      (6, 'liaison', h.liaison_person_id)
    ) as c(rank, role, person_id)
    join person p on p.id = c.person_id and ${inScope('p.region_code', scope)}
    where s.id = any(${ids}::bigint[]) and ${inScope('s.region_code', scope)}
    order by s.id, c.rank`.execute(db)
  return group(rows)
}

/** Contacts of resource records (teams, storage points, shelters …) by record id. */
export async function resourceContacts(db: Db, scope: Scope, ids: readonly number[]): Promise<Map<number, HandoverContact[]>> {
  if (ids.length === 0) return new Map()
  const { rows } = await sql<Row>`
    select x.id as holder_id, c.role, p.id as person_id, p.name, p.post, p.mobile, p.landline
    from resource x
    left join storage_point k on k.resource_id = x.id
    left join team t on t.resource_id = x.id
    cross join lateral (values
      (1, 'keeper', k.keeper_person_id),
      (2, 'responsible', x.responsible_person_id),
      (3, 'leader', t.leader_person_id),
      (4, 'liaison', x.liaison_person_id)
    ) as c(rank, role, person_id)
    join person p on p.id = c.person_id and ${inScope('p.region_code', scope)}
    where x.id = any(${ids}::bigint[]) and ${inScope('x.region_code', scope)}
    order by x.id, c.rank`.execute(db)
  return group(rows)
}
