import { Type, type Static, type TSchema } from 'typebox'
import { Id, Page, PageSize } from '../../schema/numbers.js'

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

export const InboxQuery = Type.Object({
  page: Type.Optional(Page({ default: 1 })),
  pageSize: Type.Optional(PageSize(100, { default: 20 })),
}, { additionalProperties: false })
export type InboxQuery = Static<typeof InboxQuery>

export const DeliveryParam = Type.Object({
  deliveryId: Id('消息编号'),
})

export const InboxItem = Type.Object({
  deliveryId: Type.Integer(),
  warningId: Type.Integer(),
  headline: Type.String(),
  level: Type.Integer({ description: '1 红色、2 橙色、3 黄色、4 蓝色' }),
  purpose: Type.Union([Type.Literal('warning'), Type.Literal('drill')], { description: 'drill 为通联演练' }),
  status: Type.String({ description: '预警当前状态：issued 生效中，cancelled 已撤销，ended 已解除' }),
  /** The message as it was composed for the in-app channel. */
  subject: Type.String(),
  text: Type.String(),
  sentAt: Type.String({ format: 'date-time' }),
  /** The person has confirmed this warning (on any channel). */
  acknowledged: Type.Boolean(),
  acknowledgedAt: nullable(Type.String({ format: 'date-time' })),
  /** Still waits for this person's 已收到: unconfirmed and the warning in force. */
  needsAck: Type.Boolean(),
  /** An escalation: the page listing the silent people below this person, with their numbers. */
  link: nullable(Type.String()),
})
export type InboxItem = Static<typeof InboxItem>

export const InboxPage = Type.Object({
  items: Type.Array(InboxItem),
  total: Type.Integer(),
  /** Messages that still wait for a confirmation. */
  unread: Type.Integer(),
  /** Why the inbox is empty when the account is not linked to a person in the directory. */
  notice: nullable(Type.String()),
})
export type InboxPage = Static<typeof InboxPage>

export const AckResult = Type.Object({
  outcome: Type.Union([Type.Literal('acknowledged'), Type.Literal('already'), Type.Literal('closed')], {
    description: 'acknowledged 已确认；already 此前已确认；closed 预警已撤销或解除，无需确认',
  }),
})

export const EscalationQuery = Type.Object({
  warning: Type.Optional(Id('预警编号')),
}, { additionalProperties: false })
export type EscalationQuery = Static<typeof EscalationQuery>

export const EscalatedPerson = Type.Object({
  warningId: Type.Integer(),
  headline: Type.String(),
  level: Type.Integer(),
  warningStatus: Type.String(),
  round: Type.Integer({ description: '第几轮叫应升级' }),
  escalatedAt: Type.String({ format: 'date-time' }),
  personId: Type.Integer(),
  name: Type.String(),
  post: nullable(Type.String()),
  regionCode: Type.String(),
  regionName: Type.String(),
  mobile: nullable(Type.String({ description: '完整号码：您是其上级，需立即联系（每次查看均审计）' })),
  state: Type.String({ description: '此刻的确认状态：acknowledged 已确认，其余为仍未确认' }),
  acknowledgedAt: nullable(Type.String({ format: 'date-time' })),
  ackChannel: nullable(Type.String()),
  doorKnockState: nullable(Type.String({ description: 'open 待上门；done 已上门；null 未派任务' })),
})
export type EscalatedPerson = Static<typeof EscalatedPerson>

export const EscalationList = Type.Object({ items: Type.Array(EscalatedPerson), total: Type.Integer() })
export type EscalationList = Static<typeof EscalationList>
