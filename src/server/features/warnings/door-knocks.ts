import type { Db } from '../../db/database.js'
import { inScope, type Scope } from '../../db/scope.js'
import { AppError, notFound } from '../../errors.js'
import { publish } from '../../events/bus.js'
import { recordAudit } from '../audit/record.js'
import { paging } from '../directory/input.js'
import { acknowledge } from './ack.js'
import type { DoorKnockDone, DoorKnockQuery, DoorKnockTask } from './schema.js'
import type { Caller } from './workflow.js'
import { iso } from './queries.js'


function selectTasks(db: Db, scope: Scope) {
  return db.selectFrom('doorKnockTask as dk')
    .innerJoin('warning as w', 'w.id', 'dk.warningId')
    .innerJoin('person as p', 'p.id', 'dk.personId')
    .innerJoin('region as pr', 'pr.code', 'p.regionCode')
    .leftJoin('appUser as u', 'u.id', 'dk.doneBy')
    .select([
      'dk.id', 'dk.warningId', 'w.headline', 'w.level', 'dk.personId', 'p.name as personName', 'p.post',
      'pr.fullName as personRegionName', 'dk.regionCode', 'dk.state', 'dk.result', 'dk.createdAt', 'dk.doneAt',
      'u.displayName as doneByName',
    ])
    // The township that must go and knock owns the task, wherever the warning came from.
    .where(inScope('dk.regionCode', scope))
}
type TaskRow = NonNullable<Awaited<ReturnType<ReturnType<typeof selectTasks>['executeTakeFirst']>>>

const present = (r: TaskRow): DoorKnockTask => ({ ...r, createdAt: r.createdAt.toISOString(), doneAt: iso(r.doneAt) })

/** 上门叫应 tasks of the jurisdiction: open ones first, newest first. */
export async function listDoorKnocks(db: Db, scope: Scope, query: DoorKnockQuery): Promise<{ items: DoorKnockTask[]; total: number }> {
  let base = db.selectFrom('doorKnockTask as dk').where(inScope('dk.regionCode', scope))
  if (query.state) base = base.where('dk.state', '=', query.state)
  if (query.warningId) base = base.where('dk.warningId', '=', query.warningId)
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow()
  const { limit, offset } = paging(query)
  let rows = selectTasks(db, scope)
  if (query.state) rows = rows.where('dk.state', '=', query.state)
  if (query.warningId) rows = rows.where('dk.warningId', '=', query.warningId)
  const items = await rows.orderBy('dk.state', 'desc').orderBy('dk.createdAt', 'desc').orderBy('dk.id', 'desc')
    .limit(limit).offset(offset).execute()
  return { items: items.map(present), total }
}

/**
 * Someone went to the silent person's door: the task is done, and the person counts as reached
 * (confirmed "via door"), which stops the ladder for them.
 */
export async function completeDoorKnock(db: Db, caller: Caller, id: number, body: DoorKnockDone): Promise<DoorKnockTask> {
  const result = body.result.trim()
  if (result === '') throw new AppError('INVALID_FIELD', 400, '“上门结果”不能为空', [{ field: 'result', value: body.result }])
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('doorKnockTask').selectAll()
      .where('id', '=', id).where(inScope('regionCode', caller.scope)).forUpdate().executeTakeFirst()
    if (!before) throw notFound('上门叫应任务', id)
    if (before.state !== 'open') throw new AppError('ILLEGAL_TRANSITION', 409, '该上门叫应任务已办结')
    const after = await trx.updateTable('doorKnockTask')
      .set({ state: 'done', result, doneAt: caller.now, doneBy: caller.actor.id })
      .where('id', '=', id).returningAll().executeTakeFirstOrThrow()
    await trx.insertInto('warningStep').values({
      warningId: before.warningId, at: caller.now, kind: 'door_knock_done', actorId: caller.actor.id, personId: before.personId,
      detail: JSON.stringify({ taskId: id, result }),
    }).execute()
    // After the task is marked done, so acknowledge() does not close it a second time with its own wording.
    await acknowledge(trx, { warningId: before.warningId, personId: before.personId, via: 'door', at: caller.now, actorId: caller.actor.id })
    await publish(trx, `doorknock:${before.regionCode}`, { taskId: id, state: 'done' })
    await publish(trx, `warning:${before.warningId}`, { kind: 'door_knock_done', personId: before.personId })
    await recordAudit(trx, caller.actor, { action: 'door_knock.done', entity: 'door_knock_task', entityId: id, regionCode: before.regionCode, before, after })
  })
  const task = await selectTasks(db, caller.scope).where('dk.id', '=', id).executeTakeFirstOrThrow()
  return present(task)
}
