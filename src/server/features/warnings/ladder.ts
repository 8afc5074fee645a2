import { sql, type Kysely } from 'kysely'
import { jurisdictionPrefix } from '../../../domain/regions/code.js'
import { DEFAULT_WARNING_ROLES } from '../../../domain/warnings/delivery.js'
import { ESCALATION_NOTICE_STEP, planDue, type DueAction } from '../../../domain/warnings/ladder.js'
import type { Db } from '../../db/database.js'
import type { Database } from '../../db/types.js'
import { publish } from '../../events/bus.js'
import type { Clock } from '../../jobs/clock.js'
import { markFullyConfirmed } from './ack.js'
import { DELIVERIES_TOPIC } from './dispatch.js'
import { addressSql, insertRecipients, loadWaveWarning, personKeySql, queueWave1, wave1Channels, type RecipientSource, type WaveWarning } from './fanout.js'

type Trx = Kysely<Database>

/** Recurring job that moves the ladder on. */
export const LADDER_QUEUE = 'warning.ladder'

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
 * never above the issuing region; the head or duty officer there when nobody holds them) receive
 * the warning and run the ladder themselves, and the silent person's township gets a door-knock
 * task. Someone nothing ever reached is 'unreachable', the rest 'escalated'.
 */
async function escalate(trx: Trx, w: WaveWarning, ids: number[], step: number, now: Date): Promise<void> {
  const targetRoles = w.target.roles.length > 0 ? w.target.roles : [...DEFAULT_WARNING_ROLES]
  let superiors: Array<{ personId: number; escalatedFrom: number | null }> = []
  if (w.ladder.escalate) {
    // Every (silent person, superior) pair: the same roles in the parent region, else its head or duty officer.
    const { rows: pairs } = await sql<{ personId: number; regionCode: string; regionLevel: string; fromId: number }>`
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
      order by c.person_id, c.from_id`.execute(trx)

    // Superiors new to the warning receive it, standing in for the first silent person they cover.
    const firstOf = new Map<number, (typeof pairs)[number]>()
    for (const p of pairs) if (!firstOf.has(p.personId)) firstOf.set(p.personId, p)
    const first = [...firstOf.values()]
    const added = first.length === 0 ? { personIds: [] as number[] } : await insertRecipients(trx, w, now, sql<RecipientSource>`
      select person_id, region_code, region_level, 'escalation' as reason, escalated_from
      from unnest(${first.map((p) => p.personId)}::bigint[], ${first.map((p) => p.regionCode)}::text[],
        ${first.map((p) => p.regionLevel)}::text[], ${first.map((p) => p.fromId)}::bigint[])
        as t(person_id, region_code, region_level, escalated_from)`)
    if (added.personIds.length > 0) {
      await queueWave1(trx, w, now, added.personIds)
    }
    // Everyone else is told by an escalation notice: superiors who had the warning already (the
    // township head of a township-wide warning), and new ones about each further silent person.
    const isNew = new Set(added.personIds)
    superiors = first.filter((p) => isNew.has(p.personId)).map((p) => ({ personId: p.personId, escalatedFrom: p.fromId }))
    const notices = pairs.filter((p) => !(isNew.has(p.personId) && firstOf.get(p.personId)!.fromId === p.fromId))
    if (notices.length > 0) {
      await sql`
        insert into delivery (warning_id, person_id, channel, address, step, attempt, revision, key, send_after, queued_at, about_person_id)
        select ${w.id}, p.id, c.channel, ${addressSql}, ${ESCALATION_NOTICE_STEP}, 1, ${w.revision},
          'w' || ${w.id}::bigint || 'r' || ${w.revision}::int || 'p' || p.id || ':' || c.channel || ':esc' || n.from_id,
          ${now}, ${now}, n.from_id
        from unnest(${notices.map((p) => p.personId)}::bigint[], ${notices.map((p) => p.fromId)}::bigint[]) as n(person_id, from_id)
        join person p on p.id = n.person_id
        cross join unnest(${wave1Channels(w)}::text[]) as c(channel)
        where ${addressSql} is not null
        on conflict (key) do nothing`.execute(trx)
      superiors = [...superiors, ...notices.map((p) => ({ personId: p.personId, escalatedFrom: p.fromId }))]
    }
  }

  const knocks = w.ladder.doorKnock ? await sql<{ personId: number; regionCode: string }>`
    insert into door_knock_task (warning_id, person_id, region_code, created_at)
    select r.warning_id, r.person_id,
      case when r.region_level = 'village' then rpad(left(r.region_code, 9), 12, '0') else r.region_code end, ${now}
    from warning_recipient r
    where r.warning_id = ${w.id} and r.person_id = any(${ids}::bigint[])
    on conflict (warning_id, person_id) do nothing
    returning person_id, region_code`.execute(trx).then((r) => r.rows) : []

  const { rows: settled } = await sql<{ personId: number; state: string; name: string; post: string | null }>`
    update warning_recipient r set
      state = case when exists (
        select 1 from delivery d where d.warning_id = r.warning_id and d.person_id = r.person_id and d.revision = r.revision
          and d.state in ('sent', 'delivered', 'acknowledged')) then 'escalated' else 'unreachable' end,
      step = ${step}, next_at = null
    from person p
    where p.id = r.person_id and r.warning_id = ${w.id} and r.person_id = any(${ids}::bigint[])
    returning r.person_id, r.state, p.name, p.post`.execute(trx)

  const names = new Map((superiors.length === 0 ? [] : await trx.selectFrom('person').select(['id', 'name'])
    .where('id', 'in', superiors.map((s) => s.personId)).execute()).map((p) => [p.id, p.name]))
  const knockOf = new Map(knocks.map((k) => [k.personId, k.regionCode]))
  await trx.insertInto('warningStep').values(settled.map((s) => {
    const up = superiors.filter((x) => x.escalatedFrom === s.personId).map((x) => ({ id: x.personId, name: names.get(x.personId) ?? '' }))
    const text = [
      `${s.name}${s.post ? `（${s.post}）` : ''}${s.state === 'unreachable' ? '无法联系上' : '经多次呼叫仍未确认'}`,
      up.length > 0 ? `已通知上级：${up.map((u) => u.name).join('、')}` : null,
      knockOf.has(s.personId) ? '已生成上门叫应任务' : null,
    ].filter(Boolean).join('，')
    return {
      warningId: w.id, at: now, kind: s.state === 'unreachable' ? 'unreachable' : 'escalated', personId: s.personId,
      detail: JSON.stringify({ superiors: up, doorKnockRegion: knockOf.get(s.personId) ?? null, text }),
    }
  })).execute()
  for (const region of new Set(knocks.map((k) => k.regionCode))) {
    await publish(trx, `doorknock:${region}`, { kind: 'created', warningId: w.id })
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
