import { sql, type SqlBool } from 'kysely'
import { maskPhone } from '../../../../domain/people/phone.js'
import { groupPositionLabel } from '../../../../domain/people/units.js'
import type { Db } from '../../../db/database.js'
import { afterKey, countRows, decodeCursor, keyOf, orderTerms, pageOf, type KeyOrder, type PageInfo } from '../../../db/key-paging.js'
import { inScope, type Scope } from '../../../db/scope.js'
import { badField, duplicate, isUniqueViolation, notFound, stale } from '../../../errors.js'
import { recordAudit, type Actor } from '../../audit/record.js'
import { checkRegion, phoneField, regionFilter, requiredText, text } from '../../../shared/input.js'
import { containsPattern } from '../../../shared/like.js'
import { paging } from '../../../shared/paging.js'
import type { Group, GroupInput, GroupListQuery, GroupUpdate, Member, MemberInput } from '../schema.js'

function selectGroups(db: Db, scope: Scope) {
  return db.selectFrom('leadingGroup as g')
    .innerJoin('region as r', 'r.code', 'g.regionCode')
    .leftJoin('unit as ou', 'ou.id', 'g.officeUnitId')
    .select([
      'g.id', 'g.regionCode', 'r.fullName as regionName', 'g.name', 'g.officeUnitId', 'ou.name as officeUnitName',
      'g.officeAddress', 'g.officePhone', 'g.isDemo', 'g.version', 'g.updatedAt',
    ])
    .where(inScope('g.regionCode', scope))
}

/**
 * Members of the given groups, in list order. A member is shown even when the person belongs to
 * a higher level than the reader: who sits in a group is part of the group's own record.
 */
async function membersOf(db: Db, groupIds: number[]): Promise<Map<number, Member[]>> {
  const byGroup = new Map<number, Member[]>(groupIds.map((id) => [id, []]))
  if (groupIds.length === 0) return byGroup
  const rows = await db.selectFrom('leadingGroupMember as m')
    .innerJoin('person as p', 'p.id', 'm.personId')
    .leftJoin('unit as un', 'un.id', 'p.unitId')
    .select(['m.groupId', 'm.personId', 'p.name', 'p.post', 'p.unitId', 'un.name as unitName', 'p.mobile', 'm.position', 'm.duty', 'm.sort'])
    .where('m.groupId', 'in', groupIds)
    .orderBy('m.groupId').orderBy('m.sort').orderBy('m.personId')
    .execute()
  for (const { groupId, ...m } of rows) {
    byGroup.get(groupId)!.push({ ...m, mobile: maskPhone(m.mobile), positionLabel: groupPositionLabel(m.position) })
  }
  return byGroup
}

/** Region, then id: leading_group_list_idx (migration 0020), walked from the cursor. */
const GROUP_ORDER: KeyOrder = { name: 'region', columns: [{ ref: 'g.regionCode', type: 'text' }, { ref: 'g.id', type: 'bigint' }] }

/** A page of leading groups with their members, in key order, counted exactly when asked, else up to 1000. */
export async function listGroups(db: Db, scope: Scope, query: GroupListQuery): Promise<{ items: Group[] } & PageInfo> {
  const within = regionFilter(scope, query.regionCode)
  if (query.after !== undefined && query.page !== undefined && query.page > 1) {
    throw badField('page', '页码', query.page, '不能与“接续位置”（after）同用')
  }
  const q = text(query.q)
  const conditions = [inScope('g.regionCode', scope), inScope('g.regionCode', within)]
  if (q) conditions.push(sql<SqlBool>`g.name ilike ${containsPattern(q)}`)
  const matching = sql<SqlBool>`(${sql.join(conditions, sql` and `)})`
  const { limit, offset } = paging(query)
  let page = selectGroups(db, scope).where(matching).select(keyOf(GROUP_ORDER))
  if (query.after !== undefined) page = page.where(afterKey(GROUP_ORDER, decodeCursor(GROUP_ORDER, query.after)))
  const [found, count] = await Promise.all([
    page.orderBy(orderTerms(GROUP_ORDER)).limit(limit + 1).offset(query.after !== undefined ? 0 : offset).execute(),
    countRows(db, db.selectFrom('leadingGroup as g').where(matching).select(sql.lit(1).as('one')), query.count),
  ])
  const { rows, next } = pageOf(GROUP_ORDER, found, limit)
  const members = await membersOf(db, rows.map((g) => g.id))
  return {
    items: rows.map((g) => ({ ...g, officePhone: maskPhone(g.officePhone), members: members.get(g.id)!, updatedAt: g.updatedAt.toISOString() })),
    next,
    ...count,
  }
}

export async function getGroup(db: Db, scope: Scope, id: number): Promise<Group> {
  const g = await selectGroups(db, scope).where('g.id', '=', id).executeTakeFirst()
  if (!g) throw notFound('领导小组', id)
  const members = await membersOf(db, [id])
  return { ...g, officePhone: maskPhone(g.officePhone), members: members.get(id)!, updatedAt: g.updatedAt.toISOString() }
}

async function lockGroup(trx: Db, scope: Scope, id: number) {
  const row = await trx.selectFrom('leadingGroup').selectAll().where('id', '=', id).where(inScope('regionCode', scope)).forUpdate().executeTakeFirst()
  if (!row) throw notFound('领导小组', id)
  return row
}

async function groupValues(trx: Db, scope: Scope, input: GroupUpdate | GroupInput, storedPhone: string | null) {
  await checkRegion(trx, scope, input.regionCode)
  const officeUnitId = input.officeUnitId ?? null
  if (officeUnitId !== null) {
    const unit = await trx.selectFrom('unit').select('id').where('id', '=', officeUnitId).where(inScope('regionCode', scope)).executeTakeFirst()
    if (!unit) throw badField('officeUnitId', '办公室所在单位', officeUnitId, '不存在或不在您的辖区内')
  }
  return {
    regionCode: input.regionCode,
    name: requiredText('name', '名称', input.name),
    officeUnitId,
    officeAddress: text(input.officeAddress),
    officePhone: phoneField('officePhone', '办公电话', input.officePhone, storedPhone, 'any'),
  }
}

type StoredMember = { personId: number; position: string; duty: string | null; sort: number }

async function storedMembers(trx: Db, groupId: number): Promise<StoredMember[]> {
  return trx.selectFrom('leadingGroupMember').select(['personId', 'position', 'duty', 'sort'])
    .where('groupId', '=', groupId).orderBy('sort').execute()
}

/** Replaces the whole list; every person must be in the writer's jurisdiction, and appear once. */
async function replaceMembers(trx: Db, scope: Scope, groupId: number, members: MemberInput[]): Promise<StoredMember[]> {
  const seen = new Set<number>()
  for (const m of members) {
    if (seen.has(m.personId)) throw badField('members', '成员', m.personId, '在名单中重复出现')
    seen.add(m.personId)
  }
  if (members.length > 0) {
    const found = await trx.selectFrom('person').select('id').where('id', 'in', [...seen]).where(inScope('regionCode', scope)).execute()
    const known = new Set(found.map((p) => p.id))
    const missing = members.find((m) => !known.has(m.personId))
    if (missing) throw badField('members', '成员', missing.personId, '不存在或不在您的辖区内')
  }
  const rows = members.map((m, i) => ({ personId: m.personId, position: m.position, duty: text(m.duty), sort: i + 1 }))
  await trx.deleteFrom('leadingGroupMember').where('groupId', '=', groupId).execute()
  if (rows.length > 0) await trx.insertInto('leadingGroupMember').values(rows.map((r) => ({ groupId, ...r }))).execute()
  return rows
}

export async function createGroup(db: Db, scope: Scope, actor: Actor, input: GroupInput): Promise<Group> {
  const id = await db.transaction().execute(async (trx) => {
    const values = await groupValues(trx, scope, input, null)
    const group = await trx.insertInto('leadingGroup').values(values).returningAll().executeTakeFirstOrThrow()
      .catch((e: unknown) => { throw isUniqueViolation(e, 'leading_group_region_name_key') ? duplicate('领导小组', values.name) : e })
    const members = await replaceMembers(trx, scope, group.id, input.members ?? [])
    await recordAudit(trx, actor, {
      action: 'leading_group.created', entity: 'leading_group', entityId: group.id, regionCode: group.regionCode, after: { ...group, members },
    })
    return group.id
  })
  return getGroup(db, scope, id)
}

export async function updateGroup(db: Db, scope: Scope, actor: Actor, id: number, input: GroupUpdate): Promise<Group> {
  await db.transaction().execute(async (trx) => {
    const before = await lockGroup(trx, scope, id)
    if (before.version !== input.version) throw stale(`领导小组“${before.name}”`)
    const values = await groupValues(trx, scope, input, before.officePhone)
    const after = await trx.updateTable('leadingGroup').set({ ...values, version: sql`version + 1`, updatedAt: new Date() })
      .where('id', '=', id).returningAll().executeTakeFirstOrThrow()
      .catch((e: unknown) => { throw isUniqueViolation(e, 'leading_group_region_name_key') ? duplicate('领导小组', values.name) : e })
    await recordAudit(trx, actor, { action: 'leading_group.updated', entity: 'leading_group', entityId: id, regionCode: after.regionCode, before, after })
  })
  return getGroup(db, scope, id)
}

/** A new member list in one go; the group's version guards against two people editing it at once. */
export async function setGroupMembers(db: Db, scope: Scope, actor: Actor, id: number, members: MemberInput[], version: number): Promise<Group> {
  await db.transaction().execute(async (trx) => {
    const group = await lockGroup(trx, scope, id)
    if (group.version !== version) throw stale(`领导小组“${group.name}”`)
    const before = await storedMembers(trx, id)
    const after = await replaceMembers(trx, scope, id, members)
    await trx.updateTable('leadingGroup').set({ version: sql`version + 1`, updatedAt: new Date() }).where('id', '=', id).execute()
    await recordAudit(trx, actor, {
      action: 'leading_group.members_replaced', entity: 'leading_group', entityId: id, regionCode: group.regionCode,
      before: { members: before }, after: { members: after },
    })
  })
  return getGroup(db, scope, id)
}

export async function deleteGroup(db: Db, scope: Scope, actor: Actor, id: number, version: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const group = await lockGroup(trx, scope, id)
    if (group.version !== version) throw stale(`领导小组“${group.name}”`)
    const members = await storedMembers(trx, id)
    await trx.deleteFrom('leadingGroup').where('id', '=', id).execute()
    await recordAudit(trx, actor, {
      action: 'leading_group.deleted', entity: 'leading_group', entityId: id, regionCode: group.regionCode, before: { ...group, members },
    })
  })
}

export async function revealGroupPhone(db: Db, scope: Scope, actor: Actor, id: number): Promise<{ officePhone: string | null }> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('leadingGroup').select(['name', 'regionCode', 'officePhone'])
      .where('id', '=', id).where(inScope('regionCode', scope)).executeTakeFirst()
    if (!row) throw notFound('领导小组', id)
    await recordAudit(trx, actor, {
      action: 'leading_group.phone_revealed', entity: 'leading_group', entityId: id, regionCode: row.regionCode, after: { name: row.name },
    })
    return { officePhone: row.officePhone }
  })
}
