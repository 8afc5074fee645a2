import { sql, type Expression, type SqlBool } from 'kysely'
import { auditActionLabel } from '../../../domain/audit/actions.js'
import { maskPhone } from '../../../domain/people/phone.js'
import { label, RESOURCE_KINDS } from '../../../domain/resources/kinds.js'
import type { Db } from '../../db/database.js'
import { afterKey, countRows, decodeCursor, keyOf, orderTerms, pageOf, type KeyOrder, type PageInfo } from '../../db/key-paging.js'
import { inScope, type Scope } from '../../db/scope.js'
import { AppError, badField, inUse, notFound, stale } from '../../errors.js'
import { recordAudit, type Actor } from '../audit/record.js'
import { checkRegion, regionFilter, requiredText, text } from '../../shared/input.js'
import { containsPattern } from '../../shared/like.js'
import { paging } from '../../shared/paging.js'
import { freshnessDays, isStale } from './freshness.js'
import type { KindModule, PersonCheck } from './kind.js'
import {
  STATUSES, type BaseInput, type Contact, type HistoryEntry, type Item, type ItemWithHistory, type ListQuery, type ResourceInput,
  type ResourceUpdate,
} from './schema.js'

/**
 * The shared `resource` row of every kind: list, read, write, delete. The kind's module reads
 * and writes its own detail table inside the same transaction.
 */

/** Every column but the generated `location`: what the audit log keeps of a record. */
const RESOURCE_COLUMNS = [
  'id', 'kind', 'regionCode', 'name', 'ownerUnitId', 'responsiblePersonId', 'liaisonPersonId', 'address', 'lng', 'lat',
  'status', 'note', 'confirmedAt', 'confirmedByName', 'importKey', 'isDemo', 'version', 'createdAt', 'updatedAt',
] as const

/** The record with its region, owner unit and people; names of people outside the jurisdiction stay out. */
function selectResources(db: Db, scope: Scope, days: number) {
  return db.selectFrom('resource as r')
    .innerJoin('region as g', 'g.code', 'r.regionCode')
    .leftJoin('unit as u', (j) => j.onRef('u.id', '=', 'r.ownerUnitId').on(inScope('u.regionCode', scope)))
    .leftJoin('person as rp', (j) => j.onRef('rp.id', '=', 'r.responsiblePersonId').on(inScope('rp.regionCode', scope)))
    .leftJoin('person as lp', (j) => j.onRef('lp.id', '=', 'r.liaisonPersonId').on(inScope('lp.regionCode', scope)))
    .select([
      'r.id', 'r.kind', 'r.regionCode', 'g.fullName as regionName', 'r.name', 'u.id as ownerUnitId', 'u.name as ownerUnitName',
      'rp.id as rpId', 'rp.name as rpName', 'rp.post as rpPost', 'rp.mobile as rpMobile', 'rp.landline as rpLandline',
      'lp.id as lpId', 'lp.name as lpName', 'lp.post as lpPost', 'lp.mobile as lpMobile',
      'r.address', 'r.lng', 'r.lat', 'r.status', 'r.note', 'r.confirmedAt', 'r.confirmedByName', 'r.isDemo', 'r.version', 'r.updatedAt',
      isStale('r.confirmedAt', days).as('stale'),
    ])
    .where(inScope('r.regionCode', scope))
}
type ResourceRow = NonNullable<Awaited<ReturnType<ReturnType<typeof selectResources>['executeTakeFirst']>>>

function contact(id: number | null, name: string | null, post: string | null, mobile: string | null): Contact | null {
  return id === null || name === null ? null : { id, name, post, mobile: maskPhone(mobile) }
}

/** The reply form: labels, masked phones, and what needs attention. */
function present<In, Values, Out>(mod: KindModule<In, Values, Out>, row: ResourceRow, detail: Out | undefined): Item<Out> {
  // Every write puts the resource row and its detail row in one transaction.
  if (detail === undefined) throw new Error(`resource ${row.id} (${row.kind}) has no detail row`)
  const { rpId, rpName, rpPost, rpMobile, rpLandline, lpId, lpName, lpPost, lpMobile, ...rest } = row
  const responsible = contact(rpId, rpName, rpPost, rpMobile)
  const responsibleHasPhone = rpMobile !== null || rpLandline !== null
  const warnings: string[] = []
  if (responsible === null) warnings.push(mod.contactWarnings.missing)
  else if (!responsibleHasPhone) warnings.push(mod.contactWarnings.noPhone)
  warnings.push(...mod.warnings(detail, { responsibleId: responsible?.id ?? null, responsibleHasPhone }))
  return {
    ...rest,
    kindLabel: label(RESOURCE_KINDS, row.kind),
    responsible,
    liaison: contact(lpId, lpName, lpPost, lpMobile),
    statusLabel: label(STATUSES, row.status),
    confirmedAt: row.confirmedAt?.toISOString() ?? null,
    stale: Boolean(row.stale),
    updatedAt: row.updatedAt.toISOString(),
    detail,
    warnings,
  }
}

async function presentAll<In, Values, Out>(db: Db, scope: Scope, mod: KindModule<In, Values, Out>, rows: ResourceRow[]): Promise<Item<Out>[]> {
  const details = await mod.load(db, scope, rows.map((r) => r.id))
  return rows.map((r) => present(mod, r, details.get(r.id)))
}

/** The list's order, ending with the id so that every row has one place (key paging). */
function listOrder(query: ListQuery): KeyOrder {
  const desc = query.order === 'desc'
  const id = { ref: 'r.id', type: 'bigint' } as const
  switch (query.sort) {
    case 'name': return { name: `name:${desc ? 'desc' : 'asc'}`, columns: [{ ref: 'r.name', type: 'text', desc }, id] }
    case 'updatedAt': return { name: `updatedAt:${desc ? 'desc' : 'asc'}`, columns: [{ ref: 'r.updatedAt', type: 'timestamptz', desc }, id] }
    // Never confirmed counts as the oldest confirmation.
    case 'confirmedAt': return {
      name: `confirmedAt:${desc ? 'desc' : 'asc'}`,
      columns: [{ ref: 'r.confirmedAt', type: 'timestamptz', desc, nulls: desc ? 'last' : 'first' }, id],
    }
    // Region, then name: resource_list_idx (migration 0020) keeps this order per kind.
    default: return {
      name: `region:${desc ? 'desc' : 'asc'}`,
      columns: [{ ref: 'r.regionCode', type: 'text', desc }, { ref: 'r.name', type: 'text' }, id],
    }
  }
}

/**
 * A page of one kind's records in key order (db/key-paging.ts): from `after`, or by `page` for
 * callers that jump; counted exactly when asked, else up to 1000.
 */
export async function listResources<In, Values, Out>(
  db: Db, scope: Scope, mod: KindModule<In, Values, Out>, query: ListQuery,
): Promise<{ items: Item<Out>[] } & PageInfo> {
  const within = regionFilter(scope, query.regionCode)
  if (query.after !== undefined && query.page !== undefined && query.page > 1) {
    throw badField('page', '页码', query.page, '不能与“接续位置”（after）同用')
  }
  const days = await freshnessDays(db)
  const q = text(query.q)
  const byKind = mod.matching(db, query)
  const conditions: Expression<SqlBool>[] = [
    sql<SqlBool>`${sql.ref('r.kind')} = ${mod.kind}`, inScope('r.regionCode', scope), inScope('r.regionCode', within),
  ]
  if (query.status !== undefined) conditions.push(sql<SqlBool>`${sql.ref('r.status')} = ${query.status}`)
  // The trigram index on name serves ILIKE '%…%', which is how Chinese names are searched.
  if (q !== null) conditions.push(sql<SqlBool>`${sql.ref('r.name')} ilike ${containsPattern(q)}`)
  if (query.fresh === 'stale') conditions.push(isStale('r.confirmedAt', days))
  if (query.fresh === 'fresh') conditions.push(sql<SqlBool>`not ${isStale('r.confirmedAt', days)}`)
  if (byKind !== null) conditions.push(byKind)
  const matching = sql<SqlBool>`(${sql.join(conditions, sql` and `)})`

  const order = listOrder(query)
  const { limit, offset } = paging(query)
  let page = selectResources(db, scope, days).where(matching).select(keyOf(order))
  if (query.after !== undefined) page = page.where(afterKey(order, decodeCursor(order, query.after)))
  const [found, count] = await Promise.all([
    page.orderBy(orderTerms(order)).limit(limit + 1).offset(query.after !== undefined ? 0 : offset).execute(),
    countRows(db, db.selectFrom('resource as r').where(matching).select(sql.lit(1).as('one')), query.count),
  ])
  const { rows, next } = pageOf(order, found, limit)
  return { items: await presentAll(db, scope, mod, rows), next, ...count }
}

async function history(db: Db, id: number): Promise<HistoryEntry[]> {
  const rows = await db.selectFrom('auditLog').select(['at', 'actorName', 'action', 'before', 'after'])
    .where('entity', '=', 'resource').where('entityId', '=', String(id)).orderBy('id', 'desc').limit(100).execute()
  return rows.map((r) => ({ ...r, at: r.at.toISOString(), actionLabel: auditActionLabel(r.action) }))
}

export async function getResource<In, Values, Out>(
  db: Db, scope: Scope, mod: KindModule<In, Values, Out>, id: number,
): Promise<ItemWithHistory<Out>> {
  const row = await selectResources(db, scope, await freshnessDays(db)).where('r.kind', '=', mod.kind).where('r.id', '=', id).executeTakeFirst()
  if (!row) throw notFound(RESOURCE_KINDS[mod.kind], id)
  const [item] = await presentAll(db, scope, mod, [row])
  return { ...item, history: await history(db, id) }
}

/** The record's row, locked for the rest of the transaction; 404 outside the jurisdiction or of another kind. */
export async function lockResource(trx: Db, scope: Scope, kind: string, id: number) {
  const row = await trx.selectFrom('resource').select(RESOURCE_COLUMNS)
    .where('id', '=', id).where('kind', '=', kind).where(inScope('regionCode', scope)).forUpdate().executeTakeFirst()
  if (!row) throw notFound(label(RESOURCE_KINDS, kind), id)
  return row
}

/** A referenced person must be in the user's jurisdiction; the message names the field. */
function personCheck(trx: Db, scope: Scope): PersonCheck {
  return async (field, title, id) => {
    if (id === null || id === undefined) return null
    const found = await trx.selectFrom('person').select('id').where('id', '=', id).where(inScope('regionCode', scope)).executeTakeFirst()
    if (!found) throw badField(field, title, id, '不存在或不在您的辖区内')
    return found.id
  }
}

/** The shared fields of a form as column values, refusing what cannot be stored. */
async function baseValues<In, Values, Out>(trx: Db, scope: Scope, mod: KindModule<In, Values, Out>, input: BaseInput, person: PersonCheck) {
  const t = mod.titles
  await checkRegion(trx, scope, input.regionCode)
  const ownerUnitId = input.ownerUnitId ?? null
  if (ownerUnitId !== null) {
    const unit = await trx.selectFrom('unit').select('id').where('id', '=', ownerUnitId).where(inScope('regionCode', scope)).executeTakeFirst()
    if (!unit) throw badField('ownerUnitId', t.ownerUnit, ownerUnitId, '不存在或不在您的辖区内')
  }
  const responsiblePersonId = await person('responsiblePersonId', t.responsible, input.responsiblePersonId)
  if (responsiblePersonId === null && mod.requiresResponsible) {
    throw new AppError('INVALID_FIELD', 400, `请选择“${t.responsible}”：联系电话取自人员名录，请先在人员名录中登记，再在此选择`,
      [{ field: 'responsiblePersonId', value: null }])
  }
  const lng = input.lng ?? null
  const lat = input.lat ?? null
  if (lng === null && lat !== null) throw badField('lng', '经度', '', '未填写：经度和纬度应同时填写')
  if (lat === null && lng !== null) throw badField('lat', '纬度', '', '未填写：经度和纬度应同时填写')
  return {
    regionCode: input.regionCode,
    name: requiredText('name', t.name, input.name),
    ownerUnitId,
    responsiblePersonId,
    liaisonPersonId: await person('liaisonPersonId', t.liaison, input.liaisonPersonId),
    address: text(input.address),
    lng,
    lat,
    status: input.status ?? 'active',
    note: text(input.note),
  }
}

/** A new record counts as confirmed by its author, now. */
export async function createResource<In, Values, Out>(
  db: Db, scope: Scope, actor: Actor, who: string, mod: KindModule<In, Values, Out>, input: ResourceInput<In>,
): Promise<ItemWithHistory<Out>> {
  const id = await db.transaction().execute(async (trx) => {
    const person = personCheck(trx, scope)
    const base = await baseValues(trx, scope, mod, input, person)
    const detail = await mod.values(input.detail, person, trx)
    const row = await trx.insertInto('resource').values({ ...base, kind: mod.kind, confirmedAt: new Date(), confirmedByName: who })
      .returning(RESOURCE_COLUMNS).executeTakeFirstOrThrow()
    await mod.save(trx, row.id, detail)
    await recordAudit(trx, actor, {
      action: 'resource.created', entity: 'resource', entityId: row.id, regionCode: row.regionCode,
      after: { ...row, detail: await mod.raw(trx, row.id) },
    })
    return row.id
  })
  return getResource(db, scope, mod, id)
}

/** Whole replacement. Saving a record is also confirming it: its author has just looked at all of it. */
export async function updateResource<In, Values, Out>(
  db: Db, scope: Scope, actor: Actor, who: string, mod: KindModule<In, Values, Out>, id: number, input: ResourceUpdate<In>,
): Promise<ItemWithHistory<Out>> {
  await db.transaction().execute(async (trx) => {
    const before = await lockResource(trx, scope, mod.kind, id)
    if (before.version !== input.version) throw stale(`${RESOURCE_KINDS[mod.kind]}“${before.name}”`)
    const beforeDetail = await mod.raw(trx, id)
    const person = personCheck(trx, scope)
    const base = await baseValues(trx, scope, mod, input, person)
    const detail = await mod.values(input.detail, person, trx)
    const after = await trx.updateTable('resource')
      .set({ ...base, confirmedAt: new Date(), confirmedByName: who, version: sql`version + 1`, updatedAt: new Date() })
      .where('id', '=', id).returning(RESOURCE_COLUMNS).executeTakeFirstOrThrow()
    await mod.save(trx, id, detail)
    await recordAudit(trx, actor, {
      action: 'resource.updated', entity: 'resource', entityId: id, regionCode: after.regionCode,
      before: { ...before, detail: beforeDetail }, after: { ...after, detail: await mod.raw(trx, id) },
    })
  })
  return getResource(db, scope, mod, id)
}

/**
 * Refused while supply lines are kept at the storage point or held by the team. A supplier's
 * agreements go with it (the schema cascades them); the audit entry keeps them.
 */
export async function deleteResource<In, Values, Out>(
  db: Db, scope: Scope, actor: Actor, mod: KindModule<In, Values, Out>, id: number, version: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await lockResource(trx, scope, mod.kind, id)
    const what = `${RESOURCE_KINDS[mod.kind]}“${before.name}”`
    if (before.version !== version) throw stale(what)
    const { n } = await trx.selectFrom('supply').select((eb) => eb.fn.countAll<number>().as('n'))
      .where((eb) => eb.or([eb('storagePointId', '=', id), eb('teamId', '=', id)])).executeTakeFirstOrThrow()
    if (n > 0) throw inUse(`${what}下还登记有 ${n} 条物资装备，请先将这些物资装备调往他处或删除，再删除该记录`)
    const detail = await mod.raw(trx, id)
    const agreements = await trx.selectFrom('supplyAgreement').selectAll().where('supplierId', '=', id).orderBy('id').execute()
    await trx.deleteFrom('resource').where('id', '=', id).execute()
    await recordAudit(trx, actor, {
      action: 'resource.deleted', entity: 'resource', entityId: id, regionCode: before.regionCode,
      before: { ...before, detail, ...(agreements.length > 0 ? { agreements } : {}) },
    })
  })
}
