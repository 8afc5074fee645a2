import { sql, type Kysely } from 'kysely'
import { jurisdictionPrefix } from '../../../../domain/regions/code.js'
import { DEFAULT_WARNING_ROLES } from '../../../../domain/warnings/delivery.js'
import { escalationStepText, type EscalationGroup } from '../../../../domain/warnings/escalation.js'
import { DIGEST_STEP, ESCALATION_NOTICE_STEP, NOTICE_LIMIT, planDue, ROUND_MERGE_MINUTES, type DueAction } from '../../../../domain/warnings/ladder.js'
import type { Db } from '../../../db/database.js'
import type { Database } from '../../../db/types.js'
import { publish } from '../../../events/bus.js'
import type { Clock } from '../../../jobs/clock.js'
import { markFullyConfirmed } from './ack.js'
import { addressSql, insertRecipients, loadWaveWarning, personKeySql, queueWave1, wave1Channels, type RecipientSource, type WaveWarning } from './fanout.js'
import { DELIVERIES_TOPIC } from './pipeline.js'

type Trx = Kysely<Database>

/** Serialises escalations (any warning, any instance); escalations are rare, their notices must not double. */
const ESCALATION_LOCK = 0x5357_4553 // "SWES"

const MINUTE = 60_000

/** Who stands in when nobody above holds the silent person's roles. */
const FALLBACK_ROLES = ['head', 'duty_officer']

/** One array parameter rather than thousands of IN-list parameters. */
const anyPerson = (ids: number[]) => sql<boolean>`person_id = any(${ids}::bigint[])`

type DueRow = { warningId: number; personId: number; step: number; canVoice: boolean }

/**
 * One turn of the 叫应 ladder at the clock's time: every pending recipient whose next_at has
 * come gets their next voice call, or is escalated to the level above with a door-knock task.
 * Works in batches, each its own transaction; recipients are locked with SKIP LOCKED, so
 * instances share the work and a confirmation arriving meanwhile waits for the batch (and then
 * settles the call just queued). Returns how many recipients moved.
 */
export async function ladderTick(db: Db, clock: Clock, opts: { batchSize?: number } = {}): Promise<number> {
  const batchSize = opts.batchSize ?? 5000
  let moved = 0
  for (;;) {
    const n = await db.transaction().execute((trx) => tickBatch(trx, clock.now(), batchSize))
    moved += n
    if (n < batchSize) break
  }
  await repairFullyConfirmed(db)
  return moved
}

async function tickBatch(trx: Trx, now: Date, batchSize: number): Promise<number> {
  const { rows } = await sql<DueRow>`
    select r.warning_id, r.person_id, r.step, p.mobile is not null as can_voice
    from warning_recipient r join person p on p.id = r.person_id
    where r.next_at <= ${now} and r.state = 'pending'
    order by r.next_at
    limit ${batchSize}
    for update of r skip locked`.execute(trx)
  const byWarning = new Map<number, DueRow[]>()
  for (const r of rows) {
    const list = byWarning.get(r.warningId)
    if (list) list.push(r)
    else byWarning.set(r.warningId, [r])
  }
  for (const [warningId, due] of byWarning) {
    const w = await loadWaveWarning(trx, warningId)
    if (!w || w.status !== 'issued') {
      await trx.updateTable('warningRecipient').set({ nextAt: null })
        .where('warningId', '=', warningId).where(anyPerson(due.map((d) => d.personId))).execute()
      continue
    }
    await advance(trx, w, due, now)
  }
  return rows.length
}

/** Applies the plan of each due recipient, grouped so each kind of step is one statement. */
async function advance(trx: Trx, w: WaveWarning, due: DueRow[], now: Date): Promise<void> {
  const ctx = { drill: w.purpose === 'drill' }
  const groups = new Map<string, { action: DueAction; ids: number[] }>()
  for (const d of due) {
    const action = planDue(w.ladder, d.step, now, ctx, { canVoice: d.canVoice })
    const key = JSON.stringify(action)
    const g = groups.get(key) ?? { action, ids: [] }
    g.ids.push(d.personId)
    groups.set(key, g)
  }
  const summary: Record<string, number> = {}
  for (const { action, ids } of groups.values()) {
    if (action.kind === 'voice') {
      await queueVoice(trx, w, ids, action, now)
      summary[`voice${action.attempt}`] = ids.length
    } else if (action.kind === 'escalate') {
      await escalate(trx, w, ids, action.step, now)
      summary.escalated = (summary.escalated ?? 0) + ids.length
    } else {
      await trx.updateTable('warningRecipient').set({ nextAt: null, step: action.step })
        .where('warningId', '=', w.id).where(anyPerson(ids)).execute()
    }
  }
  await publish(trx, `warning:${w.id}`, { kind: 'ladder', ...summary })
  await publish(trx, DELIVERIES_TOPIC, { warningId: w.id })
}

async function queueVoice(trx: Trx, w: WaveWarning, ids: number[], action: Extract<DueAction, { kind: 'voice' }>, now: Date): Promise<void> {
  await trx.updateTable('warningRecipient').set({ step: action.step, nextAt: action.nextAt })
    .where('warningId', '=', w.id).where(anyPerson(ids)).execute()
  const { rows } = await sql<{ n: number }>`
    with ins as (
      insert into delivery (warning_id, person_id, channel, address, step, attempt, revision, key, send_after, queued_at)
      select r.warning_id, r.person_id, c.channel, p.mobile, ${action.step}, ${action.attempt}, r.revision,
        ${personKeySql(action.step, action.attempt)}, ${now}, ${now}
      from warning_recipient r join person p on p.id = r.person_id cross join (select 'voice'::text as channel) c
      where r.warning_id = ${w.id} and r.person_id = any(${ids}::bigint[]) and p.mobile is not null
      on conflict (key) do nothing
      returning 1)
    select count(*)::int as n from ins`.execute(trx)
  await trx.insertInto('warningStep').values({
    warningId: w.id, at: now, kind: 'voice',
    detail: JSON.stringify({ attempt: action.attempt, count: rows[0].n, text: `第 ${action.attempt} 次语音呼叫：${rows[0].n} 人尚未确认` }),
  }).execute()
}

/**
 * Still silent after the last call: the same roles one level up (village → township → county,
 * never above the issuing region; the head or duty officer there when nobody holds them) are
 * told, and a door-knock task lists the people of each village to reach. Designed for a whole
 * township being silent at night: the people escalated together form a round, and each superior
 * gets one notice per round naming how many are silent below them (a superior new to the warning
 * gets the warning itself, saying so, and runs the ladder too). Someone nothing ever reached is
 * 'unreachable', the rest 'escalated'; the timeline gets one line per level, not per person.
 */
async function escalate(trx: Trx, w: WaveWarning, ids: number[], step: number, now: Date): Promise<void> {
  // One escalation at a time: rounds, and the per-phone count of notices across warnings, are
  // decided once even when instances share a tick (the second waits, then joins the round).
  await sql`select pg_advisory_xact_lock(${ESCALATION_LOCK})`.execute(trx)
  const round = await openRound(trx, w, now)
  const targetRoles = w.target.roles.length > 0 ? w.target.roles : [...DEFAULT_WARNING_ROLES]
  let pairs: Array<{ personId: number; regionCode: string; regionLevel: string; fromId: number }> = []
  if (w.ladder.escalate) {
    // Every (silent person, superior) pair: the same roles in the parent region, else its head or duty officer.
    pairs = (await sql<{ personId: number; regionCode: string; regionLevel: string; fromId: number }>`
      with silent as (
        select r.person_id, g.parent_code,
          array(select unnest(p.roles) intersect select unnest(${targetRoles}::text[])) as wanted
        from warning_recipient r
        join person p on p.id = r.person_id
        join region g on g.code = r.region_code
        where r.warning_id = ${w.id} and r.person_id = any(${ids}::bigint[])
          and g.parent_code like ${jurisdictionPrefix(w.regionCode) + '%'}),
      matched as (
        select s.person_id as from_id, q.id as person_id, q.region_code
        from silent s join person q on q.region_code = s.parent_code
        where q.roles && s.wanted and q.id <> s.person_id),
      fallback as (
        select s.person_id as from_id, q.id as person_id, q.region_code
        from silent s join person q on q.region_code = s.parent_code
        where q.roles && ${FALLBACK_ROLES}::text[] and q.id <> s.person_id
          and not exists (select 1 from matched m where m.from_id = s.person_id))
      select c.person_id, c.region_code, g.level as region_level, c.from_id
      from (select * from matched union all select * from fallback) c join region g on g.code = c.region_code
      order by c.person_id, c.from_id`.execute(trx)).rows
  }
  if (pairs.length > 0) {
    await sql`
      insert into escalation (round_id, warning_id, person_id, superior_id)
      select ${round.id}, ${w.id}, from_id, superior_id
      from unnest(${pairs.map((p) => p.fromId)}::bigint[], ${pairs.map((p) => p.personId)}::bigint[]) as t(from_id, superior_id)
      on conflict do nothing`.execute(trx)
  }

  // Superiors new to the warning receive it, its first message saying whom they stand in for
  // (escalation-notice.ts); the rest get one notice for the round.
  const firstOf = new Map<number, (typeof pairs)[number]>()
  for (const p of pairs) if (!firstOf.has(p.personId)) firstOf.set(p.personId, p)
  const first = [...firstOf.values()]
  const added = first.length === 0 ? { personIds: [] as number[] } : await insertRecipients(trx, w, now, sql<RecipientSource>`
    select person_id, region_code, region_level, 'escalation' as reason, escalated_from
    from unnest(${first.map((p) => p.personId)}::bigint[], ${first.map((p) => p.regionCode)}::text[],
      ${first.map((p) => p.regionLevel)}::text[], ${first.map((p) => p.fromId)}::bigint[])
      as t(person_id, region_code, region_level, escalated_from)`)
  if (added.personIds.length > 0) await queueWave1(trx, w, now, added.personIds)
  const isNew = new Set(added.personIds)
  await queueRoundNotices(trx, w, round, first.map((p) => p.personId).filter((id) => !isNew.has(id)), now)

  const knocks = w.ladder.doorKnock ? await openDoorKnocks(trx, w, ids, now) : { created: [] as Array<{ areaCode: string; regionCode: string; level: string }> }

  const { rows: settled } = await sql<{ personId: number; state: 'escalated' | 'unreachable'; regionLevel: string }>`
    update warning_recipient r set
      state = case when exists (
        select 1 from delivery d where d.warning_id = r.warning_id and d.person_id = r.person_id and d.revision = r.revision
          and d.state in ('sent', 'delivered', 'acknowledged')) then 'escalated' else 'unreachable' end,
      step = ${step}, next_at = null
    where r.warning_id = ${w.id} and r.person_id = any(${ids}::bigint[])
    returning r.person_id, r.state, r.region_level`.execute(trx)
  await recordEscalationSteps(trx, w, round, settled, pairs, knocks.created, now)
  for (const region of new Set(knocks.created.map((k) => k.regionCode))) {
    await publish(trx, `doorknock:${region}`, { kind: 'created', warningId: w.id })
  }
}

/** The round the people escalated now belong to: the warning's latest if it opened a moment ago. */
async function openRound(trx: Trx, w: WaveWarning, now: Date): Promise<{ id: number; number: number }> {
  const last = await trx.selectFrom('escalationRound').select(['id', 'number', 'revision', 'openedAt'])
    .where('warningId', '=', w.id).orderBy('number', 'desc').limit(1).executeTakeFirst()
  if (last && last.revision === w.revision && now.getTime() - last.openedAt.getTime() < ROUND_MERGE_MINUTES * MINUTE) return last
  return trx.insertInto('escalationRound')
    .values({ warningId: w.id, revision: w.revision, number: (last?.number ?? 0) + 1, openedAt: now })
    .returning(['id', 'number']).executeTakeFirstOrThrow()
}

/**
 * One notice per superior for the round, on each first-wave channel they can receive (a repeat
 * in the same round is a no-op by its key). SMS counts against the per-phone limit across all
 * warnings (NOTICE_LIMIT): beyond it, the notice joins the phone's digest instead.
 */
async function queueRoundNotices(trx: Trx, w: WaveWarning, round: { id: number; number: number }, superiors: number[], now: Date): Promise<void> {
  if (superiors.length === 0) return
  const channels = wave1Channels(w)
  const direct = channels.filter((c) => c !== 'sms')
  const noticeKey = sql<string>`'w' || ${w.id}::bigint || 'r' || ${w.revision}::int || 'p' || p.id || ':' || c.channel || ':round' || ${round.number}::int`
  if (direct.length > 0) {
    await sql`
      insert into delivery (warning_id, person_id, channel, address, step, attempt, revision, key, send_after, queued_at, round_id)
      select ${w.id}, p.id, c.channel, ${addressSql}, ${ESCALATION_NOTICE_STEP}, 1, ${w.revision}, ${noticeKey}, ${now}, ${now}, ${round.id}
      from person p cross join unnest(${direct}::text[]) as c(channel)
      where p.id = any(${superiors}::bigint[]) and ${addressSql} is not null
      on conflict (key) do nothing`.execute(trx)
  }
  if (!channels.includes('sms')) return

  const windowStart = new Date(now.getTime() - NOTICE_LIMIT.windowMinutes * MINUTE)
  // Literal steps, so the planner sees the partial index delivery_notice_address_idx applies.
  const noticeRows = sql`d.step in (${sql.lit(ESCALATION_NOTICE_STEP)}, ${sql.lit(DIGEST_STEP)})`
  const { rows: phones } = await sql<{ personId: number; mobile: string; recent: number; digestId: number | null }>`
    select p.id as person_id, p.mobile,
      (select count(*) from delivery d where d.address = p.mobile and d.channel = 'sms' and ${noticeRows}
        and d.queued_at > ${windowStart} and d.state <> 'failed')::int as recent,
      (select max(d.id) from delivery d where d.address = p.mobile and d.channel = 'sms' and ${noticeRows}
        and d.step = ${DIGEST_STEP} and d.state = 'queued') as digest_id
    from person p
    where p.id = any(${superiors}::bigint[]) and p.mobile is not null
    order by p.id`.execute(trx)
  // Two directory entries may share a phone: the count is the phone's, updated as we go.
  const seen = new Map<string, { recent: number; digestId: number | null }>()
  for (const ph of phones) {
    const at = seen.get(ph.mobile) ?? { recent: ph.recent, digestId: ph.digestId }
    seen.set(ph.mobile, at)
    if (at.digestId === null && at.recent < NOTICE_LIMIT.perWindow) {
      const sent = await sql`
        insert into delivery (warning_id, person_id, channel, address, step, attempt, revision, key, send_after, queued_at, round_id)
        select ${w.id}, p.id, c.channel, p.mobile, ${ESCALATION_NOTICE_STEP}, 1, ${w.revision}, ${noticeKey}, ${now}, ${now}, ${round.id}
        from person p cross join (select 'sms'::text as channel) c where p.id = ${ph.personId}
        on conflict (key) do nothing`.execute(trx)
      if (Number(sent.numAffectedRows ?? 0) > 0) at.recent++
      continue
    }
    if (at.digestId === null) {
      const digest = await trx.insertInto('delivery').values({
        warningId: w.id, personId: ph.personId, channel: 'sms', address: ph.mobile, step: DIGEST_STEP, attempt: 1,
        revision: w.revision, key: `w${w.id}p${ph.personId}:sms:digest${now.getTime()}`,
        sendAfter: new Date(now.getTime() + NOTICE_LIMIT.digestAfterMinutes * MINUTE), queuedAt: now,
      }).returning('id').executeTakeFirstOrThrow()
      at.digestId = digest.id
      at.recent++
    }
    await trx.insertInto('noticeDigestItem')
      .values({ deliveryId: at.digestId, warningId: w.id, roundId: round.id, personId: ph.personId })
      .onConflict((oc) => oc.doNothing()).execute()
  }
}

/**
 * 上门叫应 per area: one open task per village listing its silent people, knocked on by the
 * township; a township's (or county's) own staff are one task of that region. People join the
 * area's open task when there is one.
 */
async function openDoorKnocks(trx: Trx, w: WaveWarning, ids: number[], now: Date) {
  const { rows } = await sql<{ areaCode: string; regionCode: string; level: string }>`
    with silent as (
      select r.person_id, r.region_code as area, r.region_level as level,
        case when r.region_level = 'village' then rpad(left(r.region_code, 9), 12, '0') else r.region_code end as owner
      from warning_recipient r
      where r.warning_id = ${w.id} and r.person_id = any(${ids}::bigint[])),
    areas as (select distinct area, owner, level from silent),
    created as (
      insert into door_knock_task (warning_id, area_code, region_code, created_at)
      select ${w.id}, area, owner, ${now} from areas
      on conflict (warning_id, area_code) where state = 'open' do nothing
      returning id, area_code, region_code),
    tasks as (
      select id, area_code from created
      union all
      select t.id, t.area_code from door_knock_task t join areas a on a.area = t.area_code
      where t.warning_id = ${w.id} and t.state = 'open'),
    listed as (
      insert into door_knock_person (task_id, warning_id, person_id)
      select t.id, ${w.id}, s.person_id from silent s join tasks t on t.area_code = s.area
      on conflict do nothing)
    select c.area_code, c.region_code, a.level
    from created c join areas a on a.area = c.area_code`.execute(trx)
  return { created: rows }
}

/** One timeline line per silent level and round; a round that grows (a later batch) updates its line. */
async function recordEscalationSteps(
  trx: Trx, w: WaveWarning, round: { id: number; number: number },
  settled: Array<{ personId: number; state: 'escalated' | 'unreachable'; regionLevel: string }>,
  pairs: Array<{ personId: number; fromId: number }>, created: Array<{ level: string }>, now: Date,
): Promise<void> {
  const groups = new Map<string, EscalationGroup & { ids: number[] }>()
  for (const s of settled) {
    const k = `${s.state}:${s.regionLevel}`
    const g = groups.get(k) ?? { level: s.regionLevel, state: s.state, count: 0, superiors: 0, doorKnocks: 0, ids: [] }
    g.count++
    g.ids.push(s.personId)
    groups.set(k, g)
  }
  for (const g of groups.values()) {
    const mine = new Set(g.ids)
    const ups = new Set(pairs.filter((p) => mine.has(p.fromId)).map((p) => p.personId))
    // Door knocks are per area whatever the state; the line of the level's larger group carries them.
    const knocks = created.filter((c) => c.level === g.level).length
    const sibling = groups.get(`${g.state === 'escalated' ? 'unreachable' : 'escalated'}:${g.level}`)
    const carries = !sibling || g.count > sibling.count || (g.count === sibling.count && g.state === 'escalated')
    const prior = await trx.selectFrom('warningStep').select(['id', 'detail'])
      .where('warningId', '=', w.id).where('kind', '=', g.state)
      .where(sql<boolean>`(detail->>'roundId')::bigint = ${round.id} and detail->>'level' = ${g.level}`)
      .executeTakeFirst()
    const before = (prior?.detail ?? {}) as Partial<EscalationGroup>
    const group: EscalationGroup = {
      level: g.level, state: g.state,
      count: (before.count ?? 0) + g.count,
      superiors: (before.superiors ?? 0) + ups.size,
      doorKnocks: (before.doorKnocks ?? 0) + (carries ? knocks : 0),
    }
    const detail = JSON.stringify({ ...group, roundId: round.id, round: round.number, text: escalationStepText(group) })
    if (prior) await trx.updateTable('warningStep').set({ detail, at: now }).where('id', '=', prior.id).execute()
    else await trx.insertInto('warningStep').values({ warningId: w.id, at: now, kind: g.state, detail }).execute()
  }
}

/** Issued warnings that everyone confirmed but whose time of 100% was missed (see markFullyConfirmed). */
async function repairFullyConfirmed(db: Db): Promise<void> {
  const { rows } = await sql<{ id: number }>`
    select w.id from warning w
    where w.status = 'issued' and w.fully_confirmed_at is null
      and exists (select 1 from warning_recipient r where r.warning_id = w.id)
      and not exists (select 1 from warning_recipient r where r.warning_id = w.id and r.state <> 'acknowledged')`.execute(db)
  for (const r of rows) await markFullyConfirmed(db, r.id)
}
