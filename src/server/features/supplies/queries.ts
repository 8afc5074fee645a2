import { sql, type RawBuilder, type SqlBool } from 'kysely'
import { auditActionLabel } from '../../../domain/audit/actions.js'
import { maskPhone } from '../../../domain/people/phone.js'
import { CONDITIONS, label, MOVEMENT_KINDS, RESERVE_FORMS } from '../../../domain/resources/kinds.js'
import { classifySupplyName, OTHER_SUPPLY_CLASS, supplyClassLevel } from '../../../domain/resources/supply-classes.js'
import type { Db } from '../../db/database.js'
import { afterKey, countInfo, countRows, decodeCursor, keyOf, orderTerms, pageOf, type KeyColumn, type KeyOrder } from '../../db/key-paging.js'
import { inScope, type Scope } from '../../db/scope.js'
import { badField, notFound, stale } from '../../errors.js'
import { recordAudit, type Actor } from '../audit/record.js'
import { checkRegion, regionFilter, requiredText, text } from '../../shared/input.js'
import { containsPattern } from '../../shared/like.js'
import { paging } from '../../shared/paging.js'
import { freshnessDays, isStale } from '../resources/freshness.js'
import { bookMovement } from './movements.js'
import type { Movement, MovementListQuery, Supply, SupplyDetail, SupplyInput, SupplyListQuery, SupplyPage, SupplyUpdate } from './schema.js'
import { chinaToday } from '../../../domain/calendar.js'

/** What "now" means for the derived flags of one request. */
type Clock = { today: string; freshDays: number }

async function clockOf(db: Db): Promise<Clock> {
  return { today: chinaToday(), freshDays: await freshnessDays(db) }
}

const expiredSql = (today: string) => sql<boolean>`coalesce(s.expires_on < ${today}::date, false)`
// Scrapped gear is not maintained any more.
const maintenanceDueSql = (today: string) => sql<boolean>`(s.maintenance_cycle_days is not null and s.condition <> 'scrapped'
  and (s.maintained_on is null or s.maintained_on + s.maintenance_cycle_days <= ${today}::date))`

type ContactRow = { id: number; name: string; post: string | null; mobile: string | null }

/** A person a line points at, as one JSON value. */
const contactOf = (column: string) =>
  sql<ContactRow | null>`(select json_build_object('id', p.id, 'name', p.name, 'post', p.post, 'mobile', p.mobile) from person p where p.id = ${sql.ref(column)})`

/**
 * Lines with the names they point at. The names are scalar subqueries rather than eight joins: a
 * page asks them for its 20 lines only, and a join of nine tables costs PostgreSQL some 20 ms to
 * plan on every request, fifty times what the page then takes to read.
 */
function selectSupplies(db: Db, scope: Scope, clock: Clock) {
  const nameOf = (table: 'resource' | 'unit', column: string) =>
    sql<string | null>`(select x.name from ${sql.table(table)} x where x.id = ${sql.ref(column)})`
  return db.selectFrom('supply as s')
    .select([
      's.id', 's.regionCode', sql<string>`(select r.full_name from region r where r.code = s.region_code)`.as('regionName'),
      's.classCode', sql<string>`(select c.name from supply_class c where c.code = s.class_code)`.as('className'),
      // The 大类 is the first digit followed by zeros (GB/T 38565).
      sql<string | null>`(select c.name from supply_class c where c.code = left(s.class_code, 1) || '000000')`.as('topClassName'),
      's.name', 's.specification', 's.unit', 's.isEquipment', 's.storagePointId', nameOf('resource', 's.storagePointId').as('storagePointName'),
      's.teamId', nameOf('resource', 's.teamId').as('teamName'), 's.holderUnitId', nameOf('unit', 's.holderUnitId').as('holderUnitName'),
      's.reserveForm', 's.condition', 's.quantity', 's.purchasedOn', 's.expiresOn', 's.maintainedOn', 's.maintenanceCycleDays',
      contactOf('s.responsiblePersonId').as('responsiblePerson'), contactOf('s.liaisonPersonId').as('liaisonPerson'),
      's.address', 's.lng', 's.lat', 's.note', 's.confirmedAt', 's.confirmedByName', 's.isDemo', 's.version', 's.updatedAt',
      expiredSql(clock.today).as('expired'),
      sql<number | null>`(s.expires_on - ${clock.today}::date)`.as('daysToExpiry'),
      maintenanceDueSql(clock.today).as('maintenanceDue'),
      isStale('s.confirmedAt', clock.freshDays).$castTo<boolean>().as('stale'),
    ])
    .where(inScope('s.regionCode', scope))
}
type SupplyRow = NonNullable<Awaited<ReturnType<ReturnType<typeof selectSupplies>['executeTakeFirst']>>>

function contact(c: ContactRow | null) {
  return c === null ? null : { id: c.id, name: c.name, post: c.post, mobile: maskPhone(c.mobile) }
}

/** The reply form: labels added, contacts' phones masked. */
function presentSupply(row: SupplyRow): Supply {
  const { responsiblePerson, liaisonPerson, ...rest } = row
  return {
    ...rest,
    topClassName: row.topClassName ?? row.className,
    reserveFormLabel: label(RESERVE_FORMS, row.reserveForm),
    conditionLabel: label(CONDITIONS, row.condition),
    responsible: contact(responsiblePerson),
    liaison: contact(liaisonPerson),
    confirmedAt: row.confirmedAt?.toISOString() ?? null,
    updatedAt: row.updatedAt.toISOString(),
  }
}

/** Digits of a class code that its subclasses share: 2010000 → "201". */
export function classPrefix(code: string): string {
  return code.slice(0, [1, 3, 5, 7][supplyClassLevel(code) - 1])
}

/** List orders, each ending with the id so that every row has one place (key paging). */
const ORDERS: Record<string, { type: KeyColumn['type']; nullable: boolean }> = {
  name: { type: 'text', nullable: false },
  quantity: { type: 'numeric', nullable: false },
  expiresOn: { type: 'date', nullable: true },
  updatedAt: { type: 'timestamptz', nullable: false },
}

function listOrder(query: SupplyListQuery): KeyOrder {
  if (!query.sort) {
    // Region, then name: the order supply_list_idx (migration 0020) keeps, walked from the cursor.
    return { name: 'region', columns: [{ ref: 's.regionCode', type: 'text' }, { ref: 's.name', type: 'text' }, { ref: 's.id', type: 'bigint' }] }
  }
  const o = ORDERS[query.sort]
  const desc = query.order === 'desc'
  return {
    name: `${query.sort}:${desc ? 'desc' : 'asc'}`,
    columns: [
      { ref: `s.${query.sort}`, type: o.type, desc, ...(o.nullable ? { nulls: 'last' as const } : {}) },
      { ref: 's.id', type: 'bigint' },
    ],
  }
}

/** Digits of a region prefix whose lines supply_tally counts: the first kept level not shorter than the prefix. */
const TALLY_LEVELS = [4, 6, 9]

/**
 * The exact count from supply_tally when the list is narrowed only by region and by the
 * columns the tally keeps (class, 装备, condition); null when other filters apply or the region
 * is a village, whose lines are few enough to count.
 */
async function tallyCount(db: Db, scope: Scope, within: Scope, query: SupplyListQuery): Promise<number | null> {
  const { q, reserveForm, storagePointId, teamId, expiringWithinDays, expired, maintenanceDue, fresh } = query
  if ([reserveForm, storagePointId, teamId, expiringWithinDays, expired, maintenanceDue, fresh].some((f) => f !== undefined) || text(q)) return null
  const prefix = within.prefix.length >= scope.prefix.length ? within.prefix : scope.prefix
  const level = TALLY_LEVELS.find((l) => l >= prefix.length)
  if (level === undefined) return null
  let rows = db.selectFrom('supplyTally as t').where('t.level', '=', level).where('t.key', 'like', `${prefix}%`)
  if (query.classCode) rows = rows.where('t.classCode', 'like', `${classPrefix(query.classCode)}%`)
  if (query.isEquipment !== undefined) rows = rows.where('t.isEquipment', '=', query.isEquipment)
  if (query.condition) rows = rows.where('t.condition', '=', query.condition)
  const { n } = await rows.select((eb) => eb.fn.coalesce(eb.fn.sum<number>('t.lines'), sql<number>`0`).as('n')).executeTakeFirstOrThrow()
  return Number(n)
}

/**
 * A page of supply lines in key order (db/key-paging.ts): from `after`, or by `page` for callers
 * that jump. The count is exact when asked, when the tallies know it, or when it is small;
 * otherwise it says “超过 1000”.
 */
export async function listSupplies(db: Db, scope: Scope, query: SupplyListQuery): Promise<SupplyPage> {
  const within = regionFilter(scope, query.regionCode)
  if (query.after !== undefined && query.page !== undefined && query.page > 1) {
    throw badField('page', '页码', query.page, '不能与“接续位置”（after）同用')
  }
  const clock = await clockOf(db)
  const q = text(query.q)
  const today = clock.today
  const ref = (c: string) => sql.ref(`s.${c}`)
  const conditions: RawBuilder<SqlBool>[] = [inScope('s.regionCode', scope), inScope('s.regionCode', within)]
  // Names only: the trigram index on supply.name serves this; a second column would force a scan.
  if (q) conditions.push(sql<SqlBool>`${ref('name')} ilike ${containsPattern(q)}`)
  if (query.classCode) conditions.push(sql<SqlBool>`${ref('classCode')} like ${`${classPrefix(query.classCode)}%`}`)
  if (query.isEquipment !== undefined) conditions.push(sql<SqlBool>`${ref('isEquipment')} = ${query.isEquipment}`)
  if (query.condition) conditions.push(sql<SqlBool>`${ref('condition')} = ${query.condition}`)
  if (query.reserveForm) conditions.push(sql<SqlBool>`${ref('reserveForm')} = ${query.reserveForm}`)
  if (query.storagePointId !== undefined) conditions.push(sql<SqlBool>`${ref('storagePointId')} = ${query.storagePointId}`)
  if (query.teamId !== undefined) conditions.push(sql<SqlBool>`${ref('teamId')} = ${query.teamId}`)
  if (query.expiringWithinDays !== undefined) {
    conditions.push(sql<SqlBool>`s.expires_on between ${today}::date and ${today}::date + ${query.expiringWithinDays}::int`)
  }
  if (query.expired !== undefined) conditions.push(query.expired ? expiredSql(today) : sql<SqlBool>`not ${expiredSql(today)}`)
  if (query.maintenanceDue !== undefined) {
    conditions.push(query.maintenanceDue ? maintenanceDueSql(today) : sql<SqlBool>`not ${maintenanceDueSql(today)}`)
  }
  if (query.fresh !== undefined) {
    conditions.push(query.fresh ? sql<SqlBool>`not ${isStale('s.confirmedAt', clock.freshDays)}` : isStale('s.confirmedAt', clock.freshDays))
  }
  const matching = sql<SqlBool>`(${sql.join(conditions, sql` and `)})`
  const order = listOrder(query)
  const { limit, offset } = paging(query)
  let page = selectSupplies(db, scope, clock).where(matching).select(keyOf(order))
  if (query.after !== undefined) page = page.where(afterKey(order, decodeCursor(order, query.after)))
  const rows = page.orderBy(orderTerms(order)).limit(limit + 1).offset(query.after !== undefined ? 0 : offset).execute()

  const tallied = query.count === 'exact' ? null : tallyCount(db, scope, within, query)
  const counted = Promise.resolve(tallied).then((n) => n !== null && n !== undefined ? countInfo(n, true)
    : countRows(db, db.selectFrom('supply as s').where(matching).select(sql.lit(1).as('one')), query.count))
  const [found, count] = await Promise.all([rows, counted])
  const { rows: items, next } = pageOf(order, found, limit)
  return { items: items.map(presentSupply), next, ...count }
}

export async function getSupply(db: Db, scope: Scope, id: number): Promise<Supply> {
  const row = await selectSupplies(db, scope, await clockOf(db)).where('s.id', '=', id).executeTakeFirst()
  if (!row) throw notFound('物资', id)
  return presentSupply(row)
}

function presentMovement(m: {
  id: number; kind: string; delta: number; balance: number; reason: string; actorName: string; at: Date; counterpartSupplyId: number | null
}): Movement {
  return { ...m, kindLabel: label(MOVEMENT_KINDS, m.kind), at: m.at.toISOString() }
}

function selectMovements(db: Db, supplyId: number) {
  return db.selectFrom('stockMovement')
    .select(['id', 'kind', 'delta', 'balance', 'reason', 'actorName', 'at', 'counterpartSupplyId'])
    .where('supplyId', '=', supplyId)
}

export async function getSupplyDetail(db: Db, scope: Scope, id: number): Promise<SupplyDetail> {
  const supply = await getSupply(db, scope, id)
  const [movements, history] = await Promise.all([
    selectMovements(db, id).orderBy('id', 'desc').limit(50).execute(),
    db.selectFrom('auditLog').select(['id', 'at', 'action', 'actorName'])
      .where('entity', '=', 'supply').where('entityId', '=', String(id)).orderBy('id', 'desc').limit(50).execute(),
  ])
  return {
    ...supply,
    movements: movements.map(presentMovement),
    history: history.map((h) => ({ ...h, at: h.at.toISOString(), actionLabel: auditActionLabel(h.action) })),
  }
}

export async function listMovements(db: Db, scope: Scope, id: number, query: MovementListQuery): Promise<{ items: Movement[]; total: number }> {
  const supply = await db.selectFrom('supply').select('id').where('id', '=', id).where(inScope('regionCode', scope)).executeTakeFirst()
  if (!supply) throw notFound('物资', id)
  const { limit, offset } = paging(query)
  const [rows, count] = await Promise.all([
    selectMovements(db, id).orderBy('id', 'desc').limit(limit).offset(offset).execute(),
    db.selectFrom('stockMovement').select((eb) => eb.fn.countAll<number>().as('n')).where('supplyId', '=', id).executeTakeFirstOrThrow(),
  ])
  return { items: rows.map(presentMovement), total: count.n }
}

/** The class for a line: the one given (which must exist), else by keywords in the name, else 其他. */
async function classFor(db: Db, classCode: string | null | undefined, name: string): Promise<string> {
  if (classCode) {
    const found = await db.selectFrom('supplyClass').select('code').where('code', '=', classCode).executeTakeFirst()
    if (!found) throw badField('classCode', '物资分类', classCode, '不存在')
    return classCode
  }
  const classes = await db.selectFrom('supplyClass').select(['code', 'name', 'keywords']).execute()
  return classifySupplyName(name, classes) ?? OTHER_SUPPLY_CLASS
}

/** A `resource` row of one kind, in scope: a line's storage point or team. */
async function scopedResource(db: Db, scope: Scope, id: number, kind: 'storage_point' | 'team', key: string, title: string) {
  const row = await db.selectFrom('resource').select(['id', 'lng', 'lat'])
    .where('id', '=', id).where('kind', '=', kind).where(inScope('regionCode', scope)).executeTakeFirst()
  if (!row) throw badField(key, title, id, '不存在或不在您的辖区内')
  return row
}

async function checkPerson(db: Db, scope: Scope, id: number | null | undefined, key: string, title: string): Promise<number | null> {
  if (id == null) return null
  const row = await db.selectFrom('person').select('id').where('id', '=', id).where(inScope('regionCode', scope)).executeTakeFirst()
  if (!row) throw badField(key, title, id, '不存在或不在您的辖区内')
  return id
}

/** Form input to column values (all but quantity), checked against the user's jurisdiction. */
async function supplyValues(db: Db, scope: Scope, input: SupplyUpdate | SupplyInput) {
  await checkRegion(db, scope, input.regionCode)
  const name = requiredText('name', '名称', input.name)
  const unit = requiredText('unit', '计量单位', input.unit)
  const storagePoint = input.storagePointId == null ? null
    : await scopedResource(db, scope, input.storagePointId, 'storage_point', 'storagePointId', '储备点')
  if (input.teamId != null) await scopedResource(db, scope, input.teamId, 'team', 'teamId', '所属队伍')
  if (input.holderUnitId != null) {
    const holder = await db.selectFrom('unit').select('id').where('id', '=', input.holderUnitId).where(inScope('regionCode', scope)).executeTakeFirst()
    if (!holder) throw badField('holderUnitId', '管理单位', input.holderUnitId, '不存在或不在您的辖区内')
  }
  const purchasedOn = input.purchasedOn ?? null
  const expiresOn = input.expiresOn ?? null
  if (purchasedOn && expiresOn && expiresOn < purchasedOn) throw badField('expiresOn', '有效期至', expiresOn, `早于购置日期 ${purchasedOn}`)
  let lng = input.lng ?? null
  let lat = input.lat ?? null
  if ((lng === null) !== (lat === null)) throw badField(lng === null ? 'lng' : 'lat', lng === null ? '经度' : '纬度', null, '应与另一坐标一起填写')
  // A line kept at a storage point is where the point is, unless placed more precisely.
  if (lng === null && storagePoint) ({ lng, lat } = storagePoint)
  return {
    regionCode: input.regionCode,
    classCode: await classFor(db, input.classCode, name),
    name,
    specification: text(input.specification),
    unit,
    isEquipment: input.isEquipment ?? false,
    storagePointId: input.storagePointId ?? null,
    teamId: input.teamId ?? null,
    holderUnitId: input.holderUnitId ?? null,
    reserveForm: input.reserveForm ?? 'physical',
    condition: input.condition ?? 'good',
    purchasedOn,
    expiresOn,
    maintainedOn: input.maintainedOn ?? null,
    maintenanceCycleDays: input.maintenanceCycleDays ?? null,
    responsiblePersonId: await checkPerson(db, scope, input.responsiblePersonId, 'responsiblePersonId', '责任人'),
    liaisonPersonId: await checkPerson(db, scope, input.liaisonPersonId, 'liaisonPersonId', '联络人'),
    address: text(input.address),
    lng,
    lat,
    note: text(input.note),
  }
}

/** A new line; its opening stock is booked as an 入库 movement “建账”. Entering it confirms it. */
export async function createSupply(db: Db, scope: Scope, actor: Actor, input: SupplyInput): Promise<Supply> {
  const id = await db.transaction().execute(async (trx) => {
    const values = await supplyValues(trx, scope, input)
    const row = await trx.insertInto('supply')
      .values({ ...values, quantity: 0, confirmedAt: new Date(), confirmedByName: actor.name })
      .returningAll().executeTakeFirstOrThrow()
    const after = await bookMovement(trx, actor, row.id, { kind: 'in', delta: input.quantity, reason: '建账' })
    await recordAudit(trx, actor, { action: 'supply.created', entity: 'supply', entityId: row.id, regionCode: row.regionCode, after: { ...row, quantity: after.quantity } })
    return row.id
  })
  return getSupply(db, scope, id)
}

async function lockSupply(trx: Db, scope: Scope, id: number) {
  const row = await trx.selectFrom('supply').selectAll().where('id', '=', id).where(inScope('regionCode', scope)).forUpdate().executeTakeFirst()
  if (!row) throw notFound('物资', id)
  return row
}

export async function updateSupply(db: Db, scope: Scope, actor: Actor, id: number, input: SupplyUpdate): Promise<Supply> {
  await db.transaction().execute(async (trx) => {
    const before = await lockSupply(trx, scope, id)
    if (before.version !== input.version) throw stale(`物资“${before.name}”`)
    const values = await supplyValues(trx, scope, input)
    const after = await trx.updateTable('supply')
      .set({ ...values, confirmedAt: new Date(), confirmedByName: actor.name, version: sql`version + 1`, updatedAt: new Date() })
      .where('id', '=', id).returningAll().executeTakeFirstOrThrow()
    await recordAudit(trx, actor, { action: 'supply.updated', entity: 'supply', entityId: id, regionCode: after.regionCode, before, after })
  })
  return getSupply(db, scope, id)
}

/** Removes a mis-entered line with its ledger; transfers on other lines keep their entries, unlinked. */
export async function deleteSupply(db: Db, scope: Scope, actor: Actor, id: number, version: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await lockSupply(trx, scope, id)
    if (before.version !== version) throw stale(`物资“${before.name}”`)
    await trx.updateTable('stockMovement').set({ counterpartSupplyId: null }).where('counterpartSupplyId', '=', id).execute()
    await trx.deleteFrom('supply').where('id', '=', id).execute()
    await recordAudit(trx, actor, { action: 'supply.deleted', entity: 'supply', entityId: id, regionCode: before.regionCode, before })
  })
}
