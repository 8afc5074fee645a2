import { maskPhone } from '../../../../domain/people/phone.js'
import type { Db } from '../../../db/database.js'
import { inScope, type Scope } from '../../../db/scope.js'
import { AppError, badField, notFound } from '../../../errors.js'
import { publish } from '../../../events/bus.js'
import { recordAudit } from '../../audit/record.js'
import { iso } from '../../../shared/dates.js'
import { paging } from '../../../shared/paging.js'
import { acknowledgeMany } from '../delivery/ack.js'
import type { DoorKnockDone, DoorKnockPerson, DoorKnockQuery, DoorKnockTask } from '../schema.js'
import type { Caller } from '../workflow/queries.js'

/**
 * 上门叫应: one task per village (per township or county for its own staff) listing the people the
 * ladder could not wake, for the township to visit. A night when a whole township sleeps is a
 * few dozen tasks, not one per person.
 */

function selectTasks(db: Db, scope: Scope) {
  return db.selectFrom('doorKnockTask as dk')
    .innerJoin('warning as w', 'w.id', 'dk.warningId')
    .innerJoin('region as ar', 'ar.code', 'dk.areaCode')
    .leftJoin('appUser as u', 'u.id', 'dk.doneBy')
    .select([
      'dk.id', 'dk.warningId', 'w.headline', 'w.level', 'dk.regionCode', 'dk.areaCode', 'ar.fullName as areaName',
      'dk.state', 'dk.result', 'dk.createdAt', 'dk.doneAt', 'u.displayName as doneByName',
    ])
    // The township that must go and knock owns the task, wherever the warning came from.
    .where(inScope('dk.regionCode', scope))
}
type TaskRow = NonNullable<Awaited<ReturnType<ReturnType<typeof selectTasks>['executeTakeFirst']>>>

/** The people of some tasks, in one query; numbers masked (revealed one by one, audited). */
async function peopleOf(db: Db, taskIds: number[]): Promise<Map<number, DoorKnockPerson[]>> {
  const out = new Map<number, DoorKnockPerson[]>()
  if (taskIds.length === 0) return out
  const rows = await db.selectFrom('doorKnockPerson as k').innerJoin('person as p', 'p.id', 'k.personId')
    .select(['k.taskId', 'k.personId', 'p.name', 'p.post', 'p.mobile', 'k.confirmedAt', 'k.confirmedVia'])
    .where('k.taskId', 'in', taskIds).orderBy('k.taskId').orderBy('p.name').orderBy('k.personId').execute()
  for (const r of rows) {
    const list = out.get(r.taskId) ?? []
    list.push({
      personId: r.personId, name: r.name, post: r.post, mobile: maskPhone(r.mobile),
      confirmedAt: iso(r.confirmedAt), confirmedVia: r.confirmedVia,
    })
    out.set(r.taskId, list)
  }
  return out
}

const present = (r: TaskRow, people: DoorKnockPerson[]): DoorKnockTask => ({
  ...r, createdAt: r.createdAt.toISOString(), doneAt: iso(r.doneAt),
  people, open: people.filter((p) => p.confirmedAt === null).length,
})

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
  const items = await rows.orderBy('dk.state', 'desc').orderBy('dk.createdAt', 'desc').orderBy('dk.areaCode').orderBy('dk.id', 'desc')
    .limit(limit).offset(offset).execute()
  const people = await peopleOf(db, items.map((t) => t.id))
  return { items: items.map((t) => present(t, people.get(t.id) ?? [])), total }
}

/**
 * Someone went to the village: the task is done with what they found, and the people they told
 * in person (all still unconfirmed ones unless `reached` says otherwise) count as reached,
 * confirmed "via door", which stops the ladder for them.
 */
export async function completeDoorKnock(db: Db, caller: Caller, id: number, body: DoorKnockDone): Promise<DoorKnockTask> {
  const result = body.result.trim()
  if (result === '') throw new AppError('INVALID_FIELD', 400, '“上门结果”不能为空', [{ field: 'result', value: body.result }])
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('doorKnockTask').selectAll()
      .where('id', '=', id).where(inScope('regionCode', caller.scope)).forUpdate().executeTakeFirst()
    if (!before) throw notFound('上门叫应任务', id)
    if (before.state !== 'open') throw new AppError('ILLEGAL_TRANSITION', 409, '该上门叫应任务已办结')
    const listed = await trx.selectFrom('doorKnockPerson as k').innerJoin('person as p', 'p.id', 'k.personId')
      .select(['k.personId', 'p.name', 'k.confirmedAt']).where('k.taskId', '=', id).execute()
    const stranger = body.reached?.find((pid) => !listed.some((p) => p.personId === pid))
    if (stranger !== undefined) throw badField('reached', '已当面告知的人员', stranger, '不在该上门叫应任务的名单中')
    const waiting = listed.filter((p) => p.confirmedAt === null)
    const reached = body.reached ? waiting.filter((p) => body.reached!.includes(p.personId)) : waiting
    const after = await trx.updateTable('doorKnockTask')
      .set({ state: 'done', result, doneAt: caller.now, doneBy: caller.actor.id })
      .where('id', '=', id).returningAll().executeTakeFirstOrThrow()
    if (reached.length > 0) {
      await trx.updateTable('doorKnockPerson').set({ confirmedAt: caller.now, confirmedVia: 'door' })
        .where('taskId', '=', id).where('personId', 'in', reached.map((p) => p.personId)).execute()
    }
    const area = await trx.selectFrom('region').select('name').where('code', '=', before.areaCode).executeTakeFirst()
    await trx.insertInto('warningStep').values({
      warningId: before.warningId, at: caller.now, kind: 'door_knock_done', actorId: caller.actor.id,
      detail: JSON.stringify({
        taskId: id, result, areaName: area?.name ?? before.areaCode,
        reached: reached.map((p) => p.name), missed: waiting.length - reached.length,
      }),
    }).execute()
    // After the task is marked done, so the confirmations do not close it a second time with their own wording.
    await acknowledgeMany(trx, reached.map((p) => ({
      warningId: before.warningId, personId: p.personId, via: 'door' as const, at: caller.now, actorId: caller.actor.id,
    })))
    await publish(trx, `doorknock:${before.regionCode}`, { taskId: id, state: 'done' })
    await publish(trx, `warning:${before.warningId}`, { kind: 'door_knock_done', taskId: id, reached: reached.length })
    await recordAudit(trx, caller.actor, {
      action: 'door_knock.done', entity: 'door_knock_task', entityId: id, regionCode: before.regionCode,
      before, after: { ...after, reached: reached.map((p) => p.personId) },
    })
  })
  const task = await selectTasks(db, caller.scope).where('dk.id', '=', id).executeTakeFirstOrThrow()
  return present(task, (await peopleOf(db, [id])).get(id) ?? [])
}
