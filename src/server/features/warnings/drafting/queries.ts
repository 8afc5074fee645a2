import { sql, type Transaction } from 'kysely'
import { ladderOf } from '../../../../domain/warnings/ladder.js'
import { isWarningLevel, type WarningPurpose, type WarningStatus } from '../../../../domain/warnings/levels.js'
import type { Db } from '../../../db/database.js'
import type { Database } from '../../../db/types.js'
import { inScope, type Scope } from '../../../db/scope.js'
import { notFound, stale } from '../../../errors.js'
import { recordAudit, type Actor } from '../../audit/record.js'
import { iso } from '../../../shared/dates.js'
import { containsPattern } from '../../../shared/like.js'
import { paging } from '../../../shared/paging.js'
import { reportedState } from '../board/queries.js'
import { checkWarningInput, illegalTransition, storedTarget, type WarningValues } from './input.js'
import type { Warning, WarningDraftUpdate, WarningInput, WarningListQuery, WarningSummary } from '../schema.js'
import { listTimeline } from './timeline.js'

/** A nullable time as the API sends it. */
function selectWarnings(db: Db, scope: Scope) {
  return db.selectFrom('warning as w')
    .innerJoin('region as r', 'r.code', 'w.regionCode')
    .leftJoin('appUser as cu', 'cu.id', 'w.createdBy')
    .leftJoin('appUser as au', 'au.id', 'w.approvedBy')
    .select([
      'w.id', 'w.purpose', 'w.status', 'w.identifier', 'w.revision', 'w.regionCode', 'r.fullName as regionName',
      'w.eventClass', 'w.eventType', 'w.level', 'w.headline', 'w.description', 'w.instruction', 'w.areaDesc',
      'w.senderName', 'w.onset', 'w.expires', 'w.issuedAt', 'w.target', 'w.channels', 'w.ladder', 'w.source',
      'w.rejectedReason', 'w.endReason', 'w.endedAt', 'w.fullyConfirmedAt', 'w.createdBy', 'cu.displayName as createdByName',
      'w.submittedBy', 'w.approvedBy', 'au.displayName as approvedByName', 'w.authors', 'w.version', 'w.createdAt', 'w.updatedAt',
    ])
    .where(inScope('w.regionCode', scope))
}

/** A warning with its latest steps; outside the jurisdiction it does not exist. */
export async function getWarning(db: Db, scope: Scope, id: number): Promise<Warning> {
  const row = await selectWarnings(db, scope).where('w.id', '=', id).executeTakeFirst()
  if (!row) throw notFound('预警', id)
  return {
    ...row,
    onset: row.onset.toISOString(),
    expires: iso(row.expires),
    issuedAt: iso(row.issuedAt),
    endedAt: iso(row.endedAt),
    fullyConfirmedAt: iso(row.fullyConfirmedAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    target: storedTarget(row.target),
    authors: row.authors.map(Number),
    // Filled from the level's defaults where an older row or an import left something out.
    ladder: ladderOf(row.ladder, isWarningLevel(row.level) ? row.level : 4),
    steps: await listTimeline(db, id),
  }
}

/**
 * Warnings of the jurisdiction, newest first, each with its confirmation counts. The counts
 * are one grouped pass over the page's recipients (primary key prefix), not a query per row.
 */
export async function listWarnings(db: Db, scope: Scope, query: WarningListQuery): Promise<{ items: WarningSummary[]; total: number }> {
  let base = db.selectFrom('warning as w').where(inScope('w.regionCode', scope))
  if (query.status) base = base.where('w.status', '=', query.status as WarningStatus)
  if (query.purpose) base = base.where('w.purpose', '=', query.purpose as WarningPurpose)
  if (query.level) base = base.where('w.level', '=', query.level)
  const q = query.q?.trim()
  if (q) {
    const pattern = containsPattern(q)
    base = base.where((eb) => eb.or([eb('w.headline', 'ilike', pattern), eb('w.eventType', 'ilike', pattern), eb('w.identifier', 'ilike', pattern)]))
  }
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow()
  const { limit, offset } = paging(query)
  const rows = await base
    .innerJoin('region as r', 'r.code', 'w.regionCode')
    .select([
      'w.id', 'w.purpose', 'w.status', 'w.identifier', 'w.revision', 'w.eventClass', 'w.eventType', 'w.level', 'w.headline',
      'w.regionCode', 'r.fullName as regionName', 'w.issuedAt', 'w.onset', 'w.expires', 'w.createdAt', 'w.createdBy', 'w.authors',
    ])
    .orderBy('w.createdAt', 'desc').orderBy('w.id', 'desc')
    .limit(limit).offset(offset)
    .execute()
  const ids = rows.map((r) => r.id)
  const state = sql<string>`(case when w.purpose = 'drill' then ${reportedState('drill')} else wr.state end)`
  const counts = ids.length === 0 ? [] : await db.selectFrom('warningRecipient as wr')
    .innerJoin('warning as w', 'w.id', 'wr.warningId')
    .select([
      'wr.warningId',
      sql<number>`count(*)`.as('recipients'),
      sql<number>`count(*) filter (where ${state} = 'acknowledged')`.as('acknowledged'),
      sql<number>`count(*) filter (where ${state} in ('pending', 'escalated'))`.as('pending'),
      sql<number>`count(*) filter (where ${state} = 'unreachable')`.as('unreachable'),
    ])
    .where('wr.warningId', 'in', ids)
    .groupBy('wr.warningId')
    .execute()
  const byId = new Map(counts.map(({ warningId, ...c }) => [warningId, c]))
  return {
    items: rows.map((r) => ({
      ...r,
      issuedAt: iso(r.issuedAt),
      onset: r.onset.toISOString(),
      expires: iso(r.expires),
      createdAt: r.createdAt.toISOString(),
      authors: r.authors.map(Number),
      counts: byId.get(r.id) ?? { recipients: 0, acknowledged: 0, pending: 0, unreachable: 0 },
    })),
    total,
  }
}

/** Columns of a checked draft. */
export function warningColumns(v: WarningValues) {
  return {
    purpose: v.purpose,
    regionCode: v.regionCode,
    eventClass: v.eventClass,
    eventType: v.eventType,
    level: v.level,
    headline: v.headline,
    description: v.description,
    instruction: v.instruction,
    areaDesc: v.areaDesc,
    senderName: v.senderName,
    onset: v.onset,
    expires: v.expires,
    target: JSON.stringify(v.target),
    channels: v.channels,
    ladder: JSON.stringify(v.ladder),
  }
}

/** The warning row, locked for the rest of the transaction; outside the jurisdiction → 404. */
export async function lockWarning(trx: Transaction<Database>, scope: Scope, id: number) {
  const row = await trx.selectFrom('warning').selectAll().where('id', '=', id).where(inScope('regionCode', scope)).forUpdate().executeTakeFirst()
  if (!row) throw notFound('预警', id)
  return row
}
export type WarningRow = Awaited<ReturnType<typeof lockWarning>>

/** Status first (the clearer refusal when someone else moved it on), then the version. */
export function requireState(row: WarningRow, status: WarningRow['status'], version: number, refusal: string): void {
  if (row.status !== status) throw illegalTransition(refusal)
  if (row.version !== version) throw stale(`预警“${row.headline}”`)
}

export type CreateOptions = {
  source?: 'manual' | 'cap'
  sourceXml?: string | null
  now?: Date
  /** CAP import: what the timeline and the audit entry say about the upstream message. */
  upstream?: Record<string, unknown>
}

/**
 * A new draft inside the caller's transaction, through the same checks whoever writes it (the
 * form or a CAP import), with its first timeline step and audit entry. The writer becomes its
 * first author, who may not approve it (four eyes).
 */
export async function insertDraft(trx: Transaction<Database>, scope: Scope, actor: Actor, input: WarningInput, opts: CreateOptions = {}) {
  const values = await checkWarningInput(trx, scope, input)
  const row = await trx.insertInto('warning').values({
    ...warningColumns(values), source: opts.source ?? 'manual', sourceXml: opts.sourceXml ?? null, createdBy: actor.id,
    authors: actor.id === null ? [] : [actor.id],
    ...(opts.now ? { createdAt: opts.now, updatedAt: opts.now } : {}),
  }).returningAll().executeTakeFirstOrThrow()
  await trx.insertInto('warningStep').values({
    warningId: row.id, at: opts.now ?? new Date(), kind: 'created', actorId: actor.id, detail: JSON.stringify({ source: row.source, ...opts.upstream }),
  }).execute()
  await recordAudit(trx, actor, {
    action: opts.source === 'cap' ? 'warning.imported' : 'warning.created', entity: 'warning', entityId: row.id, regionCode: row.regionCode,
    after: { ...row, sourceXml: undefined, ...(opts.upstream ? { upstream: opts.upstream } : {}) },
  })
  return row
}

/** A new draft written in the form. */
export async function createWarning(db: Db, scope: Scope, actor: Actor, input: WarningInput, opts: CreateOptions = {}): Promise<Warning> {
  const row = await db.transaction().execute((trx) => insertDraft(trx, scope, actor, input, opts))
  return getWarning(db, scope, row.id)
}

/** The actor added to a warning's authors once (four eyes: an editor is an author too). */
export const withAuthor = (actor: Actor) =>
  actor.id === null ? sql<number[]>`authors` : sql<number[]>`case when ${actor.id}::bigint = any(authors) then authors else authors || ${actor.id}::bigint end`

export async function updateDraft(db: Db, scope: Scope, actor: Actor, id: number, input: WarningDraftUpdate): Promise<Warning> {
  await db.transaction().execute(async (trx) => {
    const before = await lockWarning(trx, scope, id)
    requireState(before, 'draft', input.version, '只有草稿可以修改')
    const values = await checkWarningInput(trx, scope, input)
    const after = await trx.updateTable('warning')
      .set({ ...warningColumns(values), authors: withAuthor(actor), version: sql`version + 1`, updatedAt: new Date() })
      .where('id', '=', id).returningAll().executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: 'warning.updated', entity: 'warning', entityId: id, regionCode: after.regionCode,
      before: { ...before, sourceXml: undefined }, after: { ...after, sourceXml: undefined },
    })
  })
  return getWarning(db, scope, id)
}

export async function deleteDraft(db: Db, scope: Scope, actor: Actor, id: number, version: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await lockWarning(trx, scope, id)
    requireState(before, 'draft', version, '只有草稿可以删除；已发布的预警请撤销或解除')
    await trx.deleteFrom('warning').where('id', '=', id).execute()
    await recordAudit(trx, actor, { action: 'warning.deleted', entity: 'warning', entityId: id, regionCode: before.regionCode, before: { ...before, sourceXml: undefined } })
  })
}
