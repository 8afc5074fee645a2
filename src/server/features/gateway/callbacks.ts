import type { Kysely } from 'kysely'
import { normaliseMobile } from '../../../domain/people/phone.js'
import type { Db } from '../../db/database.js'
import type { Database } from '../../db/types.js'
import { AppError } from '../../errors.js'
import { acknowledge, recordDeliveryResult } from '../warnings/ack.js'
import { isConfirmation } from './replies.js'
import type { SmsReceipt, SmsReply, VoiceResult } from './schema.js'

type Trx = Kysely<Database>

/**
 * Stores a callback under its key and applies it, in one transaction: a repeat finds the key
 * taken (waiting for the first to commit if they race) and changes nothing. An error rolls the
 * row back too, so the gateway's retry is not mistaken for a duplicate.
 */
async function once(db: Db, channel: 'sms' | 'voice', providerKey: string, body: unknown, apply: (trx: Trx) => Promise<string>): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const stored = await trx.insertInto('inboundMessage')
      .values({ channel, providerKey, body: JSON.stringify(body), outcome: 'received' })
      .onConflict((oc) => oc.column('providerKey').doNothing())
      .returning('id').executeTakeFirst()
    if (!stored) return 'duplicate'
    const outcome = await apply(trx)
    await trx.updateTable('inboundMessage').set({ outcome }).where('id', '=', stored.id).execute()
    return outcome
  })
}

/**
 * A receipt or result can overtake the dispatcher recording the gateway's id for the message.
 * 404 makes the gateway try again a little later, as gateways do for any non-2xx answer.
 */
const unknownMessage = (id: string) =>
  new AppError('UNKNOWN_MESSAGE', 404, `未找到网关消息编号“${id}”对应的发送记录`, [{ field: 'id', value: id }])

async function deliveryOf(trx: Trx, channel: 'sms' | 'voice', providerId: string) {
  const row = await trx.selectFrom('delivery').select(['id', 'warningId', 'personId'])
    .where('providerId', '=', providerId).where('channel', '=', channel)
    .orderBy('id', 'desc').executeTakeFirst()
  if (!row) throw unknownMessage(providerId)
  return row
}

export function smsReceipt(db: Db, now: Date, r: SmsReceipt): Promise<string> {
  return once(db, 'sms', `sms:${r.id}:${r.status}`, r, async (trx) => {
    const delivery = await deliveryOf(trx, 'sms', r.id)
    await recordDeliveryResult(trx, { deliveryId: delivery.id, state: r.status, error: r.error ?? null, at: now })
    return r.status
  })
}

/** "1" or "收到" from a person's mobile confirms their latest unconfirmed warning in force. */
export function smsReply(db: Db, now: Date, r: SmsReply): Promise<string> {
  return once(db, 'sms', `sms:${r.id}:reply`, r, async (trx) => {
    const mobile = normaliseMobile(r.from)
    if (!mobile.ok) return 'unknown_sender'
    const people = await trx.selectFrom('person').select('id').where('mobile', '=', mobile.value).execute()
    if (people.length === 0) return 'unknown_sender'
    if (!isConfirmation(r.text)) return 'ignored'
    const pending = await trx.selectFrom('warningRecipient as r')
      .innerJoin('warning as w', 'w.id', 'r.warningId')
      .select(['r.warningId', 'r.personId'])
      .where('r.personId', 'in', people.map((p) => p.id))
      .where('r.state', '<>', 'acknowledged')
      .where('w.status', '=', 'issued')
      .orderBy('w.issuedAt', (ob) => ob.desc().nullsLast()).orderBy('r.createdAt', 'desc')
      .executeTakeFirst()
    if (!pending) return 'no_pending'
    // The gateway's time of the reply, unless its clock runs ahead of ours.
    const at = r.at && new Date(r.at) < now ? new Date(r.at) : now
    return acknowledge(trx, { warningId: pending.warningId, personId: pending.personId, via: 'sms', at })
  })
}

const VOICE_FAILURES: Record<string, string> = { no_answer: '无人接听', busy: '占线', failed: '呼叫失败' }

/** Pressing 1 confirms; any other result only settles the call, and the ladder decides on a redial. */
export function voiceResult(db: Db, now: Date, r: VoiceResult): Promise<string> {
  return once(db, 'voice', `voice:${r.id}:${r.result}`, r, async (trx) => {
    const delivery = await deliveryOf(trx, 'voice', r.id)
    const failure = VOICE_FAILURES[r.result]
    if (failure) {
      await recordDeliveryResult(trx, { deliveryId: delivery.id, state: 'failed', error: failure, at: now })
      return r.result
    }
    await recordDeliveryResult(trx, { deliveryId: delivery.id, state: 'delivered', at: now })
    const confirmed = r.result === 'confirmed' || r.digits?.startsWith('1')
    if (!confirmed || delivery.personId === null) return 'answered'
    return acknowledge(trx, { warningId: delivery.warningId, personId: delivery.personId, via: 'voice', at: now })
  })
}
