import { sql } from 'kysely'
import { roleLabels } from '../../../domain/people/units.js'
import { DEFAULT_WARNING_ROLES } from '../../../domain/warnings/delivery.js'
import type { Db } from '../../db/database.js'
import { codeInScope, inScope, type Scope } from '../../db/scope.js'
import { AppError, badField, duplicate, isUniqueViolation, notFound, outOfScope, stale } from '../../errors.js'
import { recordAudit, type Actor } from '../audit/record.js'
import { checkRegion, regionFilter, requiredText, text } from '../../shared/input.js'
import { containsPattern } from '../../shared/like.js'
import { paging } from '../../shared/paging.js'
import { defaultRegionDef, memberCounts, memberList, storedDef, type GroupDef } from './members.js'
import { maskWebhook, secretField, webhookField } from './robots.js'
import {
  GROUP_KINDS, type CustomGroupInput, type GroupDetail, type GroupKind, type GroupListQuery, type GroupPage, type GroupSummary,
  type GroupUpdate, type MembersChange,
} from './schema.js'

type RegionRow = { code: string; name: string; fullName: string; level: string }

function selectStored(db: Db, scope: Scope) {
  return db.selectFrom('linkageGroup as g')
    .innerJoin('region as r', 'r.code', 'g.regionCode')
    .select([
      'g.id', 'g.kind', 'g.regionCode', 'r.fullName as regionName', 'r.level as regionLevel', 'g.name', 'g.roles', 'g.subtree',
      'g.wecomWebhook', 'g.dingtalkWebhook', 'g.dingtalkSecret', 'g.note', 'g.isDemo', 'g.version', 'g.updatedAt',
    ])
    .where(inScope('g.regionCode', scope))
}
type StoredRow = NonNullable<Awaited<ReturnType<ReturnType<typeof selectStored>['executeTakeFirst']>>>

/** A region's own group is named after it, stored or not: 织里镇联动工作群. */
export function regionGroupName(regionName: string): string {
  return `${regionName}联动工作群`
}

function presentStored(g: StoredRow, memberCount: number): GroupSummary {
  const { dingtalkSecret, kind, ...rest } = g
  return {
    ...rest,
    kind,
    kindLabel: GROUP_KINDS[kind],
    roleLabels: roleLabels(g.roles),
    stored: true,
    memberCount,
    wecomWebhook: maskWebhook(g.wecomWebhook),
    dingtalkWebhook: maskWebhook(g.dingtalkWebhook),
    dingtalkSecretSet: dingtalkSecret !== null,
    updatedAt: g.updatedAt.toISOString(),
  }
}

/** The group a region has before anyone customises it: derived from the default roles. */
function presentVirtual(region: RegionRow, memberCount: number): GroupSummary {
  const roles = [...DEFAULT_WARNING_ROLES]
  return {
    id: null, kind: 'region', kindLabel: GROUP_KINDS.region, regionCode: region.code, regionName: region.fullName,
    regionLevel: region.level, name: regionGroupName(region.name), roles, roleLabels: roleLabels(roles), subtree: false,
    stored: false, memberCount, wecomWebhook: null, dingtalkWebhook: null, dingtalkSecretSet: false, note: null,
    isDemo: false, version: null, updatedAt: null,
  }
}

/** A region in the user's jurisdiction; codes outside it are refused before anything is looked up. */
async function regionInScope(db: Db, scope: Scope, code: string): Promise<RegionRow> {
  if (!codeInScope(code, scope)) throw outOfScope(code)
  const region = await db.selectFrom('region').select(['code', 'name', 'fullName', 'level']).where('code', '=', code).executeTakeFirst()
  if (!region) throw notFound('区划', code)
  return region
}

/**
 * Groups of a region and the level below it: the region's own group and each child region's
 * group (stored or still implicit, with member counts), then the custom groups of the subtree.
 */
export async function listGroups(db: Db, scope: Scope, query: GroupListQuery): Promise<GroupPage> {
  const within = regionFilter(scope, query.regionCode)
  const top = query.regionCode ?? scope.regionCode
  const q = text(query.q)
  type Entry = { region: RegionRow; stored: StoredRow | null } | { region: null; stored: StoredRow }
  const entries: Entry[] = []
  if (query.kind !== 'custom') {
    const regions = await db.selectFrom('region').select(['code', 'name', 'fullName', 'level'])
      .where((eb) => eb.or([eb('code', '=', top), eb('parentCode', '=', top)]))
      .where(inScope('code', within)).orderBy('code').execute()
    const stored = regions.length === 0 ? [] : await selectStored(db, scope).where('g.kind', '=', 'region')
      .where('g.regionCode', 'in', regions.map((r) => r.code)).execute()
    const byRegion = new Map(stored.map((g) => [g.regionCode, g]))
    for (const region of regions) {
      const g = byRegion.get(region.code) ?? null
      const name = g?.name ?? regionGroupName(region.name)
      if (!q || name.includes(q)) entries.push({ region, stored: g })
    }
  }
  if (query.kind !== 'region') {
    let custom = selectStored(db, scope).where('g.kind', '=', 'custom').where(inScope('g.regionCode', within))
    if (q) custom = custom.where('g.name', 'ilike', containsPattern(q))
    for (const g of await custom.orderBy('g.regionCode').orderBy('g.name').execute()) entries.push({ region: null, stored: g })
  }
  const { limit, offset } = paging(query)
  const shown = entries.slice(offset, offset + limit)
  const defs = shown.map((e) => (e.stored ? storedDef(e.stored) : defaultRegionDef(e.region!.code)))
  const counts = await memberCounts(db, defs)
  const items = shown.map((e, i) => {
    const n = counts.get(defs[i].key) ?? 0
    return e.stored ? presentStored(e.stored, n) : presentVirtual(e.region!, n)
  })
  return { items, total: entries.length }
}

async function detail(db: Db, summary: GroupSummary, def: GroupDef): Promise<GroupDetail> {
  const members = await memberList(db, def, { withExcluded: true })
  return { ...summary, memberCount: members.filter((m) => m.source !== 'excluded').length, members }
}

export async function getGroup(db: Db, scope: Scope, id: number): Promise<GroupDetail> {
  const g = await selectStored(db, scope).where('g.id', '=', id).executeTakeFirst()
  if (!g) throw notFound('联动工作群', id)
  return detail(db, presentStored(g, 0), storedDef(g))
}

/** A region's own group, whether it was customised (stored) or is still the implicit default. */
export async function getRegionGroup(db: Db, scope: Scope, code: string): Promise<GroupDetail> {
  const region = await regionInScope(db, scope, code)
  const g = await selectStored(db, scope).where('g.kind', '=', 'region').where('g.regionCode', '=', code).executeTakeFirst()
  if (g) return detail(db, presentStored(g, 0), storedDef(g))
  return detail(db, presentVirtual(region, 0), defaultRegionDef(code))
}

/**
 * Stores a region's group so that members can be added or excluded and robots set. Storing an
 * already stored group changes nothing: two people customising at once both get the group.
 */
export async function customiseRegionGroup(db: Db, scope: Scope, actor: Actor, code: string): Promise<GroupDetail> {
  const region = await regionInScope(db, scope, code)
  await db.transaction().execute(async (trx) => {
    const name = regionGroupName(region.name)
    const row = await trx.insertInto('linkageGroup')
      .values({ regionCode: code, name, kind: 'region', roles: [...DEFAULT_WARNING_ROLES] })
      .onConflict((oc) => oc.column('regionCode').where('kind', '=', 'region').doNothing())
      .returningAll().executeTakeFirst()
      .catch((e: unknown) => {
        if (!isUniqueViolation(e, 'linkage_group_region_name_key')) throw e
        throw new AppError('DUPLICATE', 409, `该区划下已有名为“${name}”的自定义联动工作群，请先将其改名`, [{ field: 'name', value: name }])
      })
    if (row) {
      await recordAudit(trx, actor, { action: 'linkage_group.customised', entity: 'linkage_group', entityId: row.id, regionCode: code, after: row })
    }
  })
  return getRegionGroup(db, scope, code)
}

type StoredMember = { personId: number; excluded: boolean; note: string | null }

async function storedMembers(trx: Db, groupId: number): Promise<StoredMember[]> {
  return trx.selectFrom('linkageMember').select(['personId', 'excluded', 'note'])
    .where('groupId', '=', groupId).orderBy('personId').execute()
}

/** People named in a change must exist in the writer's jurisdiction. */
async function checkPeople(trx: Db, scope: Scope, field: string, title: string, ids: number[]): Promise<void> {
  if (ids.length === 0) return
  const found = await trx.selectFrom('person').select('id').where('id', 'in', ids).where(inScope('regionCode', scope)).execute()
  const known = new Set(found.map((p) => p.id))
  const missing = ids.find((id) => !known.has(id))
  if (missing !== undefined) throw badField(field, title, missing, '不存在或不在您的辖区内')
}

type MemberAdd = { personId: number; note?: string | null }

async function addMembers(trx: Db, groupId: number, add: MemberAdd[], excluded: boolean): Promise<void> {
  if (add.length === 0) return
  await trx.insertInto('linkageMember')
    .values(add.map((m) => ({ groupId, personId: m.personId, excluded, note: text(m.note) })))
    .onConflict((oc) => oc.columns(['groupId', 'personId']).doUpdateSet((eb) => ({
      excluded: eb.ref('excluded.excluded'),
      // An exclusion keeps the note the member was added with.
      note: excluded ? sql`linkage_member.note` : eb.ref('excluded.note'),
    })))
    .execute()
}

function checkRoles(roles: readonly string[], subtree: boolean, kind: GroupKind) {
  if (kind === 'region' && subtree) throw badField('subtree', '含下级区划', true, '不适用于区划联动工作群（下级区划各有自己的群）')
  return { roles: [...roles], subtree }
}

// The audit log is readable by auditors; a signing secret has no business there.
const withoutSecret = <T extends { dingtalkSecret: string | null }>(g: T) => ({ ...g, dingtalkSecret: g.dingtalkSecret ? '****' : null })

export async function createCustomGroup(db: Db, scope: Scope, actor: Actor, input: CustomGroupInput): Promise<GroupDetail> {
  const id = await db.transaction().execute(async (trx) => {
    await checkRegion(trx, scope, input.regionCode)
    const region = await trx.selectFrom('region').select('name').where('code', '=', input.regionCode).executeTakeFirstOrThrow()
    const name = requiredText('name', '名称', input.name)
    if (name === regionGroupName(region.name)) throw duplicate('联动工作群', name)
    const members = input.members ?? []
    await checkPeople(trx, scope, 'members', '手工添加的成员', [...new Set(members.map((m) => m.personId))])
    const group = await trx.insertInto('linkageGroup').values({
      regionCode: input.regionCode, name, kind: 'custom', ...checkRoles(input.roles, input.subtree ?? false, 'custom'),
      wecomWebhook: webhookField('wecomWebhook', '企业微信机器人地址', input.wecomWebhook, null),
      dingtalkWebhook: webhookField('dingtalkWebhook', '钉钉机器人地址', input.dingtalkWebhook, null),
      dingtalkSecret: secretField(input.dingtalkSecret, null),
      note: text(input.note),
    }).returningAll().executeTakeFirstOrThrow()
      .catch((e: unknown) => { throw isUniqueViolation(e, 'linkage_group_region_name_key') ? duplicate('联动工作群', name) : e })
    await addMembers(trx, group.id, members, false)
    await recordAudit(trx, actor, {
      action: 'linkage_group.created', entity: 'linkage_group', entityId: group.id, regionCode: group.regionCode,
      after: { ...withoutSecret(group), members: await storedMembers(trx, group.id) },
    })
    return group.id
  })
  return getGroup(db, scope, id)
}

async function lockGroup(trx: Db, scope: Scope, id: number) {
  const row = await trx.selectFrom('linkageGroup').selectAll().where('id', '=', id).where(inScope('regionCode', scope)).forUpdate().executeTakeFirst()
  if (!row) throw notFound('联动工作群', id)
  return row
}

export async function updateGroup(db: Db, scope: Scope, actor: Actor, id: number, input: GroupUpdate): Promise<GroupDetail> {
  await db.transaction().execute(async (trx) => {
    const before = await lockGroup(trx, scope, id)
    if (before.version !== input.version) throw stale(`联动工作群“${before.name}”`)
    let name = before.name
    if (input.name !== undefined) {
      const wanted = requiredText('name', '名称', input.name)
      if (before.kind === 'region' && wanted !== before.name) throw badField('name', '名称', wanted, '不可修改：区划联动工作群以区划命名')
      name = wanted
    }
    const after = await trx.updateTable('linkageGroup').set({
      name,
      ...checkRoles(input.roles, input.subtree ?? false, before.kind),
      wecomWebhook: webhookField('wecomWebhook', '企业微信机器人地址', input.wecomWebhook, before.wecomWebhook),
      dingtalkWebhook: webhookField('dingtalkWebhook', '钉钉机器人地址', input.dingtalkWebhook, before.dingtalkWebhook),
      dingtalkSecret: secretField(input.dingtalkSecret, before.dingtalkSecret),
      note: text(input.note),
      version: sql`version + 1`,
      updatedAt: new Date(),
    }).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
      .catch((e: unknown) => { throw isUniqueViolation(e, 'linkage_group_region_name_key') ? duplicate('联动工作群', name) : e })
    await recordAudit(trx, actor, {
      action: 'linkage_group.updated', entity: 'linkage_group', entityId: id, regionCode: after.regionCode,
      before: withoutSecret(before), after: withoutSecret(after),
    })
  })
  return getGroup(db, scope, id)
}

/** Hand-added members join, excluded ones leave, removed rows undo either. */
export async function changeMembers(db: Db, scope: Scope, actor: Actor, id: number, change: MembersChange): Promise<GroupDetail> {
  const add = change.add ?? []
  const exclude = change.exclude ?? []
  const remove = change.remove ?? []
  const seen = new Set<number>()
  for (const personId of [...add.map((m) => m.personId), ...exclude, ...remove]) {
    if (seen.has(personId)) throw badField('members', '成员', personId, '在同一次调整中出现了两次')
    seen.add(personId)
  }
  await db.transaction().execute(async (trx) => {
    const group = await lockGroup(trx, scope, id)
    if (group.version !== change.version) throw stale(`联动工作群“${group.name}”`)
    await checkPeople(trx, scope, 'add', '添加成员', add.map((m) => m.personId))
    await checkPeople(trx, scope, 'exclude', '排除成员', exclude)
    const before = await storedMembers(trx, id)
    await addMembers(trx, id, add, false)
    await addMembers(trx, id, exclude.map((personId) => ({ personId })), true)
    if (remove.length > 0) await trx.deleteFrom('linkageMember').where('groupId', '=', id).where('personId', 'in', remove).execute()
    await trx.updateTable('linkageGroup').set({ version: sql`version + 1`, updatedAt: new Date() }).where('id', '=', id).execute()
    await recordAudit(trx, actor, {
      action: 'linkage_group.members_changed', entity: 'linkage_group', entityId: id, regionCode: group.regionCode,
      before: { members: before }, after: { members: await storedMembers(trx, id), add, exclude, remove },
    })
  })
  return getGroup(db, scope, id)
}

/** Deleting a region's group returns it to the implicit default, robots and hand edits gone. */
export async function deleteGroup(db: Db, scope: Scope, actor: Actor, id: number, version: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const group = await lockGroup(trx, scope, id)
    if (group.version !== version) throw stale(`联动工作群“${group.name}”`)
    const members = await storedMembers(trx, id)
    await trx.deleteFrom('linkageGroup').where('id', '=', id).execute()
    await recordAudit(trx, actor, {
      action: 'linkage_group.deleted', entity: 'linkage_group', entityId: id, regionCode: group.regionCode,
      before: { ...withoutSecret(group), members },
    })
  })
}
