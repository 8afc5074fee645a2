import { sql, type Kysely, type RawBuilder } from 'kysely'
import { GROUP_CHANNELS, type Channel } from '../../../../domain/warnings/delivery.js'
import { isWarningLevel } from '../../../../domain/warnings/levels.js'
import { ladderOf, planWave1, voiceEnabled, type LadderPolicy } from '../../../../domain/warnings/ladder.js'
import type { WarningTarget } from '../../../../domain/warnings/target.js'
import type { Db } from '../../../db/database.js'
import type { Database } from '../../../db/types.js'
import { publish } from '../../../events/bus.js'
import type { Clock } from '../../../jobs/clock.js'
import { groupWebhooksFor, recipientsQuery } from '../../linkage/recipients.js'
import { DELIVERIES_TOPIC } from './pipeline.js'

type Trx = Kysely<Database>

export type FanoutPayload = { warningId: number; revision: number }

/** The parts of a warning that decide how wave 1 goes out. */
export type WaveWarning = {
  id: number
  revision: number
  regionCode: string
  level: number
  purpose: 'warning' | 'drill'
  channels: string[]
  ladder: LadderPolicy
  target: WarningTarget
}

export type WaveCounts = {
  recipients: number
  byChannel: Record<string, number>
  /** Reachable on no channel at all: escalated at once where the ladder allows, else marked unreachable. */
  unreachable: number
}

/**
 * Idempotency key handed to the gateway, `w<warning>r<revision>p<person>:<channel>:s<step>a<attempt>`,
 * built in SQL for set-based inserts (aliases r: warning_recipient, c: the channel). A retried
 * send reuses its row's key, so the gateway can tell a repeat from a new message.
 */
export const personKeySql = (step: unknown, attempt: unknown) =>
  sql<string>`'w' || r.warning_id || 'r' || r.revision || 'p' || r.person_id || ':' || c.channel || ':s' || ${step} || 'a' || ${attempt}`

/** Where a person is reached on a channel; null when they cannot be (no mobile, no e-mail, no account). */
export const addressSql = sql<string | null>`case c.channel
  when 'sms' then p.mobile
  when 'voice' then p.mobile
  when 'email' then p.email
  when 'inapp' then case when exists (select 1 from app_user u where u.person_id = p.id and not u.disabled) then p.id::text end
end`

export async function loadWaveWarning(trx: Trx, warningId: number): Promise<(WaveWarning & { status: string }) | null> {
  const w = await trx.selectFrom('warning')
    .select(['id', 'revision', 'regionCode', 'level', 'purpose', 'status', 'channels', 'ladder', 'target'])
    .where('id', '=', warningId).executeTakeFirst()
  if (!w) return null
  const level = isWarningLevel(w.level) ? w.level : 4
  return { ...w, ladder: ladderOf(w.ladder, level), target: w.target as WarningTarget }
}

/** Person channels of wave 1: the policy's first wave among the channels chosen for the warning. */
export function wave1Channels(w: WaveWarning): Channel[] {
  return w.ladder.wave1.filter((c) => w.channels.includes(c) && !GROUP_CHANNELS.includes(c) && c !== 'voice')
}

/** Columns of the rows that become recipients (see `insertRecipients`). */
export type RecipientSource = {
  person_id: number
  region_code: string
  region_level: string
  reason: 'target' | 'group' | 'escalation'
  escalated_from: number | null
}

/**
 * Wave 1 as SQL pieces: its channels (with the first voice call at night), whether a person `p`
 * can be reached at all, and the ladder plan for each of the four kinds of people (mobile or
 * not, reachable or not), joined as `plan` on `plan.can_voice` and `plan.reachable`.
 */
function wavePlan(w: WaveWarning, now: Date) {
  const ctx = { drill: w.purpose === 'drill' }
  const channels: Array<[Channel, number]> = wave1Channels(w).map((c) => [c, 0])
  if (planWave1(w.ladder, now, ctx, { canVoice: true, reachable: true }).voiceNow) channels.push(['voice', 1])
  const names = channels.map((c) => c[0])
  const reachable = sql<boolean>`(exists (select 1 from unnest(${names}::text[]) as c(channel) where ${addressSql} is not null)
    or (p.mobile is not null and ${voiceEnabled(w.ladder)}::boolean))`
  const plans = [true, false].flatMap((canVoice) => [true, false].map((reach) => {
    const p = planWave1(w.ladder, now, ctx, { canVoice, reachable: reach })
    return sql`(${canVoice}::boolean, ${reach}::boolean, ${p.state}::text, ${p.step}::smallint, ${p.nextAt}::timestamptz)`
  }))
  const plan = sql`(values ${sql.join(plans)}) as plan(can_voice, reachable, state, step, next_at)
    on plan.can_voice = (p.mobile is not null) and plan.reachable = ${reachable}`
  return { channels, plan }
}

/**
 * Adds recipients whose ladder starts now, each with its plan, in one INSERT … SELECT from
 * `source` (which must not be a warning's recipient already: existing rows are left alone).
 * Returns the people added and how many of them nothing can reach.
 */
export async function insertRecipients(trx: Trx, w: WaveWarning, now: Date, source: RawBuilder<RecipientSource>) {
  const { plan } = wavePlan(w, now)
  const { rows } = await sql<{ personId: number; reachable: boolean }>`
    with src as (
      select s.person_id, s.region_code, s.region_level, s.reason, s.escalated_from,
        plan.state, plan.step, plan.next_at, plan.reachable
      from (${source}) s join person p on p.id = s.person_id join ${plan}),
    ins as (
      insert into warning_recipient (warning_id, person_id, region_code, region_level, reason, escalated_from, revision, state, step, next_at, created_at)
      select ${w.id}, person_id, region_code, region_level, reason, escalated_from, ${w.revision}, state, step, next_at, ${now} from src
      on conflict (warning_id, person_id) do nothing
      returning person_id)
    select ins.person_id, src.reachable from ins join src on src.person_id = ins.person_id`.execute(trx)
  return { personIds: rows.map((r) => r.personId), unreachable: rows.filter((r) => !r.reachable).length }
}

/** An update: everyone of an older revision starts over, confirmed or not. */
async function restartRecipients(trx: Trx, w: WaveWarning, now: Date): Promise<void> {
  const { plan } = wavePlan(w, now)
  await sql`
    update warning_recipient r set state = plan.state, step = plan.step, next_at = plan.next_at,
      acknowledged_at = null, ack_channel = null, revision = ${w.revision}
    from person p join ${plan}
    where p.id = r.person_id and r.warning_id = ${w.id} and r.revision < ${w.revision}`.execute(trx)
}

/**
 * Wave-1 deliveries for the warning's current recipients not yet confirmed (all of them, or only
 * `personIds`), one per channel each can receive, in one INSERT … SELECT. Keys make a repeat a no-op.
 */
export async function queueWave1(trx: Trx, w: WaveWarning, now: Date, personIds?: number[]): Promise<Record<string, number>> {
  const { channels } = wavePlan(w, now)
  if (channels.length === 0) return {}
  const { rows } = await sql<{ channel: string; n: number }>`
    with ins as (
      insert into delivery (warning_id, person_id, channel, address, step, attempt, revision, key, send_after, queued_at)
      select r.warning_id, r.person_id, c.channel, a.address, c.step, 1, r.revision, ${personKeySql(sql`c.step`, 1)}, ${now}, ${now}
      from warning_recipient r
      join person p on p.id = r.person_id
      cross join unnest(${channels.map((c) => c[0])}::text[], ${channels.map((c) => c[1])}::int[]) as c(channel, step)
      cross join lateral (select ${addressSql} as address) a
      where r.warning_id = ${w.id} and r.revision = ${w.revision} and r.state <> 'acknowledged' and a.address is not null
        ${personIds ? sql`and r.person_id = any(${personIds}::bigint[])` : sql``}
      on conflict (key) do nothing
      returning channel)
    select channel, count(*)::int as n from ins group by channel`.execute(trx)
  return Object.fromEntries(rows.map((r) => [r.channel, r.n]))
}

/**
 * Job `warning.fanout`: everyone the warning reaches gets one recipient row and wave 1 on each
 * channel they can receive, and each linkage group with a robot one message. An update (revision
 * > 1) starts everyone over. Runs in one transaction and records itself as a `fanout` step, so a
 * second run of the same revision changes nothing.
 */
export async function fanOut(db: Db, clock: Clock, payload: FanoutPayload): Promise<WaveCounts & { groups: number } | null> {
  const out = await db.transaction().execute(async (trx) => {
    // Shared lock: an update or cancellation waits until this revision is fully queued.
    const locked = await trx.selectFrom('warning').select('id').where('id', '=', payload.warningId).forShare().executeTakeFirst()
    const w = locked && await loadWaveWarning(trx, payload.warningId)
    if (!w || w.status !== 'issued' || w.revision !== payload.revision) return null // closed or superseded
    const done = await trx.selectFrom('warningStep').select('id')
      .where('warningId', '=', w.id).where('kind', '=', 'fanout')
      .where(sql<boolean>`(detail->>'revision')::int = ${w.revision}`).executeTakeFirst()
    if (done) return null
    const now = clock.now()

    if (w.revision > 1) {
      await trx.updateTable('delivery').set({ state: 'failed', error: '预警已更新，改发新版', failedAt: now, lockedUntil: null })
        .where('warningId', '=', w.id).where('revision', '<', w.revision).where('state', '=', 'queued').execute()
      await restartRecipients(trx, w, now)
      await trx.updateTable('warning').set({ fullyConfirmedAt: null }).where('id', '=', w.id).execute()
    }
    const added = await insertRecipients(trx, w, now, sql<RecipientSource>`
      select q.person_id, q.region_code, q.region_level, q.reason, null::bigint as escalated_from
      from (${recipientsQuery(trx, { regionCode: w.regionCode, target: w.target })}) q`)
    const byChannel = await queueWave1(trx, w, now)
    const { total } = await trx.selectFrom('warningRecipient').select((eb) => eb.fn.countAll<number>().as('total'))
      .where('warningId', '=', w.id).executeTakeFirstOrThrow()
    const counts: WaveCounts = { recipients: total, byChannel, unreachable: added.unreachable }
    const groups = await queueGroupRobots(trx, w, now, 's0a1')
    for (const [channel, n] of Object.entries(groups.byChannel)) counts.byChannel[channel] = n
    const deliveries = Object.values(counts.byChannel).reduce((a, b) => a + b, 0)
    const detail = { revision: w.revision, ...counts, groups: groups.groups, deliveries }
    await trx.insertInto('warningStep').values({
      warningId: w.id, at: now, kind: 'fanout',
      detail: JSON.stringify({ ...detail, text: fanoutText(detail) }),
    }).execute()
    await publish(trx, `warning:${w.id}`, { kind: 'fanout', ...detail })
    await publish(trx, DELIVERIES_TOPIC, { warningId: w.id })
    return { ...counts, groups: groups.groups }
  })
  return out
}

/** One message per linkage group robot reached by the warning (the group's chat, not a person). */
export async function queueGroupRobots(trx: Trx, w: WaveWarning, now: Date, suffix: string, step = 0): Promise<{ groups: number; byChannel: Record<string, number> }> {
  const wanted = GROUP_CHANNELS.filter((c) => w.channels.includes(c) && (step !== 0 || w.ladder.wave1.includes(c)))
  if (wanted.length === 0) return { groups: 0, byChannel: {} }
  const hooks = await groupWebhooksFor(trx, { regionCode: w.regionCode, target: w.target })
  const rows = hooks.flatMap((g) => wanted.flatMap((channel) => {
    const address = channel === 'wecom' ? g.wecomWebhook : g.dingtalkWebhook
    if (!address) return []
    return [{
      warningId: w.id, groupId: g.groupId, channel, address, step, attempt: 1, revision: w.revision,
      key: `w${w.id}r${w.revision}g${g.groupId}:${channel}:${suffix}`, sendAfter: now, queuedAt: now,
    }]
  }))
  if (rows.length === 0) return { groups: 0, byChannel: {} }
  const inserted = await trx.insertInto('delivery').values(rows)
    .onConflict((oc) => oc.column('key').doNothing()).returning(['channel', 'groupId']).execute()
  const byChannel: Record<string, number> = {}
  for (const r of inserted) byChannel[r.channel] = (byChannel[r.channel] ?? 0) + 1
  return { groups: new Set(inserted.map((r) => r.groupId)).size, byChannel }
}

function fanoutText(d: { revision: number; recipients: number; deliveries: number; unreachable: number; groups: number }): string {
  const parts = [
    `${d.revision > 1 ? `第 ${d.revision} 版` : ''}发送给 ${d.recipients} 名责任人，共 ${d.deliveries} 条消息`,
    d.groups > 0 ? `含 ${d.groups} 个工作群` : null,
    d.unreachable > 0 ? `${d.unreachable} 人无任何联系方式` : null,
  ]
  return parts.filter(Boolean).join('，')
}
