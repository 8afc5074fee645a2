import type { Channel } from '../../domain/warnings/delivery.js'
import type { WarningLevel } from '../../domain/warnings/levels.js'

/** One message, composed once (features/warnings/delivery/message.ts), handed to one channel adapter. */
export type OutgoingMessage = {
  deliveryId: number
  /** Idempotency key: the gateway must treat a repeated key as the same message. */
  key: string
  channel: Channel
  /** Mobile number, e-mail address or webhook URL; the person id as text for in-app. */
  address: string
  personId: number | null
  personName: string | null
  warningId: number
  level: WarningLevel
  /**
   * What the message is: the warning itself, an escalation notice about a silent person, or the
   * cancellation / all-clear notice. Template-based providers (channels/aliyun, tencent) pick
   * their registered template by it; absent means 'warning'.
   */
  kind?: MessageKind
  /** Short title, e.g. 【橙色预警】吴兴区暴雨橙色预警. */
  subject: string
  /** Body for SMS, e-mail, in-app and group robots, ending with the confirm link when there is one. */
  text: string
  /** What the voice call reads out; it ends with "确认收到请按 1". */
  speech: string
  confirmUrl: string | null
}

export type MessageKind = 'warning' | 'escalation' | 'notice'

export type SendResult =
  | { state: 'sent' | 'delivered'; providerId?: string }
  | { state: 'failed'; error: string; retryable: boolean }

/** A way of reaching people. Adapters never touch the database: the dispatcher records results. */
export interface ChannelAdapter {
  channel: Channel
  send(msg: OutgoingMessage, signal: AbortSignal): Promise<SendResult>
}
