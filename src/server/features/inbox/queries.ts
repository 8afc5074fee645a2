import { sql } from 'kysely'
import { NOTICE_STEP } from '../../../domain/warnings/ladder.js'
import type { Db } from '../../db/database.js'
import { paging } from '../../shared/paging.js'
import { recordAudit, type Actor } from '../audit/record.js'
import { acknowledge, type AckOutcome } from '../warnings/delivery/ack.js'
import { escalationListPath, escalationTexts } from '../warnings/delivery/escalation-notice.js'
import { composeMessage } from '../warnings/delivery/message.js'
import type { EscalationList, InboxItem, InboxPage, InboxQuery } from './schema.js'

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

// The warning itself waits for 已收到; notices about it (escalation, digest, closing) do not.
const needsAck = sql<boolean>`(d.step >= 0 and r.person_id is not null and r.acknowledged_at is null and w.status = 'issued')`

export async function listInbox(db: Db, personId: number, q: InboxQuery): Promise<Omit<InboxPage, 'notice'>> {
  const { limit, offset } = paging(q)
  const [counts, rows] = await Promise.all([
    inboxOf(db, personId)
      .select([sql<number>`count(*)`.as('total'), sql<number>`count(*) filter (where ${needsAck})`.as('unread')])
      .executeTakeFirstOrThrow(),
    inboxOf(db, personId)
      .select([
        'd.id as deliveryId', 'd.warningId', 'd.personId', 'd.step', 'd.roundId', 'd.aboutPersonId', 'd.sentAt', 'd.queuedAt',
        'w.level', 'w.purpose', 'w.status', 'w.eventClass', 'w.eventType', 'w.headline', 'w.description',
        'w.instruction', 'w.areaDesc', 'w.senderName', 'w.issuedAt', 'w.onset',
        sql<Date | null>`coalesce(r.acknowledged_at, d.acknowledged_at)`.as('acknowledgedAt'),
        needsAck.as('needsAck'),
      ])
      .orderBy(sql`coalesce(d.sent_at, d.queued_at)`, 'desc').orderBy('d.id', 'desc')
      .limit(limit).offset(offset)
      .execute(),
  ])
  // Escalation notices (上级叫应, one per round) and the stand-in line of a superior the ladder brought in.
  const escalation = await escalationTexts(db, rows.map((r) => ({ ...r, id: r.deliveryId, channel: 'inapp' })), null)
  const items: InboxItem[] = rows.map((row) => {
    const standsInFor = escalation.standIns.get(row.deliveryId) ?? null
    const composed = escalation.notices.get(row.deliveryId) ?? composeMessage({
      warning: row,
      channel: 'inapp',
      confirmUrl: null,
      // The cancellation / all-clear notice that close.ts sends on the same channel.
      notice: row.step === NOTICE_STEP,
      standsInFor,
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
      // Where the superior finds the silent below them, with their numbers.
      link: escalation.notices.has(row.deliveryId) || standsInFor ? escalationListPath(row.warningId) : null,
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

/**
 * 叫应升级名单: the silent people the ladder escalated to this person, with full numbers: as their
 * superior, the person must call them now. One warning, or every warning still in force. Each
 * look is audited, since it shows numbers in full.
 */
export async function listEscalatedToMe(db: Db, actor: Actor, personId: number, regionCode: string, warningId?: number): Promise<EscalationList> {
  const rows = await db.selectFrom('escalation as e')
    .innerJoin('escalationRound as er', 'er.id', 'e.roundId')
    .innerJoin('warning as w', 'w.id', 'e.warningId')
    .innerJoin('person as p', 'p.id', 'e.personId')
    .innerJoin('region as g', 'g.code', 'p.regionCode')
    .leftJoin('warningRecipient as r', (j) => j.onRef('r.warningId', '=', 'e.warningId').onRef('r.personId', '=', 'e.personId'))
    .leftJoinLateral((eb) => eb.selectFrom('doorKnockPerson as k').innerJoin('doorKnockTask as t', 't.id', 'k.taskId')
      .select(['t.state', 'k.confirmedVia'])
      .whereRef('k.warningId', '=', 'e.warningId').whereRef('k.personId', '=', 'e.personId')
      .orderBy('t.id', 'desc').limit(1).as('dk'), (j) => j.onTrue())
    .select([
      'e.warningId', 'w.headline', 'w.level', 'w.status as warningStatus', 'er.number as round', 'er.openedAt as escalatedAt',
      'e.personId', 'p.name', 'p.post', 'p.mobile', 'p.regionCode', 'g.name as regionName',
      'r.state', 'r.acknowledgedAt', 'r.ackChannel', 'dk.state as doorKnockState',
    ])
    .distinctOn(['e.warningId', 'e.personId'])
    .where('e.superiorId', '=', personId)
    .$if(warningId !== undefined, (q) => q.where('e.warningId', '=', warningId!))
    .$if(warningId === undefined, (q) => q.where('w.status', '=', 'issued'))
    .orderBy('e.warningId', 'desc').orderBy('e.personId').orderBy('er.number')
    .limit(ESCALATION_LIST_LIMIT)
    .execute()
  const items = rows
    .map((r) => ({
      ...r, escalatedAt: r.escalatedAt.toISOString(), acknowledgedAt: r.acknowledgedAt?.toISOString() ?? null,
      state: r.state ?? 'pending',
    }))
    .sort((a, b) => b.warningId - a.warningId || a.regionCode.localeCompare(b.regionCode) || a.name.localeCompare(b.name, 'zh'))
  if (items.length > 0) {
    await db.transaction().execute((trx) => recordAudit(trx, actor, {
      action: 'escalation.list_viewed', entity: 'warning', entityId: warningId ?? null, regionCode,
      after: { people: items.length, warnings: [...new Set(items.map((i) => i.warningId))] },
    }))
  }
  return { items, total: items.length }
}

/** A superior's list is their own silent people: a county's worst night is well below this. */
const ESCALATION_LIST_LIMIT = 5000
