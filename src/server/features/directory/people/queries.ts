import { sql, type SqlBool, type Expression } from 'kysely'
import { maskPhone, normaliseLandline, normaliseMobile, phoneDigits } from '../../../../domain/people/phone.js'
import { roleLabels } from '../../../../domain/people/units.js'
import type { Db } from '../../../db/database.js'
import { afterKey, countRows, decodeCursor, keyOf, orderTerms, pageOf, type KeyOrder, type PageInfo } from '../../../db/key-paging.js'
import { inScope, type Scope } from '../../../db/scope.js'
import { badField, inUse, notFound, stale } from '../../../errors.js'
import { recordAudit, type Actor } from '../../audit/record.js'
import { checkRegion, emailField, phoneField, regionFilter, requiredText, text } from '../../../shared/input.js'
import { containsPattern } from '../../../shared/like.js'
import { paging } from '../../../shared/paging.js'
import type { Person, PersonInput, PersonListQuery, PersonUpdate } from '../schema.js'

function selectPeople(db: Db, scope: Scope) {
  return db.selectFrom('person as p')
    .innerJoin('region as r', 'r.code', 'p.regionCode')
    .leftJoin('unit as un', 'un.id', 'p.unitId')
    .select([
      'p.id', 'p.regionCode', 'r.fullName as regionName', 'p.unitId', 'un.name as unitName', 'p.name', 'p.post',
      'p.mobile', 'p.landline', 'p.wechat', 'p.email', 'p.roles', 'p.note', 'p.isDemo', 'p.version', 'p.updatedAt',
    ])
    .where(inScope('p.regionCode', scope))
}
type PersonRow = NonNullable<Awaited<ReturnType<ReturnType<typeof selectPeople>['executeTakeFirst']>>>

/** The reply form: phones always masked; the full numbers only through revealPhones. */
function presentPerson(row: PersonRow): Person {
  return {
    ...row,
    mobile: maskPhone(row.mobile),
    landline: maskPhone(row.landline),
    roleLabels: roleLabels(row.roles),
    updatedAt: row.updatedAt.toISOString(),
  }
}

// Digits-only phones of a person; the expression of the person_phone_trgm_idx index.
const PHONES = sql<string>`(coalesce(p.mobile, '') || ' ' || replace(coalesce(p.landline, ''), '-', ''))`

/**
 * Matching `q` against phone numbers. Someone who may reveal numbers finds them by any run of
 * digits. Anyone else must type the whole number: a substring search would let them recover the
 * masked middle digits by trying, which is what masking is meant to prevent.
 */
function phoneMatch(q: string, canReveal: boolean): Expression<SqlBool> | null {
  const digits = phoneDigits(q)
  if (!/^[\d\s\-+()（）．.＋－]+$/.test(q) || digits.length < 3) return null
  if (canReveal) return sql<SqlBool>`${PHONES} like ${`%${digits}%`}`
  const mobile = normaliseMobile(q)
  if (mobile.ok) return sql<SqlBool>`p.mobile = ${mobile.value}`
  const landline = normaliseLandline(q)
  if (landline.ok) return sql<SqlBool>`p.landline = ${landline.value}`
  return null
}

/** Region, then id: person_list_idx (migration 0020), walked from the cursor. */
const PEOPLE_ORDER: KeyOrder = { name: 'region', columns: [{ ref: 'p.regionCode', type: 'text' }, { ref: 'p.id', type: 'bigint' }] }

/** A page of people in key order (db/key-paging.ts), counted exactly when asked, else up to 1000. */
export async function listPeople(
  db: Db, scope: Scope, query: PersonListQuery, canReveal: boolean,
): Promise<{ items: Person[] } & PageInfo> {
  const within = regionFilter(scope, query.regionCode)
  if (query.after !== undefined && query.page !== undefined && query.page > 1) {
    throw badField('page', '页码', query.page, '不能与“接续位置”（after）同用')
  }
  const q = text(query.q)
  const conditions: Expression<SqlBool>[] = [inScope('p.regionCode', scope), inScope('p.regionCode', within)]
  if (query.unitId !== undefined) conditions.push(sql<SqlBool>`p.unit_id = ${query.unitId}`)
  if (query.role) conditions.push(sql<SqlBool>`p.roles @> array[${query.role}]::text[]`)
  if (q) {
    const pattern = containsPattern(q)
    const phone = phoneMatch(q, canReveal)
    conditions.push(sql<SqlBool>`(${sql.join([
      sql<SqlBool>`p.name ilike ${pattern}`, sql<SqlBool>`un.name ilike ${pattern}`, sql<SqlBool>`p.post ilike ${pattern}`,
      ...(phone ? [phone] : []),
    ], sql` or `)})`)
  }
  const matching = sql<SqlBool>`(${sql.join(conditions, sql` and `)})`
  const { limit, offset } = paging(query)
  let page = selectPeople(db, scope).where(matching).select(keyOf(PEOPLE_ORDER))
  if (query.after !== undefined) page = page.where(afterKey(PEOPLE_ORDER, decodeCursor(PEOPLE_ORDER, query.after)))
  const [found, count] = await Promise.all([
    page.orderBy(orderTerms(PEOPLE_ORDER)).limit(limit + 1).offset(query.after !== undefined ? 0 : offset).execute(),
    countRows(db, db.selectFrom('person as p').leftJoin('unit as un', 'un.id', 'p.unitId').where(matching).select(sql.lit(1).as('one')), query.count),
  ])
  const { rows, next } = pageOf(PEOPLE_ORDER, found, limit)
  return { items: rows.map(presentPerson), next, ...count }
}

export async function getPerson(db: Db, scope: Scope, id: number): Promise<Person> {
  const row = await selectPeople(db, scope).where('p.id', '=', id).executeTakeFirst()
  if (!row) throw notFound('人员', id)
  return presentPerson(row)
}

async function lockPerson(trx: Db, scope: Scope, id: number) {
  const row = await trx.selectFrom('person').selectAll().where('id', '=', id).where(inScope('regionCode', scope)).forUpdate().executeTakeFirst()
  if (!row) throw notFound('人员', id)
  return row
}

/** Form input to column values; stored phones let a masked echo keep the number unchanged. */
async function personValues(trx: Db, scope: Scope, input: PersonInput, stored: { mobile: string | null; landline: string | null }) {
  await checkRegion(trx, scope, input.regionCode)
  const unitId = input.unitId ?? null
  if (unitId !== null) {
    const unit = await trx.selectFrom('unit').select('id').where('id', '=', unitId).where(inScope('regionCode', scope)).executeTakeFirst()
    if (!unit) throw badField('unitId', '所属单位', unitId, '不存在或不在您的辖区内')
  }
  return {
    regionCode: input.regionCode,
    unitId,
    name: requiredText('name', '姓名', input.name),
    post: text(input.post),
    mobile: phoneField('mobile', '手机号码', input.mobile, stored.mobile, 'mobile'),
    landline: phoneField('landline', '固定电话', input.landline, stored.landline, 'landline'),
    wechat: text(input.wechat),
    email: emailField('email', '电子邮箱', input.email),
    roles: input.roles ?? [],
    note: text(input.note),
  }
}

export async function createPerson(db: Db, scope: Scope, actor: Actor, input: PersonInput): Promise<Person> {
  const id = await db.transaction().execute(async (trx) => {
    const values = await personValues(trx, scope, input, { mobile: null, landline: null })
    const row = await trx.insertInto('person').values(values).returningAll().executeTakeFirstOrThrow()
    await recordAudit(trx, actor, { action: 'person.created', entity: 'person', entityId: row.id, regionCode: row.regionCode, after: row })
    return row.id
  })
  return getPerson(db, scope, id)
}

export async function updatePerson(db: Db, scope: Scope, actor: Actor, id: number, input: PersonUpdate): Promise<Person> {
  await db.transaction().execute(async (trx) => {
    const before = await lockPerson(trx, scope, id)
    if (before.version !== input.version) throw stale(`人员“${before.name}”`)
    const values = await personValues(trx, scope, input, before)
    const after = await trx.updateTable('person').set({ ...values, version: sql`version + 1`, updatedAt: new Date() })
      .where('id', '=', id).returningAll().executeTakeFirstOrThrow()
    await recordAudit(trx, actor, { action: 'person.updated', entity: 'person', entityId: id, regionCode: after.regionCode, before, after })
  })
  return getPerson(db, scope, id)
}

export async function deletePerson(db: Db, scope: Scope, actor: Actor, id: number, version: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await lockPerson(trx, scope, id)
    if (before.version !== version) throw stale(`人员“${before.name}”`)
    const groups = await trx.selectFrom('leadingGroupMember as m').innerJoin('leadingGroup as g', 'g.id', 'm.groupId')
      .select('g.name').where('m.personId', '=', id).orderBy('g.id').execute()
    if (groups.length > 0) {
      const names = groups.map((g) => `“${g.name}”`).join('、')
      throw inUse(`“${before.name}”仍是${names}的成员，请先从成员名单中移除，再删除该人员`)
    }
    await trx.deleteFrom('person').where('id', '=', id).execute()
    await recordAudit(trx, actor, { action: 'person.deleted', entity: 'person', entityId: id, regionCode: before.regionCode, before })
  })
}

/** Full numbers for someone about to call; each call leaves an audit entry (PIPL Art. 51). */
export async function revealPersonPhones(
  db: Db, scope: Scope, actor: Actor, id: number,
): Promise<{ mobile: string | null; landline: string | null }> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('person').select(['name', 'regionCode', 'mobile', 'landline'])
      .where('id', '=', id).where(inScope('regionCode', scope)).executeTakeFirst()
    if (!row) throw notFound('人员', id)
    await recordAudit(trx, actor, {
      action: 'person.phone_revealed', entity: 'person', entityId: id, regionCode: row.regionCode,
      after: { name: row.name, fields: ['mobile', 'landline'] },
    })
    return { mobile: row.mobile, landline: row.landline }
  })
}
