import { sql, type Kysely, type Transaction } from 'kysely'
import { CHANNELS, type Channel } from '../../../domain/warnings/delivery.js'
import { NOTICE_STEP } from '../../../domain/warnings/ladder.js'
import type { Database } from '../../db/types.js'
import { notFound } from '../../errors.js'
import { publish } from '../../events/bus.js'

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
  const { warningId, personId, via, at } = input
  return inTransaction(db, async (trx) => {
    const done = await trx.updateTable('warningRecipient as r')
      .set({ state: 'acknowledged', acknowledgedAt: at, ackChannel: via, nextAt: null })
      .where('r.warningId', '=', warningId).where('r.personId', '=', personId)
      .where('r.state', '<>', 'acknowledged')
      .where((eb) => eb.exists(eb.selectFrom('warning as w').select('w.id').where('w.id', '=', warningId).where('w.status', '=', 'issued')))
      .returning(['r.revision', 'r.regionCode'])
      .executeTakeFirst()
    if (!done) {
      const row = await trx.selectFrom('warningRecipient as r').innerJoin('warning as w', 'w.id', 'r.warningId')
        .select(['r.state', 'w.status']).where('r.warningId', '=', warningId).where('r.personId', '=', personId).executeTakeFirst()
      if (!row) throw notFound('预警接收人', personId)
      return row.state === 'acknowledged' ? 'already' : 'closed'
    }

    // Messages not yet out need not go; the one the confirmation came through shows it.
    await trx.updateTable('delivery').set({ state: 'acknowledged', acknowledgedAt: at, lockedUntil: null })
      .where('warningId', '=', warningId).where('personId', '=', personId)
      .where('state', '=', 'queued').where('step', '<>', NOTICE_STEP).execute()
    if (via in CHANNELS) {
      await sql`
        update delivery set state = 'acknowledged', acknowledged_at = ${at}
        where id = (select id from delivery where warning_id = ${warningId} and person_id = ${personId} and channel = ${via}
          and revision = ${done.revision} and state in ('sent', 'delivered') order by id desc limit 1)`.execute(trx)
    }
    const knocks = await trx.updateTable('doorKnockTask')
      .set({ state: 'done', result: `本人已确认（${VIA_LABELS[via] ?? via}）`, doneAt: at, doneBy: input.actorId ?? null })
      .where('warningId', '=', warningId).where('personId', '=', personId).where('state', '=', 'open')
      .returning('regionCode').execute()

    await trx.insertInto('warningStep').values({
      warningId, at, kind: 'acknowledged', actorId: input.actorId ?? null, personId,
      detail: JSON.stringify({ via, revision: done.revision }),
    }).execute()
    await publish(trx, `warning:${warningId}`, { kind: 'acknowledged', personId, via })
    await publish(trx, `person:${personId}`, { kind: 'acknowledged', warningId })
    for (const k of knocks) await publish(trx, `doorknock:${k.regionCode}`, { kind: 'acknowledged', warningId, personId })
    await markFullyConfirmed(trx, warningId)
    return 'acknowledged'
  })
}

/**
 * Sets the time of 100% confirmation once nobody is left: the latest confirmation's time, so it
 * is right whoever notices it (two last confirmations committing together both miss each other;
 * the ladder tick calls this again).
 */
export async function markFullyConfirmed(db: Kysely<Database>, warningId: number): Promise<boolean> {
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
