import { sql, type Kysely, type Transaction, type Updateable } from 'kysely'
import type { Permission } from '../../../../domain/auth/roles.js'
import { levelOf } from '../../../../domain/regions/code.js'
import { issuingRefusal, mayIssue, type IssuingPolicy } from '../../../../domain/warnings/approval.js'
import { DEFAULT_LADDERS, type LadderPolicy } from '../../../../domain/warnings/ladder.js'
import { isWarningLevel } from '../../../../domain/warnings/levels.js'
import type { Db } from '../../../db/database.js'
import type { Database } from '../../../db/types.js'
import type { Scope } from '../../../db/scope.js'
import { AppError, badField, forbidden } from '../../../errors.js'
import { publish } from '../../../events/bus.js'
import { enqueue } from '../../../jobs/queue.js'
import { canonicalJson, recordAudit, type Actor } from '../../audit/record.js'
import { checkRecipientSpec, recipientsQuery } from '../../linkage/recipients.js'
import { issuingPolicy } from '../../settings/issuing.js'
import { recordSentMessage } from '../cap/messages.js'
import { checkNotEmpty, checkSketchAcknowledged, storedTarget } from '../drafting/input.js'
import { chinaTime } from '../delivery/message.js'
import { CLOSE_QUEUE, FANOUT_QUEUE } from '../delivery/pipeline.js'
import { getWarning, lockWarning, requireState, type WarningRow } from '../drafting/queries.js'
import type { ReasonBody, SubmitBody, VersionBody, Warning, WarningRevision } from '../schema.js'

/** Who acts, where, and when (the app's clock, so fake-clock tests see the same time). */
export type Caller = {
  scope: Scope
  user: { regionCode: string; permissions: readonly Permission[] }
  actor: Actor
  now: Date
}

type Trx = Transaction<Database>

export const noRecipients = () => new AppError('NO_RECIPIENTS', 422, '预警范围内没有责任人，无法发布')

/**
 * Approving, updating, cancelling and ending a warning need `warnings.issue` and a jurisdiction
 * the deployment's rules allow to issue its level and event type (统一发布; by default townships
 * only 三级/四级, villages none: domain/warnings/approval.ts, set in 系统设置 → 预警发布规则).
 */
export function requireIssuer(caller: Caller, level: number, eventType: string, policy: IssuingPolicy): void {
  if (!caller.user.permissions.includes('warnings.issue')) throw forbidden('您没有审批发布预警的权限')
  const jurisdiction = levelOf(caller.user.regionCode)
  if (!isWarningLevel(level) || !mayIssue(jurisdiction, level, eventType, policy.rules)) {
    throw new AppError('LEVEL_NOT_ALLOWED', 403, issuingRefusal(jurisdiction, level, eventType, policy.rules), [{ field: 'level', value: level }])
  }
}

/** Four eyes: whoever drafted, imported or edited the warning does not approve it. */
export const fourEyesRefusal = () => new AppError('FOUR_EYES', 403,
  '您起草或修改过该预警，不能由本人审批发布（双人审批）；请由另一位有审批权限的人员审批')

/** Someone else approved first: say who and when, so the second approver knows it went out. */
async function alreadyApproved(trx: Trx, row: WarningRow): Promise<AppError> {
  const by = row.approvedBy === null ? null
    : await trx.selectFrom('appUser').select('displayName').where('id', '=', row.approvedBy).executeTakeFirst()
  const when = row.issuedAt ? `于${chinaTime(row.issuedAt)}` : ''
  const after = row.status === 'cancelled' ? '，现已撤销' : row.status === 'ended' ? '，现已解除' : ''
  return new AppError('ALREADY_APPROVED', 409, `该预警已由${by?.displayName ?? '他人'}${when}审批发布${after}，无需再次审批`,
    [{ field: 'approvedBy', value: row.approvedBy }])
}

/** The audit form of a row: the imported XML stays out of the log. */
const audited = (row: WarningRow) => ({ ...row, sourceXml: undefined })

async function step(trx: Trx, caller: Caller, warningId: number, kind: string, detail: Record<string, unknown> = {}): Promise<void> {
  await trx.insertInto('warningStep').values({ warningId, at: caller.now, kind, actorId: caller.actor.id, detail: JSON.stringify(detail) }).execute()
}

/** Fan-out job for one revision: the key makes a repeated issue of the same revision a no-op. */
export async function enqueueFanout(db: Kysely<Database>, warningId: number, revision: number, now: Date): Promise<void> {
  await enqueue(db, { queue: FANOUT_QUEUE, key: `fanout:${warningId}:${revision}`, payload: { warningId, revision }, runAt: now })
}

/** Close job: stops the ladder and sends the notice; one per warning. */
export async function enqueueClose(db: Kysely<Database>, warningId: number, kind: 'cancelled' | 'ended', now: Date): Promise<void> {
  await enqueue(db, { queue: CLOSE_QUEUE, key: `close:${warningId}`, payload: { warningId, kind }, runAt: now })
}

/**
 * Issues a locked warning: checks someone would receive it, gives it its identifier and time of
 * issue, and queues the fan-out in the same transaction, so an issued warning always gets sent.
 */
export async function issueLocked(trx: Trx, caller: Caller, row: WarningRow): Promise<WarningRow> {
  const target = storedTarget(row.target)
  checkNotEmpty(target)
  // Only "is anyone there?" here, inside the lock: the fan-out job resolves and counts them all.
  const spec = { regionCode: row.regionCode, target }
  await checkRecipientSpec(trx, caller.scope, spec)
  const { rows: [anyone] } = await sql<{ yes: boolean }>`select exists (${recipientsQuery(trx, spec)}) as yes`.execute(trx)
  if (!anyone.yes) throw noRecipients()
  // The first CAP message (Alert) gives the warning its identifier.
  const identifier = await recordSentMessage(trx, {
    warningId: row.id, regionCode: row.regionCode, at: caller.now, msgType: 'Alert',
    status: row.purpose === 'drill' ? 'Test' : 'Actual', revision: row.revision, actorId: caller.actor.id,
  })
  const issued = await trx.updateTable('warning')
    .set({ status: 'issued', issuedAt: caller.now, identifier, approvedBy: caller.actor.id, version: sql`version + 1`, updatedAt: caller.now })
    .where('id', '=', row.id).returningAll().executeTakeFirstOrThrow()
  await step(trx, caller, row.id, 'issued', { identifier, revision: issued.revision, drill: issued.purpose === 'drill' })
  await enqueueFanout(trx, row.id, issued.revision, caller.now)
  await publish(trx, `warning:${row.id}`, { kind: 'issued', status: 'issued', revision: issued.revision })
  return issued
}

export async function submitWarning(db: Db, caller: Caller, id: number, body: SubmitBody): Promise<Warning> {
  await db.transaction().execute(async (trx) => {
    const before = await lockWarning(trx, caller.scope, id)
    requireState(before, 'draft', body.version, '只有草稿可以提交审批')
    checkNotEmpty(storedTarget(before.target))
    const sketch = await checkSketchAcknowledged(trx, before.regionCode, storedTarget(before.target), body.acknowledgeSketchPositions)
    const after = await trx.updateTable('warning')
      .set({ status: 'submitted', submittedBy: caller.actor.id, rejectedReason: null, version: sql`version + 1`, updatedAt: caller.now })
      .where('id', '=', id).returningAll().executeTakeFirstOrThrow()
    await step(trx, caller, id, 'submitted', sketch)
    await publish(trx, `warning:${id}`, { kind: 'submitted', status: after.status })
    await recordAudit(trx, caller.actor, { action: 'warning.submitted', entity: 'warning', entityId: id, regionCode: after.regionCode, before: audited(before), after: audited(after) })
  })
  return getWarning(db, caller.scope, id)
}

/**
 * 审批发布: approval is issue. Four eyes: nobody who wrote the content approves it, unless the
 * deployment switched that off (then the self-approval says so in the audit entry). Two
 * approvers at once: the row lock makes the second wait, and it is told who approved and when.
 */
export async function approveWarning(db: Db, caller: Caller, id: number, body: VersionBody): Promise<Warning> {
  await db.transaction().execute(async (trx) => {
    const policy = await issuingPolicy(trx)
    const before = await lockWarning(trx, caller.scope, id)
    if (before.status !== 'submitted' && before.approvedBy !== null && before.issuedAt !== null) throw await alreadyApproved(trx, before)
    requireIssuer(caller, before.level, before.eventType, policy)
    requireState(before, 'submitted', body.version, '只有待审批的预警可以审批发布')
    const own = caller.actor.id !== null && (before.authors.map(Number).includes(caller.actor.id) || before.createdBy === caller.actor.id)
    if (own && policy.fourEyes) throw fourEyesRefusal()
    await step(trx, caller, id, 'approved', own ? { selfApproved: true } : {})
    const after = await issueLocked(trx, caller, before)
    await recordAudit(trx, caller.actor, {
      action: 'warning.approved', entity: 'warning', entityId: id, regionCode: after.regionCode, before: audited(before),
      after: { ...audited(after), ...(own ? { selfApproved: true, fourEyesOffReason: policy.fourEyesOffReason } : {}) },
    })
  })
  return getWarning(db, caller.scope, id)
}

export async function rejectWarning(db: Db, caller: Caller, id: number, body: ReasonBody): Promise<Warning> {
  await db.transaction().execute(async (trx) => {
    const before = await lockWarning(trx, caller.scope, id)
    requireIssuer(caller, before.level, before.eventType, await issuingPolicy(trx))
    requireState(before, 'submitted', body.version, '只有待审批的预警可以退回')
    const reason = body.reason.trim()
    if (reason === '') throw badField('reason', '退回原因', body.reason, '不能为空')
    const after = await trx.updateTable('warning')
      .set({ status: 'draft', rejectedReason: reason, version: sql`version + 1`, updatedAt: caller.now })
      .where('id', '=', id).returningAll().executeTakeFirstOrThrow()
    await step(trx, caller, id, 'rejected', { reason })
    await publish(trx, `warning:${id}`, { kind: 'rejected', status: after.status })
    await recordAudit(trx, caller.actor, { action: 'warning.rejected', entity: 'warning', entityId: id, regionCode: after.regionCode, before: audited(before), after: audited(after) })
  })
  return getWarning(db, caller.scope, id)
}

// jsonb stores keys in its own order: compare key-sorted forms.
const sameLadder = (a: unknown, b: LadderPolicy) => canonicalJson(a) === canonicalJson(b)

/**
 * 更新: a new revision of an issued warning, sent again to everyone (CAP msgType Update). A
 * ladder still at its level's default follows a level change; a customised one is kept.
 */
export async function reviseWarning(db: Db, caller: Caller, id: number, body: WarningRevision): Promise<Warning> {
  await db.transaction().execute(async (trx) => {
    const before = await lockWarning(trx, caller.scope, id)
    if (before.purpose === 'drill') throw new AppError('ILLEGAL_TRANSITION', 409, '通联演练不能更新，请重新发起演练')
    const level = body.level ?? before.level
    const policy = await issuingPolicy(trx)
    requireIssuer(caller, before.level, before.eventType, policy)
    requireIssuer(caller, level, before.eventType, policy)
    requireState(before, 'issued', body.version, '只有已发布的预警可以更新')
    const changes: Updateable<Database['warning']> = {}
    for (const key of ['headline', 'description', 'instruction', 'areaDesc'] as const) {
      const value = body[key]
      if (value === undefined) continue
      const t = value.trim()
      if (t === '') throw badField(key, { headline: '标题', description: '警示事项', instruction: '应当采取的措施', areaDesc: '可能影响的范围' }[key], value, '不能为空')
      if (t !== before[key]) changes[key] = t
    }
    if (level !== before.level) {
      changes.level = level
      if (isWarningLevel(before.level) && isWarningLevel(level) && sameLadder(before.ladder, DEFAULT_LADDERS[before.level])) {
        changes.ladder = JSON.stringify(DEFAULT_LADDERS[level])
      }
    }
    if (body.expires !== undefined) {
      const expires = body.expires === null ? null : new Date(body.expires)
      if (expires && (Number.isNaN(expires.getTime()) || expires <= before.onset)) throw badField('expires', '失效时间', body.expires, '必须是晚于起始时间的有效时间')
      if ((expires?.getTime() ?? null) !== (before.expires?.getTime() ?? null)) changes.expires = expires
    }
    if (Object.keys(changes).length === 0) throw badField('version', '更新内容', '无', '与当前发布的内容相同，无需更新')
    const after = await trx.updateTable('warning')
      .set({ ...changes, revision: sql`revision + 1`, fullyConfirmedAt: null, version: sql`version + 1`, updatedAt: caller.now })
      .where('id', '=', id).returningAll().executeTakeFirstOrThrow()
    await recordSentMessage(trx, {
      warningId: id, regionCode: after.regionCode, at: caller.now, msgType: 'Update', status: 'Actual', revision: after.revision, actorId: caller.actor.id,
    })
    await step(trx, caller, id, 'updated', { revision: after.revision, changed: Object.keys(changes) })
    await enqueueFanout(trx, id, after.revision, caller.now)
    await publish(trx, `warning:${id}`, { kind: 'updated', status: after.status, revision: after.revision })
    await recordAudit(trx, caller.actor, { action: 'warning.revised', entity: 'warning', entityId: id, regionCode: after.regionCode, before: audited(before), after: audited(after) })
  })
  return getWarning(db, caller.scope, id)
}

/**
 * 撤销 (cancelled: it should not have gone out) or 解除 (ended: the danger is over). The close
 * job stops the ladder and tells everyone. A drill is closed by whoever may start one.
 */
export async function closeWarning(db: Db, caller: Caller, id: number, kind: 'cancelled' | 'ended', body: ReasonBody): Promise<Warning> {
  await db.transaction().execute(async (trx) => {
    const before = await lockWarning(trx, caller.scope, id)
    if (before.purpose !== 'drill') requireIssuer(caller, before.level, before.eventType, await issuingPolicy(trx))
    requireState(before, 'issued', body.version, kind === 'cancelled' ? '只有已发布的预警可以撤销' : '只有已发布的预警可以解除')
    const reason = body.reason.trim()
    if (reason === '') throw badField('reason', kind === 'cancelled' ? '撤销原因' : '解除原因', body.reason, '不能为空')
    const after = await trx.updateTable('warning')
      .set({ status: kind, endedAt: caller.now, endReason: reason, version: sql`version + 1`, updatedAt: caller.now })
      .where('id', '=', id).returningAll().executeTakeFirstOrThrow()
    // 撤销 is CAP Cancel; 解除 an Update whose responseType is AllClear.
    await recordSentMessage(trx, {
      warningId: id, regionCode: after.regionCode, at: caller.now, msgType: kind === 'cancelled' ? 'Cancel' : 'Update',
      status: after.purpose === 'drill' ? 'Test' : 'Actual', revision: after.revision, actorId: caller.actor.id,
    })
    await step(trx, caller, id, kind, { reason })
    await enqueueClose(trx, id, kind, caller.now)
    await publish(trx, `warning:${id}`, { kind, status: after.status })
    await recordAudit(trx, caller.actor, { action: `warning.${kind}`, entity: 'warning', entityId: id, regionCode: after.regionCode, before: audited(before), after: audited(after) })
  })
  return getWarning(db, caller.scope, id)
}
