import { sql, type RawBuilder, type SqlBool } from 'kysely'
import { storedSource } from '../../../../domain/map/position-sources.js'
import { maskPhone } from '../../../../domain/people/phone.js'
import { levelOf, REGION_LEVELS } from '../../../../domain/regions/code.js'
import { confirmedPercent } from '../../../../domain/warnings/progress.js'
import type { Db } from '../../../db/database.js'
import { codeInScope, inScope, scopeOf, type Scope } from '../../../db/scope.js'
import { notFound, outOfScope } from '../../../errors.js'
import { containsPattern } from '../../../shared/like.js'
import { iso } from '../../../shared/dates.js'
import { paging } from '../../../shared/paging.js'
import { childKey, childPrefixLength, OWN_LEVEL } from '../../rollup/tree.js'
import type {
  Board, BoardQuery, RecipientDetail, RecipientListQuery, RecipientRow, SilentQuery, SilentRow, VillageState,
} from '../schema.js'
import { listTimeline } from '../drafting/timeline.js'

/**
 * The live board of one warning. Every figure is one grouped query over warning_recipient or
 * delivery (100k rows for a province-wide warning): no per-person or per-region round trips.
 */


/** The warning a board belongs to; outside the jurisdiction it does not exist. */
export async function visibleWarning(db: Db, scope: Scope, id: number) {
  const w = await db.selectFrom('warning')
    .select(['id', 'purpose', 'regionCode', 'status', 'issuedAt', 'fullyConfirmedAt'])
    .where('id', '=', id).where(inScope('regionCode', scope)).executeTakeFirst()
  if (!w) throw notFound('预警', id)
  return w
}

/**
 * A recipient's state as the board reports it. A drill has no ladder to give up on anyone, so
 * there "unreachable" is read off the messages: pending with every one of them failed (or none
 * possible at all) is unreachable — the drill's finding.
 */
export function reportedState(purpose: string): RawBuilder<string> {
  if (purpose !== 'drill') return sql<string>`wr.state`
  return sql<string>`(case when wr.state = 'pending' and not exists (select 1 from delivery d
    where d.warning_id = wr.warning_id and d.person_id = wr.person_id and d.state <> 'failed') then 'unreachable' else wr.state end)`
}

/**
 * 未叫醒, one definition for the board's count and the list: the ladder gave up on them
 * (escalated, unreachable) or has called them by voice at least once (step ≥ 1) and they are
 * still silent. So the number on the board is always the length of the list.
 */
export function silentWhere(state: RawBuilder<string>): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${state} in ('escalated', 'unreachable') or (${state} = 'pending' and wr.step >= 1))`
}

/** count(*) per reported recipient state, as select expressions over `wr`. */
function stateCounts(state: RawBuilder<string>) {
  const n = (value?: string) => sql<number>`count(*)${value ? sql` filter (where ${state} = ${value})` : sql``}`
  return [
    n().as('recipients'), n('acknowledged').as('acknowledged'), n('pending').as('pending'),
    n('escalated').as('escalated'), n('unreachable').as('unreachable'),
    sql<number>`count(*) filter (where ${silentWhere(state)})`.as('silent'),
  ] as const
}
type Counts = { recipients: number; acknowledged: number; pending: number; escalated: number; unreachable: number; silent: number }
const zero = (): Counts => ({ recipients: 0, acknowledged: 0, pending: 0, escalated: 0, unreachable: 0, silent: 0 })
const counts = (r: Counts): Counts => ({
  recipients: r.recipients, acknowledged: r.acknowledged, pending: r.pending, escalated: r.escalated, unreachable: r.unreachable, silent: r.silent,
})

export async function getBoard(db: Db, scope: Scope, id: number, query: BoardQuery = {}): Promise<Board> {
  const w = await visibleWarning(db, scope, id)
  const regionCode = query.region ?? w.regionCode
  if (!codeInScope(regionCode, scope)) throw outOfScope(regionCode)
  const region = await db.selectFrom('region').select(['code', 'name']).where('code', '=', regionCode).executeTakeFirst()
  if (!region) throw notFound('区划', regionCode)
  const n = childPrefixLength(levelOf(regionCode))
  const state = reportedState(w.purpose)

  const byLevelRows = db.selectFrom('warningRecipient as wr')
    .select(['wr.regionLevel as level', ...stateCounts(state), sql<Date | null>`max(wr.acknowledged_at)`.as('lastAck')])
    .where('wr.warningId', '=', id)
    .groupBy('wr.regionLevel')
    .execute()

  // Children of the region left-joined to the grouped recipients, so a child nobody was found
  // in still shows (a gap in the directory); the region's own people form the 本级 row.
  const byRegionRows = db
    .with('g', (qb) => qb.selectFrom('warningRecipient as wr')
      .select([childKey('wr.regionCode', n).as('k'), ...stateCounts(state)])
      .where('wr.warningId', '=', id)
      .where(inScope('wr.regionCode', scopeOf(regionCode)))
      .groupBy(childKey('wr.regionCode', n)))
    .selectFrom('region as r')
    .leftJoin('g', (join) => join.on((eb) => eb('g.k', '=', childKey('r.code', n))))
    .select(['r.code', 'r.name', 'g.recipients', 'g.acknowledged', 'g.pending', 'g.escalated', 'g.unreachable', 'g.silent'])
    .where((eb) => eb.or([eb('r.parentCode', '=', regionCode), eb('r.code', '=', regionCode)]))
    .where(inScope('r.code', scope))
    .orderBy('r.code')
    .execute()

  const channelRows = db.selectFrom('delivery as d')
    .select((eb) => {
      const c = (...states: string[]) => eb.fn.countAll<number>().filterWhere('d.state', 'in', states as never[])
      return ['d.channel', c('queued', 'sending').as('queued'), c('sent').as('sent'), c('delivered').as('delivered'), c('failed').as('failed'), c('acknowledged').as('acknowledged')]
    })
    .where('d.warningId', '=', id)
    .groupBy('d.channel')
    .orderBy('d.channel')
    .execute()

  const [levels, regions, channels, timeline, curve] = await Promise.all([
    byLevelRows, byRegionRows, channelRows, listTimeline(db, id), confirmationCurve(db, id, w.issuedAt),
  ])

  const totals = zero()
  let lastAck: Date | null = null
  for (const l of levels) {
    for (const k of Object.keys(totals) as Array<keyof Counts>) totals[k] += l[k]
    if (l.lastAck && (!lastAck || l.lastAck > lastAck)) lastAck = l.lastAck
  }
  const order = (level: string) => REGION_LEVELS.indexOf(level as never)
  // Until the pipeline stamps fully_confirmed_at, the last confirmation of a complete set is it.
  const fullAt = w.fullyConfirmedAt ?? (totals.recipients > 0 && totals.acknowledged === totals.recipients ? lastAck : null)

  return {
    warningId: w.id,
    status: w.status,
    issuedAt: iso(w.issuedAt),
    fullyConfirmedAt: iso(fullAt),
    secondsToFull: fullAt && w.issuedAt ? Math.max(0, Math.round((fullAt.getTime() - w.issuedAt.getTime()) / 1000)) : null,
    totals,
    confirmedPercent: confirmedPercent(totals.acknowledged, totals.recipients),
    byLevel: levels.sort((a, b) => order(a.level) - order(b.level)).map((l) => ({ level: l.level, ...counts(l) })),
    byRegion: regions
      .filter((r) => r.code !== regionCode || (r.recipients ?? 0) > 0)
      .map((r) => ({
        code: r.code,
        name: r.code === regionCode ? `${r.name}（${OWN_LEVEL}）` : r.name,
        ...(r.recipients === null ? zero() : counts(r as Counts)),
      })),
    channels,
    timeline,
    curve,
  }
}

/** Points on the confirmations-over-time curve: about this many, however long the warning runs. */
const CURVE_POINTS = 60

/**
 * Confirmed and reached people over time since issue, cumulative, at the end of each bucket
 * (whole minutes, as many as keep the curve near CURVE_POINTS points).
 */
async function confirmationCurve(db: Db, id: number, issuedAt: Date | null): Promise<Board['curve']> {
  if (!issuedAt) return []
  const { rows: [span] } = await sql<{ last: Date | null }>`
    select max(greatest(acknowledged_at, created_at)) as last from warning_recipient where warning_id = ${id}`.execute(db)
  const end = span?.last && span.last > issuedAt ? span.last : issuedAt
  const minutes = Math.max(1, Math.ceil((end.getTime() - issuedAt.getTime()) / 60_000 / CURVE_POINTS))
  const bucket = `${minutes} minutes`
  const { rows } = await sql<{ at: Date; acknowledged: number; recipients: number }>`
    select x.b + ${bucket}::interval as at,
      count(*) filter (where x.kind = 'ack')::int as acknowledged, count(*) filter (where x.kind = 'rec')::int as recipients
    from (
      select date_bin(${bucket}::interval, acknowledged_at, ${issuedAt}::timestamptz) as b, 'ack' as kind
      from warning_recipient where warning_id = ${id} and acknowledged_at is not null
      union all
      select date_bin(${bucket}::interval, greatest(created_at, ${issuedAt}::timestamptz), ${issuedAt}::timestamptz), 'rec'
      from warning_recipient where warning_id = ${id}) x
    group by x.b order by x.b`.execute(db)
  const curve: Board['curve'] = [{ at: issuedAt.toISOString(), acknowledged: 0, recipients: 0 }]
  let acknowledged = 0
  let recipients = 0
  for (const r of rows) {
    acknowledged += r.acknowledged
    recipients += r.recipients
    const at = r.at > end ? end : r.at
    curve.push({ at: at.toISOString(), acknowledged, recipients })
  }
  return curve
}

// ---- people ----

/** Latest attempt on any channel: sent, failed or at least queued. */
const lastAttempt = sql<Date | null>`(select max(coalesce(d.sent_at, d.failed_at, d.queued_at)) from delivery d where d.warning_id = wr.warning_id and d.person_id = wr.person_id)`

// The silent first: whom the owner has to act on.
const stateOrder = (state: RawBuilder<string>) => sql`case ${state} when 'unreachable' then 0 when 'escalated' then 1 when 'pending' then 2 else 3 end`

function recipientsOf(db: Db, id: number) {
  return db.selectFrom('warningRecipient as wr')
    .innerJoin('person as p', 'p.id', 'wr.personId')
    .where('wr.warningId', '=', id)
}

function recipientColumns<T extends ReturnType<typeof recipientsOf>>(base: T, state: RawBuilder<string>) {
  return base
    .innerJoin('region as r', 'r.code', 'wr.regionCode')
    .leftJoin('person as ef', 'ef.id', 'wr.escalatedFrom')
    .select([
      'wr.personId', 'p.name', 'p.post', 'wr.regionCode', 'r.fullName as regionName', 'wr.regionLevel', 'p.mobile',
      'wr.reason', 'ef.name as escalatedFromName', state.as('state'), 'wr.step', 'wr.acknowledgedAt', 'wr.ackChannel',
      lastAttempt.as('lastAttemptAt'),
    ])
}
type RecipientRaw = {
  personId: number; name: string; post: string | null; regionCode: string; regionName: string; regionLevel: string
  mobile: string | null; reason: string; escalatedFromName: string | null; state: string; step: number
  acknowledgedAt: Date | null; ackChannel: string | null; lastAttemptAt: Date | null
}

/** Numbers always masked: whoever must call reveals one at a time through the audited person reveal. */
function presentRecipient(r: RecipientRaw): RecipientRow {
  return {
    personId: r.personId, name: r.name, post: r.post, regionCode: r.regionCode, regionName: r.regionName,
    regionLevel: r.regionLevel, mobile: maskPhone(r.mobile), reason: r.reason,
    escalatedFromName: r.escalatedFromName, state: r.state, step: r.step, acknowledgedAt: iso(r.acknowledgedAt),
    ackChannel: r.ackChannel, lastAttemptAt: iso(r.lastAttemptAt),
  }
}

/** Everyone the warning reached, silent first; full numbers only for phone.reveal holders. */
export async function listRecipients(
  db: Db, scope: Scope, id: number, query: RecipientListQuery,
): Promise<{ items: RecipientRow[]; total: number }> {
  const w = await visibleWarning(db, scope, id)
  const state = reportedState(w.purpose)
  let base = recipientsOf(db, id)
  if (query.state) base = base.where(sql<SqlBool>`${state} = ${query.state}`)
  if (query.level) base = base.where('wr.regionLevel', '=', query.level)
  if (query.region) {
    if (!codeInScope(query.region, scope)) throw outOfScope(query.region)
    base = base.where(inScope('wr.regionCode', scopeOf(query.region)))
  }
  const q = query.q?.trim()
  if (q) {
    const pattern = containsPattern(q)
    base = base.where((eb) => eb.or([eb('p.name', 'ilike', pattern), eb('p.post', 'ilike', pattern)]))
  }
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow()
  const { limit, offset } = paging(query)
  const rows = await recipientColumns(base, state)
    .orderBy(stateOrder(state)).orderBy('wr.regionCode').orderBy('wr.personId')
    .limit(limit).offset(offset).execute()
  return { items: rows.map((r) => presentRecipient(r)), total }
}

function maskEmail(value: string | null): string | null {
  if (!value) return value
  const at = value.indexOf('@')
  return at <= 0 ? '****' : `${value[0]}***${value.slice(at)}`
}

function maskAddress(channel: string, address: string | null): string | null {
  if (channel === 'email') return maskEmail(address)
  if (channel === 'sms' || channel === 'voice') return maskPhone(address)
  // In-app addresses are account ids; group robots carry webhook URLs with their keys.
  return channel === 'inapp' ? address : address ? '****' : null
}

/** One person's part in a warning: every message on every channel, every attempt. */
export async function getRecipient(db: Db, scope: Scope, id: number, personId: number): Promise<RecipientDetail> {
  const w = await visibleWarning(db, scope, id)
  const r = await db.selectFrom('warningRecipient as wr')
    .innerJoin('person as p', 'p.id', 'wr.personId')
    .innerJoin('region as pr', 'pr.code', 'p.regionCode')
    .leftJoin('person as ef', 'ef.id', 'wr.escalatedFrom')
    .select([
      'p.id', 'p.name', 'p.post', 'p.regionCode', 'pr.fullName as regionName', 'p.mobile', 'p.email',
      'wr.reason', 'ef.name as escalatedFromName', reportedState(w.purpose).as('state'), 'wr.step', 'wr.nextAt', 'wr.acknowledgedAt',
      'wr.ackChannel', 'wr.revision', 'wr.createdAt',
    ])
    .where('wr.warningId', '=', id).where('wr.personId', '=', personId)
    .executeTakeFirst()
  if (!r) throw notFound('预警接收人', personId)
  const deliveries = await db.selectFrom('delivery')
    .select(['id', 'channel', 'step', 'attempt', 'revision', 'state', 'address', 'queuedAt', 'sentAt', 'deliveredAt', 'failedAt', 'acknowledgedAt', 'error'])
    .where('warningId', '=', id).where('personId', '=', personId)
    .orderBy('id')
    .execute()
  return {
    person: {
      id: r.id, name: r.name, post: r.post, regionCode: r.regionCode, regionName: r.regionName,
      mobile: maskPhone(r.mobile), email: maskEmail(r.email),
    },
    recipient: {
      reason: r.reason, escalatedFromName: r.escalatedFromName, state: r.state, step: r.step, nextAt: iso(r.nextAt),
      acknowledgedAt: iso(r.acknowledgedAt), ackChannel: r.ackChannel, revision: r.revision, createdAt: r.createdAt.toISOString(),
    },
    deliveries: deliveries.map((d) => ({
      ...d,
      address: maskAddress(d.channel, d.address),
      queuedAt: d.queuedAt.toISOString(),
      sentAt: iso(d.sentAt),
      deliveredAt: iso(d.deliveredAt),
      failedAt: iso(d.failedAt),
      acknowledgedAt: iso(d.acknowledgedAt),
    })),
  }
}

const voiceAttempts = sql<number>`(select count(*) from delivery d where d.warning_id = wr.warning_id and d.person_id = wr.person_id and d.channel = 'voice')`

/**
 * 未叫醒: not confirmed although the ladder has already called them (or given up on them), with
 * the state of their door-knock task. For a drill: those no message reached.
 */
export async function listSilent(
  db: Db, scope: Scope, id: number, query: SilentQuery,
): Promise<{ items: SilentRow[]; total: number }> {
  const w = await visibleWarning(db, scope, id)
  const state = reportedState(w.purpose)
  const base = recipientsOf(db, id).where(silentWhere(state))
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow()
  const { limit, offset } = paging(query)
  const rows = await recipientColumns(base, state)
    // The person's latest door-knock list (a new one follows a done one after an update).
    .leftJoinLateral((eb) => eb.selectFrom('doorKnockPerson as k').innerJoin('doorKnockTask as t', 't.id', 'k.taskId')
      .select(['t.id', 't.state', 't.result'])
      .whereRef('k.warningId', '=', 'wr.warningId').whereRef('k.personId', '=', 'wr.personId')
      .orderBy('t.id', 'desc').limit(1).as('dk'), (join) => join.onTrue())
    .select([voiceAttempts.as('voiceAttempts'), 'dk.id as doorKnockTaskId', 'dk.state as doorKnockState', 'dk.result as doorKnockResult'])
    .orderBy(stateOrder(state)).orderBy('wr.regionCode').orderBy('wr.personId')
    .limit(limit).offset(offset).execute()
  return {
    items: rows.map((r) => ({
      ...presentRecipient(r),
      voiceAttempts: r.voiceAttempts,
      doorKnockTaskId: r.doorKnockTaskId,
      doorKnockState: r.doorKnockState,
      doorKnockResult: r.doorKnockResult,
    })),
    total,
  }
}

/** Villages with responsible people in the warning, coloured by how many have confirmed. */
export async function listVillages(db: Db, scope: Scope, id: number): Promise<VillageState[]> {
  await visibleWarning(db, scope, id)
  const rows = await db
    .with('g', (qb) => qb.selectFrom('warningRecipient as wr')
      .select((eb) => [
        'wr.regionCode',
        eb.fn.countAll<number>().as('recipients'),
        eb.fn.countAll<number>().filterWhere('wr.state', '=', 'acknowledged').as('acknowledged'),
      ])
      .where('wr.warningId', '=', id).where('wr.regionLevel', '=', 'village').where(inScope('wr.regionCode', scope))
      .groupBy('wr.regionCode'))
    .selectFrom('g')
    .innerJoin('region as r', 'r.code', 'g.regionCode')
    .select(['r.code', 'r.name', 'r.lng', 'r.lat', 'r.positionSource', 'g.recipients', 'g.acknowledged'])
    .orderBy('r.code')
    .execute()
  return rows.map((r) => ({
    ...r,
    positionSource: storedSource(r.positionSource),
    state: r.acknowledged === r.recipients ? 'all' : r.acknowledged === 0 ? 'none' : 'some',
  }))
}
