import { sql } from 'kysely'
import { NOTICE_STEP } from '../../../../domain/warnings/ladder.js'
import type { Db } from '../../../db/database.js'
import { publish } from '../../../events/bus.js'
import type { Clock } from '../../../jobs/clock.js'
import { addressSql, loadWaveWarning, queueGroupRobots } from './fanout.js'
import { DELIVERIES_TOPIC } from './pipeline.js'

export type ClosePayload = { warningId: number; kind: 'cancelled' | 'ended' }

/** Channels of the short notice that a warning was cancelled or lifted: enough to be told, no ladder. */
const NOTICE_CHANNELS = ['inapp', 'sms']

/**
 * Job `warning.close`, after a warning was cancelled (撤销) or ended (解除): the ladder stops,
 * messages not yet sent are dropped, and everyone who received it, and its group robots, get a
 * short notice. Recorded as a `close` step, so a second run changes nothing.
 */
export async function closeOut(db: Db, clock: Clock, payload: ClosePayload): Promise<{ notices: number } | null> {
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom('warning').select('id').where('id', '=', payload.warningId).forUpdate().executeTakeFirst()
    const w = await loadWaveWarning(trx, payload.warningId)
    if (!w || (w.status !== 'cancelled' && w.status !== 'ended')) return null
    const done = await trx.selectFrom('warningStep').select('id').where('warningId', '=', w.id).where('kind', '=', 'close').executeTakeFirst()
    if (done) return null
    const now = clock.now()

    await trx.updateTable('warningRecipient').set({ nextAt: null }).where('warningId', '=', w.id).where('nextAt', 'is not', null).execute()
    const dropped = await trx.updateTable('delivery')
      .set({ state: 'failed', error: '预警已撤销/解除', failedAt: now, lockedUntil: null })
      .where('warningId', '=', w.id).where('state', '=', 'queued').where('step', '<>', NOTICE_STEP).executeTakeFirst()

    const channels = NOTICE_CHANNELS.filter((c) => w.channels.includes(c))
    const { rows } = await sql<{ n: number }>`
      with ins as (
        insert into delivery (warning_id, person_id, channel, address, step, attempt, revision, key, send_after, queued_at)
        select r.warning_id, r.person_id, c.channel, a.address, ${NOTICE_STEP}, 1, r.revision,
          'w' || r.warning_id || 'r' || r.revision || 'p' || r.person_id || ':' || c.channel || ':' || ${payload.kind}, ${now}, ${now}
        from warning_recipient r
        join person p on p.id = r.person_id
        cross join unnest(${channels}::text[]) as c(channel)
        cross join lateral (select ${addressSql} as address) a
        where r.warning_id = ${w.id} and a.address is not null
        on conflict (key) do nothing
        returning 1)
      select count(*)::int as n from ins`.execute(trx)
    const groups = await queueGroupRobots(trx, w, now, payload.kind, NOTICE_STEP)
    const notices = rows[0].n + Object.values(groups.byChannel).reduce((a, b) => a + b, 0)
    const what = payload.kind === 'cancelled' ? '撤销' : '解除'
    await trx.insertInto('warningStep').values({
      warningId: w.id, at: now, kind: 'close',
      detail: JSON.stringify({
        kind: payload.kind, notices, dropped: Number(dropped.numUpdatedRows),
        text: `停止叫应，发送${what}通知 ${notices} 条${dropped.numUpdatedRows > 0n ? `，${dropped.numUpdatedRows} 条未发消息不再发送` : ''}`,
      }),
    }).execute()
    await publish(trx, `warning:${w.id}`, { kind: 'close', notices })
    await publish(trx, DELIVERIES_TOPIC, { warningId: w.id })
    return { notices }
  })
}
