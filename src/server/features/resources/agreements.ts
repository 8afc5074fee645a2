import { sql, type SqlBool } from 'kysely'
import type { Db } from '../../db/database.js'
import { inScope, type Scope } from '../../db/scope.js'
import { badField, notFound, stale } from '../../errors.js'
import { recordAudit, type Actor } from '../audit/record.js'
import { checkRegion, regionFilter, requiredText, text } from '../../shared/input.js'
import { paging } from '../../shared/paging.js'
import type { Agreement, AgreementInput, AgreementListQuery, AgreementUpdate } from './agreements-schema.js'
import { chinaToday } from '../../../domain/calendar.js'

/** An agreement this close to its end date is flagged, so it is renewed in time. */
export const AGREEMENT_ENDING_DAYS = 30

/** Started (or no start date) and not yet ended on `today`; `alias` names supply_agreement. */
export function agreementInForce(today: string, alias = 'a') {
  const starts = sql.ref(`${alias}.startsOn`)
  const ends = sql.ref(`${alias}.endsOn`)
  return sql<SqlBool>`((${starts} is null or ${starts} <= ${today}::date) and (${ends} is null or ${ends} >= ${today}::date))`
}

/** Ends between `today` and `days` days later, both included. */
export function agreementEndingWithin(today: string, days: number, alias = 'a') {
  const ends = sql.ref(`${alias}.endsOn`)
  return sql<SqlBool>`(${ends} between ${today}::date and ${today}::date + ${days}::int)`
}

function selectAgreements(db: Db, scope: Scope, today: string) {
  return db.selectFrom('supplyAgreement as a')
    .innerJoin('resource as s', (j) => j.onRef('s.id', '=', 'a.supplierId').on(inScope('s.regionCode', scope)))
    .innerJoin('region as g', 'g.code', 'a.regionCode')
    .leftJoin('supplyClass as c', 'c.code', 'a.classCode')
    .select([
      'a.id', 'a.supplierId', 's.name as supplierName', 'a.regionCode', 'g.fullName as regionName', 'a.classCode', 'c.name as className',
      'a.itemName', 'a.quantity', 'a.unit', 'a.startsOn', 'a.endsOn', 'a.responseHours', 'a.version', 'a.updatedAt',
      sql<number | null>`a.ends_on - ${today}::date`.as('daysLeft'),
    ])
    .where(inScope('a.regionCode', scope))
}
type AgreementRow = NonNullable<Awaited<ReturnType<ReturnType<typeof selectAgreements>['executeTakeFirst']>>>

function presentAgreement(row: AgreementRow): Agreement {
  const { daysLeft } = row
  return {
    ...row,
    ending: daysLeft !== null && daysLeft >= 0 && daysLeft <= AGREEMENT_ENDING_DAYS,
    ended: daysLeft !== null && daysLeft < 0,
    updatedAt: row.updatedAt.toISOString(),
  }
}

/** Agreements signed in the jurisdiction with suppliers in it; the soonest to end first. */
export async function listAgreements(db: Db, scope: Scope, query: AgreementListQuery): Promise<{ items: Agreement[]; total: number }> {
  const within = regionFilter(scope, query.regionCode)
  const today = chinaToday()
  const base = db.selectFrom('supplyAgreement as a')
    .innerJoin('resource as s', (j) => j.onRef('s.id', '=', 'a.supplierId').on(inScope('s.regionCode', scope)))
    .where(inScope('a.regionCode', scope)).where(inScope('a.regionCode', within))
    .$if(query.supplierId !== undefined, (q) => q.where('a.supplierId', '=', query.supplierId!))
    .$if(query.endingWithinDays !== undefined, (q) => q.where(agreementEndingWithin(today, query.endingWithinDays!)))
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow()
  const { limit, offset } = paging(query)
  const rows = await selectAgreements(db, scope, today).where('a.id', 'in', base.select('a.id'))
    .orderBy('a.endsOn', (ob) => ob.asc().nullsLast()).orderBy('a.id').limit(limit).offset(offset).execute()
  return { items: rows.map(presentAgreement), total }
}

export async function getAgreement(db: Db, scope: Scope, id: number): Promise<Agreement> {
  const row = await selectAgreements(db, scope, chinaToday()).where('a.id', '=', id).executeTakeFirst()
  if (!row) throw notFound('保供协议', id)
  return presentAgreement(row)
}

async function lockAgreement(trx: Db, scope: Scope, id: number) {
  const row = await trx.selectFrom('supplyAgreement as a')
    .innerJoin('resource as s', (j) => j.onRef('s.id', '=', 'a.supplierId').on(inScope('s.regionCode', scope)))
    .selectAll('a').where('a.id', '=', id).where(inScope('a.regionCode', scope)).forUpdate('a').executeTakeFirst()
  if (!row) throw notFound('保供协议', id)
  return row
}

/** Form input to columns: the supplier must be a 保供单位 in the jurisdiction. */
async function agreementValues(trx: Db, scope: Scope, input: AgreementInput) {
  if (input.regionCode !== undefined) await checkRegion(trx, scope, input.regionCode)
  const supplier = await trx.selectFrom('resource').select(['id', 'regionCode'])
    .where('id', '=', input.supplierId).where('kind', '=', 'supplier').where(inScope('regionCode', scope)).executeTakeFirst()
  if (!supplier) throw badField('supplierId', '保供单位', input.supplierId, '不存在、不是保供单位或不在您的辖区内')
  const classCode = text(input.classCode)
  if (classCode !== null) {
    const found = await trx.selectFrom('supplyClass').select('code').where('code', '=', classCode).executeTakeFirst()
    if (!found) throw badField('classCode', '物资分类', classCode, '不存在')
  }
  const startsOn = input.startsOn ?? null
  const endsOn = input.endsOn ?? null
  if (startsOn !== null && endsOn !== null && endsOn < startsOn) {
    throw badField('endsOn', '协议截止日期', endsOn, `早于协议开始日期“${startsOn}”`)
  }
  return {
    supplierId: supplier.id,
    regionCode: input.regionCode ?? supplier.regionCode,
    classCode,
    itemName: requiredText('itemName', '协议物资', input.itemName),
    quantity: input.quantity ?? null,
    unit: text(input.unit),
    startsOn,
    endsOn,
    responseHours: input.responseHours ?? null,
  }
}

export async function createAgreement(db: Db, scope: Scope, actor: Actor, input: AgreementInput): Promise<Agreement> {
  const id = await db.transaction().execute(async (trx) => {
    const values = await agreementValues(trx, scope, input)
    const row = await trx.insertInto('supplyAgreement').values(values).returningAll().executeTakeFirstOrThrow()
    await recordAudit(trx, actor, { action: 'agreement.created', entity: 'agreement', entityId: row.id, regionCode: row.regionCode, after: row })
    return row.id
  })
  return getAgreement(db, scope, id)
}

export async function updateAgreement(db: Db, scope: Scope, actor: Actor, id: number, input: AgreementUpdate): Promise<Agreement> {
  await db.transaction().execute(async (trx) => {
    const before = await lockAgreement(trx, scope, id)
    if (before.version !== input.version) throw stale(`保供协议“${before.itemName}”`)
    const values = await agreementValues(trx, scope, input)
    const after = await trx.updateTable('supplyAgreement').set({ ...values, version: sql`version + 1`, updatedAt: new Date() })
      .where('id', '=', id).returningAll().executeTakeFirstOrThrow()
    await recordAudit(trx, actor, { action: 'agreement.updated', entity: 'agreement', entityId: id, regionCode: after.regionCode, before, after })
  })
  return getAgreement(db, scope, id)
}

export async function deleteAgreement(db: Db, scope: Scope, actor: Actor, id: number, version: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await lockAgreement(trx, scope, id)
    if (before.version !== version) throw stale(`保供协议“${before.itemName}”`)
    await trx.deleteFrom('supplyAgreement').where('id', '=', id).execute()
    await recordAudit(trx, actor, { action: 'agreement.deleted', entity: 'agreement', entityId: id, regionCode: before.regionCode, before })
  })
}
