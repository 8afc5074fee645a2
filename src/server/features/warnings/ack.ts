import { sql, type Kysely, type Transaction } from 'kysely'
import { CHANNELS, type Channel } from '../../../domain/warnings/delivery.js'
import { NOTICE_STEP } from '../../../domain/warnings/ladder.js'
import type { Database } from '../../db/types.js'
import { notFound } from '../../errors.js'
import { publish, publishMany } from '../../events/bus.js'

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

const VIA_LABELS: Record<string, string> = { ...CHANNELS, link: '确认链接', door: '上门叫应' }

/** Runs `fn` in the caller's transaction, or in a new one. */
function inTransaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute((trx: Transaction<Database>) => fn(trx))
}

/**
 * 已收到: the person confirmed the warning. Stops their ladder, settles their unsent messages,
 * closes an open door-knock task, and sets the warning's fully-confirmed time when they were the
 * last. Idempotent: a second confirmation answers 'already' and changes nothing; a closed
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
    const { rows: confirmed } = await sql<{ warningId: number; personId: number; revision: number }>`
      update warning_recipient r set state = 'acknowledged', acknowledged_at = i.at, ack_channel = i.via, next_at = null
      from unnest(${col((i) => i.warningId)}::bigint[], ${col((i) => i.personId)}::bigint[], ${col((i) => i.via)}::text[],
        ${col((i) => i.at)}::timestamptz[]) as i(warning_id, person_id, via, at)
      join warning w on w.id = i.warning_id and w.status = 'issued'
      where r.warning_id = i.warning_id and r.person_id = i.person_id and r.state <> 'acknowledged'
      returning r.warning_id, r.person_id, r.revision`.execute(trx)
    const key = (w: number, p: number) => `${w}:${p}`
    const done = new Map(confirmed.map((c) => [key(c.warningId, c.personId), c]))

    // Why the others did not change: confirmed before, warning closed, or not a recipient at all.
    const rest = firsts.filter((i) => !done.has(key(i.warningId, i.personId)))
    const states = new Map<string, string>()
    if (rest.length > 0) {
      const { rows } = await sql<{ warningId: number; personId: number; state: string }>`
        select r.warning_id, r.person_id, r.state
        from unnest(${rest.map((i) => i.warningId)}::bigint[], ${rest.map((i) => i.personId)}::bigint[]) as i(warning_id, person_id)
        join warning_recipient r on r.warning_id = i.warning_id and r.person_id = i.person_id`.execute(trx)
      for (const r of rows) states.set(key(r.warningId, r.personId), r.state)
    }

    const ok = firsts.filter((i) => done.has(key(i.warningId, i.personId)))
    if (ok.length > 0) await settle(trx, ok, done)

    const answered = new Set<string>()
    return inputs.map((i) => {
      const k = key(i.warningId, i.personId)
      if (done.has(k)) {
        if (answered.has(k)) return 'already'
        answered.add(k)
        return 'acknowledged'
      }
      const state = states.get(k)
      return state === undefined ? 'not_recipient' : state === 'acknowledged' ? 'already' : 'closed'
    })
  })
}

/** What follows from confirmations: messages, door-knock tasks, timeline, live events, 100%. */
async function settle(trx: Kysely<Database>, ok: AckInput[], done: Map<string, { revision: number }>): Promise<void> {
  const col = <T>(f: (i: AckInput) => T) => ok.map(f)
  const revisions = ok.map((i) => done.get(`${i.warningId}:${i.personId}`)!.revision)
  // Messages not yet out need not go; the one the confirmation came through shows it.
  await sql`
    update delivery d set state = 'acknowledged', acknowledged_at = i.at, locked_until = null
    from unnest(${col((i) => i.warningId)}::bigint[], ${col((i) => i.personId)}::bigint[], ${col((i) => i.at)}::timestamptz[])
      as i(warning_id, person_id, at)
    where d.warning_id = i.warning_id and d.person_id = i.person_id and d.state = 'queued' and d.step <> ${NOTICE_STEP}`.execute(trx)
  const viaChannel = ok.map((i, n) => ({ i, revision: revisions[n] })).filter(({ i }) => i.via in CHANNELS)
  if (viaChannel.length > 0) {
    await sql`
      update delivery d set state = 'acknowledged', acknowledged_at = i.at
      from unnest(${viaChannel.map(({ i }) => i.warningId)}::bigint[], ${viaChannel.map(({ i }) => i.personId)}::bigint[],
        ${viaChannel.map(({ i }) => i.via)}::text[], ${viaChannel.map(({ revision }) => revision)}::int[],
        ${viaChannel.map(({ i }) => i.at)}::timestamptz[]) as i(warning_id, person_id, via, revision, at)
      where d.id = (select x.id from delivery x where x.warning_id = i.warning_id and x.person_id = i.person_id
        and x.channel = i.via and x.revision = i.revision and x.state in ('sent', 'delivered') order by x.id desc limit 1)`.execute(trx)
  }
  const { rows: knocks } = await sql<{ warningId: number; personId: number; regionCode: string }>`
    update door_knock_task t set state = 'done', result = i.result, done_at = i.at, done_by = i.actor_id
    from unnest(${col((i) => i.warningId)}::bigint[], ${col((i) => i.personId)}::bigint[], ${col((i) => i.at)}::timestamptz[],
      ${col((i) => `本人已确认（${VIA_LABELS[i.via] ?? i.via}）`)}::text[], ${col((i) => i.actorId ?? null)}::bigint[])
      as i(warning_id, person_id, at, result, actor_id)
    where t.warning_id = i.warning_id and t.person_id = i.person_id and t.state = 'open'
    returning t.warning_id, t.person_id, t.region_code`.execute(trx)

  await trx.insertInto('warningStep').values(ok.map((i, n) => ({
    warningId: i.warningId, at: i.at, kind: 'acknowledged', actorId: i.actorId ?? null, personId: i.personId,
    detail: JSON.stringify({ via: i.via, revision: revisions[n] }),
  }))).execute()

  // Live events: one per warning for the board (pg_notify payloads stay small), one per person for their inbox.
  const byWarning = new Map<number, AckInput[]>()
  for (const i of ok) byWarning.set(i.warningId, [...(byWarning.get(i.warningId) ?? []), i])
  await publishMany(trx, [
    ...[...byWarning].map(([warningId, list]) => ({
      topic: `warning:${warningId}`,
      data: list.length === 1
        ? { kind: 'acknowledged', personId: list[0].personId, via: list[0].via }
        : { kind: 'acknowledged', count: list.length, personIds: list.slice(0, 50).map((i) => i.personId) },
    })),
    ...ok.map((i) => ({ topic: `person:${i.personId}`, data: { kind: 'acknowledged', warningId: i.warningId } })),
    ...knocks.map((k) => ({ topic: `doorknock:${k.regionCode}`, data: { kind: 'acknowledged', warningId: k.warningId, personId: k.personId } })),
  ])
  for (const warningId of byWarning.keys()) await markFullyConfirmed(trx, warningId)
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
  let q = db.updateTable('delivery')
    .set(r.state === 'delivered'
      ? { state: 'delivered', deliveredAt: r.at, error: null }
      : { state: 'failed', failedAt: r.at, error: r.error ?? '对方网关报告发送失败' })
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
