import { sql } from 'kysely'
import { MOVEMENT_KINDS, type MovementKind } from '../../../domain/resources/kinds.js'
import type { Db } from '../../db/database.js'
import { inScope, type Scope } from '../../db/scope.js'
import { AppError, badField, notFound, stale } from '../../errors.js'
import { recordAudit, type Actor } from '../audit/record.js'
import { requiredText } from '../../shared/input.js'

/**
 * The stock ledger (出入库台账). `supply.quantity` is the running balance of `stock_movement`;
 * this file is the only code that changes it, always together with the movement row, in the
 * caller's transaction, with the line locked.
 *
 * Arithmetic is done by PostgreSQL in `numeric`, so 0.1 t + 0.2 t of sand is 0.3 t.
 */

type Amount = { kind: Exclude<MovementKind, 'count'>; delta: number } | { kind: 'count'; counted: number }

/**
 * Writes one movement and moves the balance by it. The line must be locked by the caller (or
 * just created by it). Returns the new balance.
 */
export async function bookMovement(
  trx: Db, actor: Actor, supplyId: number, amount: Amount & { reason: string; counterpartSupplyId?: number | null },
): Promise<{ quantity: number; delta: number }> {
  // A count states the total; its movement is the difference from what was booked.
  const delta = amount.kind === 'count' ? sql`${amount.counted}::numeric - s.quantity` : sql`${amount.delta}::numeric`
  const { rows } = await sql<{ quantity: number; delta: number }>`
    with m as (
      insert into stock_movement (supply_id, kind, delta, balance, reason, counterpart_supply_id, actor_id, actor_name)
      select s.id, ${amount.kind}::text, d.delta, s.quantity + d.delta, ${amount.reason}::text,
        ${amount.counterpartSupplyId ?? null}::bigint, ${actor.id}::bigint, ${actor.name}::text
      from supply s cross join lateral (select ${delta} as delta) d
      where s.id = ${supplyId}
      returning supply_id, delta, balance
    )
    update supply s set quantity = m.balance, version = s.version + 1, updated_at = now()
    from m where s.id = m.supply_id
    returning s.quantity, m.delta`.execute(trx)
  if (rows.length === 0) throw new Error(`supply ${supplyId} vanished while locked`)
  return rows[0]
}

const shortage = (name: string, unit: string, stock: number, kind: string, wanted: number) =>
  new AppError('INSUFFICIENT_STOCK', 409, `库存不足：“${name}”现有 ${stock} ${unit}，不能${kind} ${wanted} ${unit}`,
    [{ field: 'quantity', value: wanted }])

/**
 * Locks lines in id order, so that two transfers between the same lines in opposite directions
 * queue instead of deadlocking. `enough` says whether each has `need` in stock.
 */
async function lockLines(trx: Db, scope: Scope, ids: number[], need: number) {
  return trx.selectFrom('supply')
    .select(['id', 'regionCode', 'name', 'specification', 'unit', 'condition', 'quantity', 'version', 'storagePointId',
      sql<boolean>`quantity >= ${need}::numeric`.as('enough')])
    .where('id', 'in', ids).where(inScope('regionCode', scope))
    .orderBy('id').forUpdate().execute()
}

async function lockLine(trx: Db, scope: Scope, id: number, need: number) {
  const [row] = await lockLines(trx, scope, [id], need)
  if (!row) throw notFound('物资', id)
  return row
}

export type StockMove = { kind: 'in' | 'out' | 'loss'; quantity: number; reason: string; version: number }

/**
 * 入库, 出库 or 报损, made against the version of the line the keeper saw: a line that changed
 * meanwhile (another keeper's 出库, a count, an edit) is refused as stale, so nobody books
 * against stock they have not seen. One that would overdraw is refused with the stock there is.
 */
export async function moveStock(db: Db, scope: Scope, actor: Actor, id: number, m: StockMove): Promise<void> {
  const reason = requiredText('reason', '事由', m.reason)
  if (!(m.quantity > 0)) throw badField('quantity', '数量', m.quantity, '必须大于 0')
  await db.transaction().execute(async (trx) => {
    const line = await lockLine(trx, scope, id, m.quantity)
    if (line.version !== m.version) throw stale(`物资“${line.name}”`)
    if (m.kind !== 'in' && !line.enough) throw shortage(line.name, line.unit, line.quantity, MOVEMENT_KINDS[m.kind], m.quantity)
    const delta = m.kind === 'in' ? m.quantity : -m.quantity
    const after = await bookMovement(trx, actor, id, { kind: m.kind, delta, reason })
    await recordAudit(trx, actor, {
      action: 'supply.stock_moved', entity: 'supply', entityId: id, regionCode: line.regionCode,
      before: { quantity: line.quantity }, after: { kind: m.kind, delta: after.delta, quantity: after.quantity, reason },
    })
  })
}

export type StockCount = { counted: number; reason: string; version: number }

/**
 * 盘点: the counted total replaces the booked one, the difference is the movement. It states an
 * absolute figure, so it must be made against the version the counter saw; it also confirms
 * the line as current.
 */
export async function countStock(db: Db, scope: Scope, actor: Actor, id: number, c: StockCount): Promise<void> {
  const reason = requiredText('reason', '事由', c.reason)
  await db.transaction().execute(async (trx) => {
    const line = await lockLine(trx, scope, id, 0)
    if (line.version !== c.version) throw stale(`物资“${line.name}”`)
    const after = await bookMovement(trx, actor, id, { kind: 'count', counted: c.counted, reason })
    await trx.updateTable('supply').set({ confirmedAt: new Date(), confirmedByName: actor.name }).where('id', '=', id).execute()
    await recordAudit(trx, actor, {
      action: 'supply.stock_moved', entity: 'supply', entityId: id, regionCode: line.regionCode,
      before: { quantity: line.quantity }, after: { kind: 'count', delta: after.delta, quantity: after.quantity, reason },
    })
  })
}

export type StockTransfer = { quantity: number; reason: string; version: number; toStoragePointId?: number | null; toSupplyId?: number | null }

/**
 * 调拨: stock leaves one line and enters another, in one transaction, as a `transfer_out` and a
 * `transfer_in` that name each other. The target is a given line, or the line of the same item
 * at a storage point, created there when the point has none. `version` is the source line's as
 * the keeper saw it. Returns both line ids.
 */
export async function transferStock(
  db: Db, scope: Scope, actor: Actor, id: number, t: StockTransfer,
): Promise<{ fromId: number; toId: number }> {
  const reason = requiredText('reason', '事由', t.reason)
  const toPoint = t.toStoragePointId ?? null
  const toLine = t.toSupplyId ?? null
  if ((toPoint === null) === (toLine === null)) {
    throw new AppError('INVALID_FIELD', 400, '请在“调入储备点”与“调入物资”中选择且只选择一项', [{ field: 'toStoragePointId' }, { field: 'toSupplyId' }])
  }
  return db.transaction().execute(async (trx) => {
    const source = await trx.selectFrom('supply').selectAll().where('id', '=', id).where(inScope('regionCode', scope)).executeTakeFirst()
    if (!source) throw notFound('物资', id)
    let targetId: number
    let created = false
    if (toLine !== null) {
      const target = await trx.selectFrom('supply').select(['id', 'unit']).where('id', '=', toLine).where(inScope('regionCode', scope)).executeTakeFirst()
      if (!target) throw badField('toSupplyId', '调入物资', toLine, '不存在或不在您的辖区内')
      if (target.id === id) throw badField('toSupplyId', '调入物资', toLine, '与调出物资相同')
      if (target.unit !== source.unit) throw badField('toSupplyId', '调入物资', toLine, `的计量单位“${target.unit}”与调出物资的“${source.unit}”不同`)
      targetId = target.id
    } else {
      const point = await trx.selectFrom('resource')
        .select(['id', 'name', 'regionCode', 'lng', 'lat', 'address', 'responsiblePersonId', 'liaisonPersonId'])
        .where('id', '=', toPoint!).where('kind', '=', 'storage_point').where(inScope('regionCode', scope)).executeTakeFirst()
      if (!point) throw badField('toStoragePointId', '调入储备点', toPoint, '不存在或不在您的辖区内')
      if (point.id === source.storagePointId) throw badField('toStoragePointId', '调入储备点', point.name, '就是该物资现在的储备点')
      // The same item there: same name, specification, unit and condition (good stock must not
      // merge into a line of scrapped stock), preferring a line owned where the point is.
      const existing = await trx.selectFrom('supply').select('id')
        .where('storagePointId', '=', point.id).where(inScope('regionCode', scope))
        .where('name', '=', source.name).where('unit', '=', source.unit).where('condition', '=', source.condition)
        .where(sql<boolean>`specification is not distinct from ${source.specification}`)
        .orderBy(sql`region_code = ${point.regionCode}`, 'desc').orderBy('id').limit(1).executeTakeFirst()
      if (existing) {
        targetId = existing.id
      } else {
        const row = await trx.insertInto('supply').values({
          regionCode: point.regionCode, classCode: source.classCode, name: source.name, specification: source.specification,
          unit: source.unit, isEquipment: source.isEquipment, storagePointId: point.id, reserveForm: source.reserveForm,
          condition: source.condition, quantity: 0, purchasedOn: source.purchasedOn, expiresOn: source.expiresOn,
          maintainedOn: source.maintainedOn, maintenanceCycleDays: source.maintenanceCycleDays,
          responsiblePersonId: point.responsiblePersonId, liaisonPersonId: point.liaisonPersonId,
          address: point.address, lng: point.lng, lat: point.lat,
          confirmedAt: new Date(), confirmedByName: actor.name,
        }).returningAll().executeTakeFirstOrThrow()
        targetId = row.id
        created = true
        await recordAudit(trx, actor, { action: 'supply.created', entity: 'supply', entityId: row.id, regionCode: row.regionCode, after: row })
      }
    }
    const lines = await lockLines(trx, scope, [id, targetId], t.quantity)
    const from = lines.find((l) => l.id === id)
    const to = lines.find((l) => l.id === targetId)
    if (!from || !to) throw notFound('物资', from ? targetId : id)
    if (from.version !== t.version) throw stale(`物资“${from.name}”`)
    if (!from.enough) throw shortage(from.name, from.unit, from.quantity, '调出', t.quantity)
    const out = await bookMovement(trx, actor, id, { kind: 'transfer_out', delta: -t.quantity, reason, counterpartSupplyId: targetId })
    const inn = await bookMovement(trx, actor, targetId, { kind: 'transfer_in', delta: t.quantity, reason, counterpartSupplyId: id })
    await recordAudit(trx, actor, {
      action: 'supply.transferred', entity: 'supply', entityId: id, regionCode: from.regionCode,
      before: { quantity: from.quantity }, after: { toSupplyId: targetId, delta: out.delta, quantity: out.quantity, reason },
    })
    await recordAudit(trx, actor, {
      action: 'supply.transferred', entity: 'supply', entityId: targetId, regionCode: to.regionCode,
      before: { quantity: to.quantity }, after: { fromSupplyId: id, delta: inn.delta, quantity: inn.quantity, reason, createdLine: created },
    })
    return { fromId: id, toId: targetId }
  })
}
