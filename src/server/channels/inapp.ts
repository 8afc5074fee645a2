import type { Db } from '../db/database.js'
import { publish } from '../events/bus.js'
import type { ChannelAdapter, SendResult } from './types.js'

/**
 * The in-app inbox. The delivery row itself is the inbox message (features/inbox), so sending only
 * tells the person's open browser tabs to fetch it; a person who is not online finds it later.
 */
export function inappAdapter(db: Db): ChannelAdapter {
  return {
    channel: 'inapp',
    async send(msg): Promise<SendResult> {
      if (msg.personId === null) return { state: 'failed', error: '系统消息没有接收人', retryable: false }
      await publish(db, `person:${msg.personId}`, { deliveryId: msg.deliveryId, warningId: msg.warningId, level: msg.level })
      return { state: 'delivered' }
    },
  }
}
