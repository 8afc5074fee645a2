import type { OutgoingMessage } from '../channels/types.js'

/** A composed message as the dispatcher hands it to an adapter, for channel tests. */
export function outgoing(over: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    deliveryId: 1, key: 'w1:p1:sms:0:1', channel: 'sms', address: '13857200001', personId: 1, personName: '张三',
    warningId: 1, level: 2, subject: '【橙色预警】吴兴区暴雨橙色预警',
    text: '【橙色预警】吴兴区气象台发布暴雨橙色预警，请立即组织转移。确认收到请回复1。',
    speech: '吴兴区暴雨橙色预警。确认收到请按 1。', confirmUrl: null, ...over,
  }
}
