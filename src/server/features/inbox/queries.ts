import { sql } from 'kysely'
import { NOTICE_STEP } from '../../../domain/warnings/ladder.js'
import type { Db } from '../../db/database.js'
import { recordAudit, type Actor } from '../audit/record.js'
import { acknowledge, type AckOutcome } from '../warnings/ack.js'
import { composeMessage } from '../warnings/message.js'
import type { InboxItem, InboxPage, InboxQuery } from './schema.js'

/**
 * The inbox is the person's own in-app deliveries: it is scoped by who the user is, not by
 * jurisdiction, since a township's staff must read the county's warning addressed to them.
 */

function inboxOf(db: Db, personId: number) {
  return db.selectFrom('delivery as d')
    .innerJoin('warning as w', 'w.id', 'd.warningId')
    .leftJoin('warningRecipient as r', (j) => j.onRef('r.warningId', '=', 'd.warningId').onRef('r.personId', '=', 'd.personId'))
    .where('d.channel', '=', 'inapp')
    .where('d.personId', '=', personId)
    // Queued rows are not yet due (a later wave); from 'sending' on, the person may be told.
    .where('d.state', '<>', 'queued')
}

const needsAck = sql<boolean>`(r.person_id is not null and r.acknowledged_at is null and w.status = 'issued')`

export async function listInbox(db: Db, personId: number, q: InboxQuery): Promise<Omit<InboxPage, 'notice'>> {
  const pageSize = q.pageSize ?? 20
  const page = q.page ?? 1
  const [counts, rows] = await Promise.all([
    inboxOf(db, personId)
      .select([sql<number>`count(*)`.as('total'), sql<number>`count(*) filter (where ${needsAck})`.as('unread')])
      .executeTakeFirstOrThrow(),
    inboxOf(db, personId)
      .leftJoin('person as ef', 'ef.id', 'r.escalatedFrom')
      .leftJoin('region as efr', 'efr.code', 'ef.regionCode')
      .leftJoin('person as ab', 'ab.id', 'd.aboutPersonId')
      .leftJoin('region as abr', 'abr.code', 'ab.regionCode')
      .select([
        'd.id as deliveryId', 'd.warningId', 'd.step', 'd.sentAt', 'd.queuedAt',
        'w.level', 'w.purpose', 'w.status', 'w.eventClass', 'w.eventType', 'w.headline', 'w.description',
        'w.instruction', 'w.areaDesc', 'w.senderName', 'w.issuedAt', 'w.onset',
        sql<Date | null>`coalesce(r.acknowledged_at, d.acknowledged_at)`.as('acknowledgedAt'),
        needsAck.as('needsAck'),
        'ef.name as standsInForName', 'ef.post as standsInForPost', 'efr.name as standsInForRegion',
        'ab.name as silentName', 'ab.post as silentPost', 'abr.name as silentRegion',
      ])
      .orderBy(sql`coalesce(d.sent_at, d.queued_at)`, 'desc').orderBy('d.id', 'desc')
      .limit(pageSize).offset((page - 1) * pageSize)
      .execute(),
  ])
  const items: InboxItem[] = rows.map((row) => {
    const composed = composeMessage({
      warning: row,
      channel: 'inapp',
      confirmUrl: null,
      // The cancellation / all-clear notice that close.ts sends on the same channel.
      notice: row.step === NOTICE_STEP,
      standsInFor: row.standsInForName
        ? { name: row.standsInForName, post: row.standsInForPost, regionName: row.standsInForRegion ?? '' }
        : null,
      // An escalation notice (上级叫应) about someone below who stays silent.
      silent: row.silentName ? { name: row.silentName, post: row.silentPost, regionName: row.silentRegion ?? '' } : null,
    })
    return {
      deliveryId: row.deliveryId,
      warningId: row.warningId,
      headline: row.headline,
      level: row.level,
      purpose: row.purpose,
      status: row.status,
      subject: composed.subject,
      text: composed.text,
      sentAt: (row.sentAt ?? row.queuedAt).toISOString(),
      acknowledged: row.acknowledgedAt !== null,
      acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null,
      needsAck: row.needsAck,
    }
  })
  return { items, total: counts.total, unread: counts.unread }
}

/**
 * 已收到 from the inbox: only for the user's own in-app message. A confirmation that changed
 * something is audited; a repeat ('already') or a closed warning changes nothing.
 */
export async function ackInboxMessage(db: Db, actor: Actor, personId: number, deliveryId: number, at: Date): Promise<AckOutcome | null> {
  return db.transaction().execute(async (trx) => {
    const own = await inboxOf(trx, personId).select(['d.warningId', 'r.regionCode']).where('d.id', '=', deliveryId).executeTakeFirst()
    if (!own) return null
    const outcome = await acknowledge(trx, { warningId: own.warningId, personId, via: 'inapp', at, actorId: actor.id })
    if (outcome === 'acknowledged') {
      await recordAudit(trx, actor, {
        action: 'warning.acknowledged', entity: 'warning', entityId: own.warningId, regionCode: own.regionCode,
        after: { personId, via: 'inapp', deliveryId, at: at.toISOString() },
      })
    }
    return outcome
  })
}
