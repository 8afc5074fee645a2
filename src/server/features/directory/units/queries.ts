import { sql, type SqlBool } from 'kysely'
import { maskPhone } from '../../../../domain/people/phone.js'
import { checkCreditCode, unitKindLabel } from '../../../../domain/people/units.js'
import type { Db } from '../../../db/database.js'
import { afterKey, countRows, decodeCursor, keyOf, orderTerms, pageOf, type KeyOrder, type PageInfo } from '../../../db/key-paging.js'
import { inScope, type Scope } from '../../../db/scope.js'
import { badField, duplicate, inUse, isUniqueViolation, notFound, stale } from '../../../errors.js'
import { recordAudit, type Actor } from '../../audit/record.js'
import { checkRegion, phoneField, regionFilter, requiredText, text } from '../../../shared/input.js'
import { containsPattern } from '../../../shared/like.js'
import { paging } from '../../../shared/paging.js'
import type { Unit, UnitInput, UnitListQuery, UnitUpdate } from '../schema.js'

function selectUnits(db: Db, scope: Scope) {
  return db.selectFrom('unit as u')
    .innerJoin('region as r', 'r.code', 'u.regionCode')
    .leftJoin('unit as pu', 'pu.id', 'u.parentUnitId')
    .select([
      'u.id', 'u.regionCode', 'r.fullName as regionName', 'u.name', 'u.kind', 'u.creditCode', 'u.address', 'u.phone',
      'u.parentUnitId', 'pu.name as parentUnitName', 'u.isDemo', 'u.version', 'u.updatedAt',
    ])
    .where(inScope('u.regionCode', scope))
}
type UnitRow = NonNullable<Awaited<ReturnType<ReturnType<typeof selectUnits>['executeTakeFirst']>>>

/** The reply form: kind labelled, phone masked. */
function presentUnit(row: UnitRow): Unit {
  return { ...row, kindLabel: unitKindLabel(row.kind), phone: maskPhone(row.phone), updatedAt: row.updatedAt.toISOString() }
}

/** Region, then name: unit_list_idx (migration 0020), walked from the cursor. */
const UNIT_ORDER: KeyOrder = {
  name: 'region', columns: [{ ref: 'u.regionCode', type: 'text' }, { ref: 'u.name', type: 'text' }, { ref: 'u.id', type: 'bigint' }],
}

/** A page of units in key order (db/key-paging.ts), counted exactly when asked, else up to 1000. */
export async function listUnits(db: Db, scope: Scope, query: UnitListQuery): Promise<{ items: Unit[] } & PageInfo> {
  const within = regionFilter(scope, query.regionCode)
  if (query.after !== undefined && query.page !== undefined && query.page > 1) {
    throw badField('page', '页码', query.page, '不能与“接续位置”（after）同用')
  }
  const q = text(query.q)
  const conditions = [inScope('u.regionCode', scope), inScope('u.regionCode', within)]
  if (query.kind) conditions.push(sql<SqlBool>`u.kind = ${query.kind}`)
  // The trigram index on name serves ILIKE '%…%', which is how Chinese names are searched.
  if (q) conditions.push(sql<SqlBool>`u.name ilike ${containsPattern(q)}`)
  const matching = sql<SqlBool>`(${sql.join(conditions, sql` and `)})`
  const { limit, offset } = paging(query)
  let page = selectUnits(db, scope).where(matching).select(keyOf(UNIT_ORDER))
  if (query.after !== undefined) page = page.where(afterKey(UNIT_ORDER, decodeCursor(UNIT_ORDER, query.after)))
  const [found, count] = await Promise.all([
    page.orderBy(orderTerms(UNIT_ORDER)).limit(limit + 1).offset(query.after !== undefined ? 0 : offset).execute(),
    countRows(db, db.selectFrom('unit as u').where(matching).select(sql.lit(1).as('one')), query.count),
  ])
  const { rows, next } = pageOf(UNIT_ORDER, found, limit)
  return { items: rows.map(presentUnit), next, ...count }
}

export async function getUnit(db: Db, scope: Scope, id: number): Promise<Unit> {
  const row = await selectUnits(db, scope).where('u.id', '=', id).executeTakeFirst()
  if (!row) throw notFound('单位', id)
  return presentUnit(row)
}

/** The unit's row, locked for the rest of the transaction; 404 outside the jurisdiction. */
async function lockUnit(trx: Db, scope: Scope, id: number) {
  const row = await trx.selectFrom('unit').selectAll().where('id', '=', id).where(inScope('regionCode', scope)).forUpdate().executeTakeFirst()
  if (!row) throw notFound('单位', id)
  return row
}

/** Form input to column values, refusing what cannot be stored. `id` is set when updating. */
async function unitValues(trx: Db, scope: Scope, input: UnitInput, storedPhone: string | null, id?: number) {
  await checkRegion(trx, scope, input.regionCode)
  const rawCredit = text(input.creditCode)
  let creditCode: string | null = null
  if (rawCredit !== null) {
    const check = checkCreditCode(rawCredit)
    if (!check.ok) throw badField('creditCode', '统一社会信用代码', rawCredit, check.reason)
    creditCode = check.value
  }
  const parentUnitId = input.parentUnitId ?? null
  if (parentUnitId !== null) {
    if (parentUnitId === id) throw badField('parentUnitId', '上级单位', parentUnitId, '不能是本单位')
    const parent = await trx.selectFrom('unit').select('id').where('id', '=', parentUnitId).where(inScope('regionCode', scope)).executeTakeFirst()
    if (!parent) throw badField('parentUnitId', '上级单位', parentUnitId, '不存在或不在您的辖区内')
    if (id !== undefined) {
      // Walk up from the new parent: meeting this unit would make a loop.
      const loop = await trx.withRecursive('up(id, parentUnitId)', (db) => db.selectFrom('unit').select(['id', 'parentUnitId']).where('id', '=', parentUnitId)
        .union(db.selectFrom('unit as x').innerJoin('up', 'up.parentUnitId', 'x.id').select(['x.id', 'x.parentUnitId'])))
        .selectFrom('up').select('id').where('id', '=', id).executeTakeFirst()
      if (loop) throw badField('parentUnitId', '上级单位', parentUnitId, '是本单位的下级，不能互为上级')
    }
  }
  return {
    regionCode: input.regionCode,
    name: requiredText('name', '单位名称', input.name),
    kind: input.kind,
    creditCode,
    address: text(input.address),
    phone: phoneField('phone', '联系电话', input.phone, storedPhone, 'any'),
    parentUnitId,
  }
}

export async function createUnit(db: Db, scope: Scope, actor: Actor, input: UnitInput): Promise<Unit> {
  const id = await db.transaction().execute(async (trx) => {
    const values = await unitValues(trx, scope, input, null)
    const row = await trx.insertInto('unit').values(values).returningAll().executeTakeFirstOrThrow()
      .catch((e: unknown) => { throw isUniqueViolation(e, 'unit_region_name_key') ? duplicate('单位', values.name) : e })
    await recordAudit(trx, actor, { action: 'unit.created', entity: 'unit', entityId: row.id, regionCode: row.regionCode, after: row })
    return row.id
  })
  return getUnit(db, scope, id)
}

export async function updateUnit(db: Db, scope: Scope, actor: Actor, id: number, input: UnitUpdate): Promise<Unit> {
  await db.transaction().execute(async (trx) => {
    const before = await lockUnit(trx, scope, id)
    if (before.version !== input.version) throw stale(`单位“${before.name}”`)
    const values = await unitValues(trx, scope, input, before.phone, id)
    const after = await trx.updateTable('unit').set({ ...values, version: sql`version + 1`, updatedAt: new Date() })
      .where('id', '=', id).returningAll().executeTakeFirstOrThrow()
      .catch((e: unknown) => { throw isUniqueViolation(e, 'unit_region_name_key') ? duplicate('单位', values.name) : e })
    await recordAudit(trx, actor, { action: 'unit.updated', entity: 'unit', entityId: id, regionCode: after.regionCode, before, after })
  })
  return getUnit(db, scope, id)
}

/** Refused while anything still points at the unit: a unit is removed only once it is empty. */
export async function deleteUnit(db: Db, scope: Scope, actor: Actor, id: number, version: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await lockUnit(trx, scope, id)
    if (before.version !== version) throw stale(`单位“${before.name}”`)
    const { people } = await trx.selectFrom('person').select((eb) => eb.fn.countAll<number>().as('people'))
      .where('unitId', '=', id).executeTakeFirstOrThrow()
    if (people > 0) throw inUse(`单位“${before.name}”下还有 ${people} 名人员，请先删除这些人员或将其调往其他单位，再删除该单位`)
    const child = await trx.selectFrom('unit').select('name').where('parentUnitId', '=', id).orderBy('id').executeTakeFirst()
    if (child) throw inUse(`单位“${before.name}”是“${child.name}”等单位的上级单位，请先修改这些单位的上级单位，再删除该单位`)
    const group = await trx.selectFrom('leadingGroup').select('name').where('officeUnitId', '=', id).orderBy('id').executeTakeFirst()
    if (group) throw inUse(`单位“${before.name}”是“${group.name}”的办公室所在单位，请先修改该领导小组，再删除该单位`)
    await trx.deleteFrom('unit').where('id', '=', id).execute()
    await recordAudit(trx, actor, { action: 'unit.deleted', entity: 'unit', entityId: id, regionCode: before.regionCode, before })
  })
}

/** The full number, for someone allowed to call it; every look is audited. */
export async function revealUnitPhone(db: Db, scope: Scope, actor: Actor, id: number): Promise<{ phone: string | null }> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('unit').select(['phone', 'regionCode', 'name']).where('id', '=', id).where(inScope('regionCode', scope)).executeTakeFirst()
    if (!row) throw notFound('单位', id)
    await recordAudit(trx, actor, { action: 'unit.phone_revealed', entity: 'unit', entityId: id, regionCode: row.regionCode, after: { name: row.name } })
    return { phone: row.phone }
  })
}
