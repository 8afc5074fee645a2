import type { Transaction } from 'kysely'
import { APPROVAL_KINDS, APPROVAL_STATES, type ApprovalKind } from '../../../domain/auth/approvals.js'
import { roleDef } from '../../../domain/auth/roles.js'
import type { Db } from '../../db/database.js'
import type { Database } from '../../db/types.js'
import { inScope, type Scope } from '../../db/scope.js'
import { AppError, notFound } from '../../errors.js'
import { recordAudit } from '../audit/record.js'
import type { Caller } from './queries.js'
import type { Approval, ApprovalListQuery } from './schema.js'

/**
 * The pending-approval store of two-person control (domain/auth/approvals.ts): filing a request,
 * listing, locking one to decide on, and closing it. What an approval does to the account is
 * in queries.ts; this file knows only the requests.
 */

export type Filing = {
  kind: ApprovalKind
  target: { id: number; regionCode: string }
  /** The change to make, as the requester asked it (with the version he saw); never a secret. */
  payload: Record<string, unknown>
  summary: string
}

type Trx = Transaction<Database>

const nameOf = (u: { displayName: string; username: string }) => `${u.displayName}（${u.username}）`

function approvalQuery(db: Db, scope: Scope) {
  return db.selectFrom('accountApproval as a')
    .innerJoin('appUser as t', 't.id', 'a.targetUserId')
    .innerJoin('region as r', 'r.code', 't.regionCode')
    .innerJoin('appUser as q', 'q.id', 'a.requestedBy')
    .leftJoin('appUser as d', 'd.id', 'a.decidedBy')
    .where(inScope('a.regionCode', scope))
    .select([
      'a.id', 'a.kind', 'a.state', 'a.summary', 'a.requestedAt', 'a.decidedAt',
      't.id as targetId', 't.username as targetUsername', 't.displayName as targetDisplayName', 't.role as targetRole',
      'r.fullName as targetRegionName',
      'q.id as requesterId', 'q.username as requesterUsername', 'q.displayName as requesterDisplayName',
      'd.id as deciderId', 'd.username as deciderUsername', 'd.displayName as deciderDisplayName',
    ])
}

type ApprovalRow = Awaited<ReturnType<ReturnType<typeof approvalQuery>['executeTakeFirstOrThrow']>>

function presentApproval(a: ApprovalRow): Approval {
  return {
    id: a.id,
    kind: a.kind,
    kindLabel: APPROVAL_KINDS[a.kind],
    state: a.state,
    stateLabel: APPROVAL_STATES[a.state],
    summary: a.summary,
    target: {
      id: a.targetId, username: a.targetUsername, displayName: a.targetDisplayName,
      roleLabel: roleDef(a.targetRole)?.label ?? a.targetRole, regionName: a.targetRegionName,
    },
    requestedBy: { id: a.requesterId, name: nameOf({ displayName: a.requesterDisplayName, username: a.requesterUsername }) },
    requestedAt: a.requestedAt.toISOString(),
    decidedBy: a.deciderId !== null && a.deciderUsername !== null && a.deciderDisplayName !== null
      ? { id: a.deciderId, name: nameOf({ displayName: a.deciderDisplayName, username: a.deciderUsername }) }
      : null,
    decidedAt: a.decidedAt?.toISOString() ?? null,
  }
}

/** Requests about accounts in the caller's jurisdiction, newest first; pending ones by default. */
export async function listApprovals(db: Db, scope: Scope, q: ApprovalListQuery): Promise<Approval[]> {
  const rows = await approvalQuery(db, scope)
    .where('a.state', '=', q.state ?? 'pending')
    .orderBy('a.requestedAt', 'desc').orderBy('a.id', 'desc')
    .limit(200).execute()
  return rows.map(presentApproval)
}

async function getApproval(db: Db, scope: Scope, id: number): Promise<Approval> {
  const row = await approvalQuery(db, scope).where('a.id', '=', id).executeTakeFirst()
  if (!row) throw notFound('审批申请', id)
  return presentApproval(row)
}

/** Files a request and audits it; the account stays as it is until another administrator approves. */
export async function fileApproval(db: Trx, caller: Caller, f: Filing): Promise<Approval> {
  const inserted = await db.insertInto('accountApproval').values({
    kind: f.kind, targetUserId: f.target.id, regionCode: f.target.regionCode,
    payload: JSON.stringify(f.payload), summary: f.summary, requestedBy: caller.userId,
  }).returning('id').executeTakeFirstOrThrow().catch((err: unknown) => {
    if ((err as { code?: string }).code === '23505') {
      throw new AppError('APPROVAL_PENDING', 409, '该账号已有一项待审批的变更，请先由另一名管理员审批或驳回', [{ field: 'id', value: f.target.id }])
    }
    throw err
  })
  await recordAudit(db, caller.actor, {
    action: 'user.approval_requested', entity: 'user', entityId: f.target.id, regionCode: f.target.regionCode,
    after: { approvalId: inserted.id, kind: f.kind, summary: f.summary, ...f.payload },
  })
  return getApproval(db, caller.scope, inserted.id)
}

/** A pending request in the caller's jurisdiction, locked until the deciding transaction ends. */
export async function takePending(db: Trx, scope: Scope, id: number) {
  const row = await db.selectFrom('accountApproval')
    .select(['id', 'kind', 'targetUserId', 'regionCode', 'payload', 'summary', 'state', 'requestedBy'])
    .where('id', '=', id).where(inScope('regionCode', scope))
    .forUpdate().executeTakeFirst()
  if (!row) throw notFound('审批申请', id)
  if (row.state !== 'pending') {
    throw new AppError('APPROVAL_DECIDED', 409, `审批申请“${id}”已${APPROVAL_STATES[row.state]}，不能再次处理`)
  }
  return row
}

/** Records the decision on a request taken with `takePending`, and audits it. */
export async function closeApproval(
  db: Trx, caller: Caller, a: { id: number; kind: ApprovalKind; targetUserId: number; regionCode: string; summary: string; requestedBy: number },
  state: 'approved' | 'rejected',
): Promise<Approval> {
  await db.updateTable('accountApproval')
    .set({ state, decidedBy: caller.userId, decidedAt: new Date() })
    .where('id', '=', a.id).execute()
  await recordAudit(db, caller.actor, {
    action: state === 'approved' ? 'user.approval_approved' : 'user.approval_rejected',
    entity: 'user', entityId: a.targetUserId, regionCode: a.regionCode,
    after: { approvalId: a.id, kind: a.kind, summary: a.summary, requestedBy: a.requestedBy, withdrawn: state === 'rejected' && a.requestedBy === caller.userId },
  })
  return getApproval(db, caller.scope, a.id)
}
