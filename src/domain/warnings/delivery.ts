/** Channels a warning travels on, and the states of one person and one message. */
export const CHANNELS = {
  inapp: '系统消息',
  sms: '短信',
  voice: '语音电话',
  email: '电子邮件',
  wecom: '企业微信群',
  dingtalk: '钉钉群',
} as const
export type Channel = keyof typeof CHANNELS
export const CHANNEL_KEYS = Object.keys(CHANNELS) as Channel[]

/** Channels that go to a group's chat robot rather than to a person. */
export const GROUP_CHANNELS: readonly Channel[] = ['wecom', 'dingtalk']

/** How a confirmation came: a channel, the personal link, or a door knock. */
export const ACK_VIA_LABELS: Record<string, string> = { ...CHANNELS, link: '确认链接', door: '上门叫应' }

export const DELIVERY_STATES = {
  queued: '排队中',
  sending: '发送中',
  sent: '已发送',
  delivered: '已送达',
  failed: '失败',
  acknowledged: '已确认',
  escalated: '已上报上级',
} as const
export type DeliveryState = keyof typeof DELIVERY_STATES

export const RECIPIENT_STATES = {
  pending: '未确认',
  acknowledged: '已确认',
  escalated: '已升级叫应',
  unreachable: '联系不上',
} as const
export type RecipientState = keyof typeof RECIPIENT_STATES

export const RECIPIENT_REASONS = {
  target: '预警范围内责任人',
  group: '联动工作群成员',
  escalation: '上级叫应',
} as const

/**
 * Responsibility roles (domain/people/units.ts) a warning reaches by default: the people a
 * village or township names for 预警落实到人.
 */
export const DEFAULT_WARNING_ROLES = [
  'head', 'liaison', 'informant', 'duty_officer', 'grid_worker', 'grid_head',
  'flood_control', 'hazard_monitor', 'warning_receiver',
] as const
