import type { Channel } from '../../domain/warnings/delivery.js'
import type { Db } from '../db/database.js'

/**
 * Warning pipeline rows written straight into the database, for tests of what reads or settles
 * them (gateway callbacks, the inbox) without running fan-out and dispatch.
 */

let seq = 0

export async function insertPerson(db: Db, over: { regionCode?: string; name?: string; mobile?: string | null } = {}) {
  const n = ++seq
  return db.insertInto('person').values({
    regionCode: over.regionCode ?? '330502001005',
    name: over.name ?? `测试人${n}`,
    post: '村书记',
    mobile: over.mobile === undefined ? `137${String(10_000_000 + process.pid * 100 + n).slice(-8)}` : over.mobile,
    roles: ['head'],
  }).returning(['id', 'name', 'mobile']).executeTakeFirstOrThrow()
}

export async function insertWarning(db: Db, over: { status?: 'issued' | 'cancelled' | 'ended'; issuedAt?: string; headline?: string; level?: number; regionCode?: string } = {}) {
  return db.insertInto('warning').values({
    regionCode: over.regionCode ?? '330502000000',
    status: over.status ?? 'issued',
    identifier: `TEST-${process.pid}-${++seq}`,
    eventClass: 'natural', eventType: '暴雨', level: over.level ?? 2,
    headline: over.headline ?? '吴兴区暴雨橙色预警',
    description: '预计未来 12 小时累计雨量可达 100 毫米以上。',
    instruction: '责任人立即上岗到位，转移低洼地带人员。',
    areaDesc: '月河街道', senderName: '湖州市吴兴区应急管理局',
    onset: '2026-07-20T02:00:00Z',
    issuedAt: over.issuedAt ?? '2026-07-20T02:00:00Z',
    target: JSON.stringify({ regions: ['330502001000'] }),
    channels: ['inapp', 'sms', 'voice'],
    ladder: JSON.stringify({}),
  }).returning('id').executeTakeFirstOrThrow()
}

export async function insertRecipient(db: Db, warningId: number, personId: number, over: { escalatedFrom?: number; regionCode?: string } = {}) {
  await db.insertInto('warningRecipient').values({
    warningId, personId, regionCode: over.regionCode ?? '330502001005', regionLevel: 'village',
    reason: over.escalatedFrom ? 'escalation' : 'target', escalatedFrom: over.escalatedFrom ?? null,
  }).execute()
}

export async function insertDelivery(db: Db, d: {
  warningId: number; personId: number; channel: Channel; providerId?: string | null
  state?: 'queued' | 'sending' | 'sent' | 'delivered' | 'failed' | 'acknowledged'; sentAt?: string; step?: number
}) {
  return db.insertInto('delivery').values({
    warningId: d.warningId, personId: d.personId, channel: d.channel, address: String(d.personId),
    key: `test:${d.warningId}:${d.personId}:${d.channel}:${++seq}`,
    state: d.state ?? 'sent', providerId: d.providerId ?? null, step: d.step ?? 0,
    sentAt: d.sentAt ?? '2026-07-20T02:00:05Z', queuedAt: '2026-07-20T02:00:00Z', sendAfter: '2026-07-20T02:00:00Z',
  }).returning('id').executeTakeFirstOrThrow()
}
