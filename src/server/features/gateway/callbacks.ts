import { sql, type Kysely } from 'kysely'
import { Value } from 'typebox/value'
import { normaliseMobile } from '../../../domain/people/phone.js'
import { seedOf } from '../../../domain/seeded-random.js'
import type { Db } from '../../db/database.js'
import type { Database } from '../../db/types.js'
import { acknowledgeMany, recordDeliveryResult } from '../warnings/delivery/ack.js'
import { isConfirmation } from './replies.js'
import { SmsReceipt, VoiceResult, type SmsReply } from './schema.js'

type Trx = Kysely<Database>
type MessageChannel = 'sms' | 'voice'

/** What a callback did: its answer, or the gateway id it waits for (see `waitFor`). */
type Handled = { outcome: string; waitingFor?: string }

/**
 * Stores a callback under its key and applies it, in one transaction: a repeat finds the key
 * taken (waiting for the first to commit if they race) and changes nothing. An error rolls the
 * row back too, so the gateway's retry is not mistaken for a duplicate.
 */
async function once(db: Db, channel: MessageChannel, providerKey: string, body: unknown, apply: (trx: Trx) => Promise<Handled>): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const stored = await trx.insertInto('inboundMessage')
      .values({ channel, providerKey, body: JSON.stringify(body), outcome: 'received' })
      .onConflict((oc) => oc.column('providerKey').doNothing())
      .returning('id').executeTakeFirst()
    if (!stored) return 'duplicate'
    const handled = await apply(trx)
    await trx.updateTable('inboundMessage')
      .set(handled.waitingFor === undefined ? { outcome: handled.outcome } : { outcome: 'waiting', providerId: handled.waitingFor })
      .where('id', '=', stored.id).execute()
    return handled.outcome
  })
}

// Any constant: the first key of the two-key advisory locks below, apart from other lock users.
const MESSAGE_LOCK_SPACE = 0x5357_4757 // "SWGW"

/**
 * A receipt or result can overtake the dispatcher recording the gateway's id for the message.
 * It is then kept 'waiting' and applied when the id is recorded (applyWaitingCallbacks). Both
 * sides hold a transaction lock on the id while they look, so one of them always sees the
 * other's committed row: either the callback finds the id, or the dispatcher finds the callback.
 */
async function lockMessageIds(trx: Trx, ids: ReadonlyArray<{ channel: string; providerId: string }>): Promise<void> {
  // FNV-1a spreads ids over the lock keys well enough (two ids sharing a key only share a lock)
  // and costs a tenth of SHA-256, which the dispatcher paid once per message of a warning.
  const keys = [...new Set(ids.map((i) => seedOf(`${i.channel}:${i.providerId}`) | 0))]
  // In one order everywhere, so two dispatchers locking overlapping sets cannot deadlock.
  keys.sort((a, b) => a - b)
  await sql`select count(pg_advisory_xact_lock(${MESSAGE_LOCK_SPACE}, k)) from (select k from unnest(${keys}::int[]) k order by k) s`.execute(trx)
}

async function deliveryOf(trx: Trx, channel: MessageChannel, providerId: string) {
  return trx.selectFrom('delivery').select(['id', 'warningId', 'personId'])
    .where('providerId', '=', providerId).where('channel', '=', channel)
    .orderBy('id', 'desc').executeTakeFirst()
}

type KnownDelivery = NonNullable<Awaited<ReturnType<typeof deliveryOf>>>

async function applyReceipt(trx: Trx, delivery: KnownDelivery, r: SmsReceipt, now: Date): Promise<string> {
  await recordDeliveryResult(trx, { deliveryId: delivery.id, state: r.status, error: r.error ?? null, at: now })
  return r.status
}

const VOICE_FAILURES: Record<string, string> = { no_answer: '无人接听', busy: '占线', failed: '呼叫失败' }

const pressedOne = (r: VoiceResult) => r.result === 'confirmed' || Boolean(r.digits?.startsWith('1'))

/** Pressing 1 confirms; any other result only settles the call, and the ladder decides on a redial. */
async function applyVoiceResult(trx: Trx, delivery: KnownDelivery, r: VoiceResult, now: Date): Promise<string> {
  const failure = VOICE_FAILURES[r.result]
  if (failure) {
    await recordDeliveryResult(trx, { deliveryId: delivery.id, state: 'failed', error: failure, at: now })
    return r.result
  }
  await recordDeliveryResult(trx, { deliveryId: delivery.id, state: 'delivered', at: now })
  if (!pressedOne(r) || delivery.personId === null) return 'answered'
  const [outcome] = await acknowledgeMany(trx, [{ warningId: delivery.warningId, personId: delivery.personId, via: 'voice', at: now }])
  return outcome
}

/**
 * The answer a callback for a known message would most likely get, given to one that waits: the
 * gateway (or anyone holding the secret) cannot tell a real message id from a made-up one.
 */
const likelyVoiceOutcome = (r: VoiceResult) => (VOICE_FAILURES[r.result] ? r.result : pressedOne(r) ? 'acknowledged' : 'answered')

export function smsReceipt(db: Db, now: Date, r: SmsReceipt): Promise<string> {
  return once(db, 'sms', `sms:${r.id}:${r.status}`, r, async (trx) => {
    await lockMessageIds(trx, [{ channel: 'sms', providerId: r.id }])
    const delivery = await deliveryOf(trx, 'sms', r.id)
    if (!delivery) return { outcome: r.status, waitingFor: r.id }
    return { outcome: await applyReceipt(trx, delivery, r, now) }
  })
}

export function voiceResult(db: Db, now: Date, r: VoiceResult): Promise<string> {
  return once(db, 'voice', `voice:${r.id}:${r.result}`, r, async (trx) => {
    await lockMessageIds(trx, [{ channel: 'voice', providerId: r.id }])
    const delivery = await deliveryOf(trx, 'voice', r.id)
    if (!delivery) return { outcome: likelyVoiceOutcome(r), waitingFor: r.id }
    return { outcome: await applyVoiceResult(trx, delivery, r, now) }
  })
}

/**
 * A time the gateway reports, kept within what can be true: not before `floor` (the warning
 * reached the person then) and not after our own clock. Without it a caller could backdate a
 * confirmation to before the warning existed, or date it in the future.
 */
function gatewayTime(reported: string | undefined, floor: readonly Date[], now: Date): Date {
  const given = reported ? new Date(reported).getTime() : NaN
  if (Number.isNaN(given)) return now
  const t = Math.max(given, ...floor.map((d) => d.getTime()))
  return new Date(Math.min(t, now.getTime()))
}

/** "1" or "收到" from a person's mobile confirms their latest unconfirmed warning in force. */
export function smsReply(db: Db, now: Date, r: SmsReply): Promise<string> {
  return once(db, 'sms', `sms:${r.id}:reply`, r, async (trx) => {
    const mobile = normaliseMobile(r.from)
    if (!mobile.ok) return { outcome: 'unknown_sender' }
    const people = await trx.selectFrom('person').select('id').where('mobile', '=', mobile.value).execute()
    if (people.length === 0) return { outcome: 'unknown_sender' }
    if (!isConfirmation(r.text)) return { outcome: 'ignored' }
    const pending = await trx.selectFrom('warningRecipient as r')
      .innerJoin('warning as w', 'w.id', 'r.warningId')
      .select(['r.warningId', 'r.personId', 'r.createdAt', 'w.issuedAt'])
      .where('r.personId', 'in', people.map((p) => p.id))
      .where('r.state', '<>', 'acknowledged')
      .where('w.status', '=', 'issued')
      .orderBy('w.issuedAt', (ob) => ob.desc().nullsLast()).orderBy('r.createdAt', 'desc')
      .executeTakeFirst()
    if (!pending) return { outcome: 'no_pending' }
    const floor = pending.issuedAt ? [pending.issuedAt, pending.createdAt] : [pending.createdAt]
    const at = gatewayTime(r.at, floor, now)
    const [outcome] = await acknowledgeMany(trx, [{ warningId: pending.warningId, personId: pending.personId, via: 'sms', at }])
    return { outcome }
  })
}

/**
 * Applies the receipts and call results that arrived before their gateway ids were recorded.
 * The dispatcher calls this right after it records a batch of ids (after that write commits).
 * Returns how many waiting callbacks it applied.
 */
export async function applyWaitingCallbacks(db: Db, now: Date, sent: ReadonlyArray<{ channel: string; providerId: string | null }>): Promise<number> {
  const ids = sent.flatMap((s) => (s.providerId !== null && (s.channel === 'sms' || s.channel === 'voice') ? [{ channel: s.channel, providerId: s.providerId }] : []))
  if (ids.length === 0) return 0
  return db.transaction().execute(async (trx) => {
    await lockMessageIds(trx, ids)
    const waiting = await trx.selectFrom('inboundMessage').select(['id', 'channel', 'providerId', 'body'])
      .where('outcome', '=', 'waiting')
      // The ids as one JSON parameter: serialising a thousand of them into text arrays held up the event loop.
      .where(sql<boolean>`(channel, provider_id) in (select x->>0, x->>1 from json_array_elements(${JSON.stringify(ids.map((i) => [i.channel, i.providerId]))}::json) x)`)
      .orderBy('id').execute()
    let applied = 0
    for (const w of waiting) {
      const channel = w.channel === 'voice' ? 'voice' : 'sms'
      const delivery = w.providerId === null ? undefined : await deliveryOf(trx, channel, w.providerId)
      if (!delivery) continue
      // Stored by this module after validation; checked again rather than trusted as a type.
      const outcome = channel === 'sms' && Value.Check(SmsReceipt, w.body) ? await applyReceipt(trx, delivery, w.body, now)
        : channel === 'voice' && Value.Check(VoiceResult, w.body) ? await applyVoiceResult(trx, delivery, w.body, now)
        : 'unreadable'
      await trx.updateTable('inboundMessage').set({ outcome }).where('id', '=', w.id).execute()
      applied++
    }
    return applied
  })
}
