import { sql, type Kysely, type Transaction } from 'kysely'
import { ACK_VIA_LABELS, type Channel } from '../../../../domain/warnings/delivery.js'
import { NOTICE_STEP } from '../../../../domain/warnings/ladder.js'
import type { Database } from '../../../db/types.js'
import { notFound } from '../../../errors.js'
import { EVENTS_CHANNEL, publish } from '../../../events/bus.js'

/** How a confirmation came: a channel (SMS reply, voice key 1, in-app button), the link, or a door knock. */
export type AckVia = Channel | 'link' | 'door'

export type AckInput = {
  warningId: number
  personId: number
  via: AckVia
  at: Date
  /** The signed-in user who recorded it, if any (in-app button, door knock). */
  actorId?: number | null
}

export type AckOutcome = 'acknowledged' | 'already' | 'closed'


/** Runs `fn` in the caller's transaction, or in a new one. */
function inTransaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute((trx: Transaction<Database>) => fn(trx))
}

/**
 * 已收到: the person confirmed the warning. Stops their ladder, settles their unsent messages,
 * ticks them off their open door-knock list (done once nobody on it is left), and sets the
 * warning's fully-confirmed time when they were the last. Idempotent: a second confirmation answers 'already' and changes nothing; a closed
 * warning answers 'closed'.
 */
export async function acknowledge(db: Kysely<Database>, input: AckInput): Promise<AckOutcome> {
  const [outcome] = await acknowledgeMany(db, [input])
  if (outcome === 'not_recipient') throw notFound('预警接收人', input.personId)
  return outcome
}

/**
 * Many confirmations in one transaction, set-based: the minutes after a warning bring thousands
 * of taps at once, and one transaction each spends its time committing (see AckBatcher). One
 * outcome per input, in order; 'not_recipient' when the person was never sent the warning. The
 * same person twice in one call: the first confirms, the second answers 'already'.
 */
export async function acknowledgeMany(db: Kysely<Database>, inputs: readonly AckInput[]): Promise<Array<AckOutcome | 'not_recipient'>> {
  if (inputs.length === 0) return []
  const seen = new Set<string>()
  const firsts = inputs.filter((i) => {
    const k = `${i.warningId}:${i.personId}`
    return seen.has(k) ? false : (seen.add(k), true)
  })
  const col = <T>(f: (i: AckInput) => T) => firsts.map(f)
  return inTransaction(db, async (trx) => {
    // One statement does it all, so a batch costs one round trip however large it is:
    // the recipients, their unsent messages (and the one the confirmation came through), open
    // door-knock tasks, timeline steps, and the live events (delivered on commit).
    const { rows } = await sql<{ warningId: number; personId: number; state: string | null; warningStatus: string | null; confirmed: boolean }>`
      with i as (
        select * from unnest(${col((i) => i.warningId)}::bigint[], ${col((i) => i.personId)}::bigint[],
          ${col((i) => i.via)}::text[], ${col((i) => i.at)}::timestamptz[], ${col((i) => i.actorId ?? null)}::bigint[],
          ${col((i) => `本人已确认（${ACK_VIA_LABELS[i.via] ?? i.via}）`)}::text[])
          as t(warning_id, person_id, via, at, actor_id, knock_result)),
      done as (
        update warning_recipient r set state = 'acknowledged', acknowledged_at = i.at, ack_channel = i.via, next_at = null
        from i join warning w on w.id = i.warning_id and w.status = 'issued'
        where r.warning_id = i.warning_id and r.person_id = i.person_id and r.state <> 'acknowledged'
        returning r.warning_id, r.person_id, r.revision, i.via, i.at, i.actor_id, i.knock_result),
      unsent as (
        update delivery d set state = 'acknowledged', acknowledged_at = done.at, locked_until = null
        from done
        where d.warning_id = done.warning_id and d.person_id = done.person_id and d.state = 'queued' and d.step >= 0
        returning d.id),
      came_through as (
        update delivery d set state = 'acknowledged', acknowledged_at = done.at
        from done
        where d.id = (select x.id from delivery x where x.warning_id = done.warning_id and x.person_id = done.person_id
          and x.channel = done.via and x.revision = done.revision and x.state in ('sent', 'delivered') order by x.id desc limit 1)
        returning d.id),
      -- A confirmation ticks the person off their open door-knock list; a list with nobody left
      -- is done (the statement's snapshot still shows this batch's people as open: left out).
      knocked as (
        update door_knock_person k set confirmed_at = done.at, confirmed_via = done.via
        from done, door_knock_task t
        where t.warning_id = done.warning_id and t.state = 'open' and k.task_id = t.id
          and k.person_id = done.person_id and k.confirmed_at is null
        returning k.task_id, k.person_id, done.at, done.actor_id, done.knock_result),
      knocks as (
        update door_knock_task t set state = 'done', done_at = x.at, done_by = x.actor_id,
          result = case when x.n = 1 and x.listed = 1 then x.knock_result else '名单人员均已确认（本人确认）' end
        from (select kn.task_id, max(kn.at) as at, max(kn.actor_id) as actor_id, min(kn.knock_result) as knock_result, count(*) as n,
            (select count(*) from door_knock_person q where q.task_id = kn.task_id) as listed
          from knocked kn group by kn.task_id) x
        where t.id = x.task_id
          and not exists (select 1 from door_knock_person q where q.task_id = t.id and q.confirmed_at is null
            and not exists (select 1 from knocked kn where kn.task_id = q.task_id and kn.person_id = q.person_id))
        returning t.warning_id, t.id as task_id, t.region_code),
      steps as (
        insert into warning_step (warning_id, at, kind, actor_id, person_id, detail)
        select warning_id, at, 'acknowledged', actor_id, person_id, jsonb_build_object('via', via, 'revision', revision) from done
        returning 1),
      events as (
        select json_build_object('topic', 'warning:' || warning_id, 'data', json_build_object(
          'kind', 'acknowledged', 'count', count(*), 'personIds', (array_agg(person_id order by person_id))[1:50]))::text as e
        from done group by warning_id
        union all
        select json_build_object('topic', 'person:' || person_id, 'data', json_build_object('kind', 'acknowledged', 'warningId', warning_id))::text
        from done
        union all
        select json_build_object('topic', 'doorknock:' || t.region_code, 'data', json_build_object(
          'kind', 'acknowledged', 'warningId', t.warning_id, 'personId', kn.person_id))::text
        from knocked kn join door_knock_task t on t.id = kn.task_id),
      notified as (select count(pg_notify(${EVENTS_CHANNEL}, e)) as n from events)
      select i.warning_id, i.person_id, r.state, w.status as warning_status, done.person_id is not null as confirmed,
        (select count(*) from unsent) + (select count(*) from came_through) + (select count(*) from steps) + (select n from notified)
          + (select count(*) from knocks) as touched
      from i
      left join done on done.warning_id = i.warning_id and done.person_id = i.person_id
      left join warning_recipient r on r.warning_id = i.warning_id and r.person_id = i.person_id
      left join warning w on w.id = i.warning_id`.execute(trx)
    // r.state comes from the snapshot before this statement, so it cannot tell "confirmed by a
    // batch that committed meanwhile" from "still open": when nothing changed for an existing
    // recipient of an issued warning, someone else confirmed them first.
    const key = (w: number, p: number) => `${w}:${p}`
    const byKey = new Map(rows.map((r) => [key(r.warningId, r.personId), r]))
    const warnings = new Set(rows.filter((r) => r.confirmed).map((r) => r.warningId))
    for (const warningId of warnings) await markFullyConfirmed(trx, warningId)

    const answered = new Set<string>()
    return inputs.map((i) => {
      const k = key(i.warningId, i.personId)
      const row = byKey.get(k)
      if (row?.confirmed) {
        if (answered.has(k)) return 'already'
        answered.add(k)
        return 'acknowledged'
      }
      if (!row || row.state === null) return 'not_recipient'
      return row.state === 'acknowledged' || row.warningStatus === 'issued' ? 'already' : 'closed'
    })
  })
}

/**
 * Sets the time of 100% confirmation once nobody is left: the latest confirmation's time, so it
 * is right whoever notices it (two last confirmations committing together both miss each other;
 * the ladder tick calls this again).
 */
export async function markFullyConfirmed(db: Kysely<Database>, warningId: number): Promise<boolean> {
  // Asked after every confirmation, and almost always answered "someone is still open" by the
  // partial index at once; the full check below runs only when nobody seems left.
  const open = await sql`select 1 from warning_recipient where warning_id = ${warningId} and state <> 'acknowledged' limit 1`.execute(db)
  if (open.rows.length > 0) return false
  const { rows } = await sql<{ at: Date }>`
    update warning w set fully_confirmed_at = (select max(acknowledged_at) from warning_recipient where warning_id = w.id)
    where w.id = ${warningId} and w.status = 'issued' and w.fully_confirmed_at is null
      and exists (select 1 from warning_recipient where warning_id = w.id)
      and not exists (select 1 from warning_recipient where warning_id = w.id and state <> 'acknowledged')
    returning w.fully_confirmed_at as at`.execute(db)
  if (rows.length === 0) return false
  await db.insertInto('warningStep').values({ warningId, at: rows[0].at, kind: 'fully_confirmed', detail: JSON.stringify({}) }).execute()
  await publish(db, `warning:${warningId}`, { kind: 'fully_confirmed', at: rows[0].at.toISOString() })
  return true
}

export type DeliveryResult = {
  /** Our delivery id, or the gateway's message id (with the channel, as ids of two gateways may clash). */
  deliveryId?: number
  providerId?: string
  channel?: Channel
  state: 'delivered' | 'failed'
  error?: string | null
  /** When it happened; never recorded as earlier than the message's sending. */
  at: Date
}

export type RecordedDelivery = { id: number; warningId: number; personId: number | null; channel: Channel; state: string }

/**
 * A gateway's receipt (SMS delivered / failed, a voice call answered or not). Never moves a
 * delivery backwards: a confirmed one stays confirmed, a delivered one is not failed by a late
 * receipt. Returns the delivery, or null when no delivery matches.
 */
export async function recordDeliveryResult(db: Kysely<Database>, r: DeliveryResult): Promise<RecordedDelivery | null> {
  if (r.deliveryId === undefined && r.providerId === undefined) return null
  const from = r.state === 'delivered' ? ['sending', 'sent', 'failed'] as const : ['sending', 'sent'] as const
  // A receipt cannot come before the message was sent, whatever time it is given.
  const at = sql<Date>`greatest(${r.at}::timestamptz, sent_at)`
  let q = db.updateTable('delivery')
    .set(r.state === 'delivered'
      ? { state: 'delivered', deliveredAt: at, error: null }
      : { state: 'failed', failedAt: at, error: r.error ?? '对方网关报告发送失败' })
    .where('state', 'in', [...from])
  q = r.deliveryId !== undefined ? q.where('id', '=', r.deliveryId) : q.where('providerId', '=', r.providerId!)
  if (r.channel) q = q.where('channel', '=', r.channel)
  const row = await q.returning(['id', 'warningId', 'personId', 'channel', 'state']).executeTakeFirst()
  if (row) {
    await publish(db, `warning:${row.warningId}`, { kind: 'delivery', deliveryId: row.id, channel: row.channel, state: row.state })
    return row
  }
  let find = db.selectFrom('delivery').select(['id', 'warningId', 'personId', 'channel', 'state'])
  find = r.deliveryId !== undefined ? find.where('id', '=', r.deliveryId) : find.where('providerId', '=', r.providerId!)
  if (r.channel) find = find.where('channel', '=', r.channel)
  return (await find.executeTakeFirst()) ?? null
}
