import { sql } from 'kysely'
import { supplyClassLevel, supplyClassParent } from '../../../domain/resources/supply-classes.js'
import type { Db } from '../../db/database.js'
import { inScope, type Scope } from '../../db/scope.js'
import { AppError, badField, inUse, isUniqueViolation, notFound } from '../../errors.js'
import { recordAudit, type Actor } from '../audit/record.js'
import { requiredText } from '../../shared/input.js'
import type { SupplyClass, SupplyClassInput, SupplyClassUpdate } from './schema.js'

/**
 * The GB/T 38565 class table. It is one table for the whole deployment (a code table, kept by
 * holders of `codes.manage`); only the line counts shown beside it are limited to the caller's
 * jurisdiction.
 */

/** Every class in code order, each with how many lines of the caller's jurisdiction it holds directly. */
export async function listSupplyClasses(db: Db, scope: Scope): Promise<SupplyClass[]> {
  const [classes, counts] = await Promise.all([
    db.selectFrom('supplyClass').select(['code', 'name', 'parentCode', 'level', 'keywords', 'builtin']).orderBy('code').execute(),
    db.selectFrom('supply').select(['classCode', (eb) => eb.fn.countAll<number>().as('n')])
      .where(inScope('regionCode', scope)).groupBy('classCode').execute(),
  ])
  const lineCount = new Map(counts.map((c) => [c.classCode, c.n]))
  return classes.map((c) => ({ ...c, lineCount: lineCount.get(c.code) ?? 0 }))
}

/** Trimmed, distinct, non-empty keywords in the order given. */
function cleanKeywords(keywords: readonly string[]): string[] {
  return [...new Set(keywords.map((k) => k.trim()).filter((k) => k !== ''))]
}

async function findClass(db: Db, code: string) {
  const row = await db.selectFrom('supplyClass').selectAll().where('code', '=', code).forUpdate().executeTakeFirst()
  if (!row) throw notFound('物资分类', code)
  return row
}

/**
 * A local class below the standard's 大类. Its parent follows from the code (1010000 under
 * 1000000, 1010100 under 1010000) and must already exist one level up.
 */
export async function createSupplyClass(db: Db, actor: Actor, input: SupplyClassInput): Promise<SupplyClass> {
  const level = supplyClassLevel(input.code)
  const parentCode = supplyClassParent(input.code)
  if (parentCode === null) throw badField('code', '分类编码', input.code, '是大类编码；大类由国家标准规定，不能新增')
  const name = requiredText('name', '分类名称', input.name)
  return db.transaction().execute(async (trx) => {
    const parent = await trx.selectFrom('supplyClass').select(['code', 'level']).where('code', '=', parentCode).executeTakeFirst()
    if (!parent || parent.level !== level - 1) {
      throw badField('code', '分类编码', input.code, `的上级分类“${parentCode}”不存在，请先建立上级分类`)
    }
    const taken = () => new AppError('DUPLICATE', 409, `分类编码“${input.code}”已存在`, [{ field: 'code', value: input.code }])
    if (await trx.selectFrom('supplyClass').select('code').where('code', '=', input.code).executeTakeFirst()) throw taken()
    const row = await trx.insertInto('supplyClass')
      .values({ code: input.code, name, parentCode, level, keywords: cleanKeywords(input.keywords), builtin: false })
      .returningAll().executeTakeFirstOrThrow()
      .catch((e: unknown) => {
        // Two administrators adding the same code at once.
        throw isUniqueViolation(e, 'supply_class_pkey') ? taken() : e
      })
    await recordAudit(trx, actor, { action: 'supply_class.created', entity: 'supply_class', entityId: row.code, after: row })
    return { ...row, lineCount: 0 }
  })
}

/** Renames a local class or changes keywords; the standard's own classes keep their names. */
export async function updateSupplyClass(db: Db, actor: Actor, code: string, input: SupplyClassUpdate): Promise<SupplyClass> {
  const name = requiredText('name', '分类名称', input.name)
  return db.transaction().execute(async (trx) => {
    const before = await findClass(trx, code)
    if (before.builtin && name !== before.name) {
      throw new AppError('BUILTIN_CLASS', 409, `“${before.name}”是国家标准规定的分类，名称不能修改，只能调整关键词`, [{ field: 'name', value: name }])
    }
    const after = await trx.updateTable('supplyClass').set({ name, keywords: cleanKeywords(input.keywords) })
      .where('code', '=', code).returningAll().executeTakeFirstOrThrow()
    await recordAudit(trx, actor, { action: 'supply_class.updated', entity: 'supply_class', entityId: code, before, after })
    return after
  })
}

/** Removes an unused local class. Usage is counted everywhere, not only in the caller's jurisdiction. */
export async function deleteSupplyClass(db: Db, actor: Actor, code: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await findClass(trx, code)
    if (before.builtin) throw new AppError('BUILTIN_CLASS', 409, `“${before.name}”是国家标准规定的分类，不能删除`)
    const child = await trx.selectFrom('supplyClass').select('code').where('parentCode', '=', code).limit(1).executeTakeFirst()
    if (child) throw inUse(`“${before.name}”下还有下级分类“${child.code}”，请先删除下级分类`)
    const { rows } = await sql<{ used: boolean }>`select exists (select 1 from supply where class_code = ${code})
      or exists (select 1 from supply_agreement where class_code = ${code}) as used`.execute(trx)
    if (rows[0].used) throw inUse(`仍有物资或协议储备归入“${before.name}”，请先将其改归其他分类，再删除`)
    await trx.deleteFrom('supplyClass').where('code', '=', code).execute()
    await recordAudit(trx, actor, { action: 'supply_class.deleted', entity: 'supply_class', entityId: code, before })
  })
}
