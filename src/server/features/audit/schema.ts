import { Type, type Static } from 'typebox'
import { Page, PageSize } from '../../schema/numbers.js'

// Dates ("2024-05-01", a day in China Standard Time) or instants ("2024-05-01T08:00:00+08:00").
const TimeBound = (title: string) => Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,6})?)?(Z|[+-]\\d{2}:?\\d{2})?)?$',
  title,
})

export const AuditListQuery = Type.Object({
  from: Type.Optional(TimeBound('起始时间')),
  to: Type.Optional(TimeBound('截止时间')),
  actor: Type.Optional(Type.String({ maxLength: 64, title: '操作人' })),
  action: Type.Optional(Type.String({ maxLength: 64, title: '操作类型' })),
  entity: Type.Optional(Type.String({ maxLength: 64, title: '对象类型' })),
  entityId: Type.Optional(Type.String({ maxLength: 64, title: '对象编号' })),
  regionCode: Type.Optional(Type.String({ pattern: '^[0-9]{12}$', title: '区划' })),
  page: Type.Optional(Page()),
  pageSize: Type.Optional(PageSize(200)),
}, { additionalProperties: false })
export type AuditListQuery = Static<typeof AuditListQuery>

export const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actorId: Type.Union([Type.Integer(), Type.Null()]),
  actorName: Type.String(),
  ip: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  actionLabel: Type.String(),
  entity: Type.String(),
  entityLabel: Type.String({ description: '对象类型的中文名' }),
  entityId: Type.Union([Type.String(), Type.Null()]),
  entityName: Type.Union([Type.String(), Type.Null()], { description: '对象名称：现有对象取当前名称，已删除的取日志记下的名称并注明“已删除”' }),
  regionCode: Type.Union([Type.String(), Type.Null()]),
  regionName: Type.Union([Type.String(), Type.Null()], { description: '区划全称' }),
  before: Type.Unknown(),
  after: Type.Unknown(),
  hash: Type.String(),
  prevHash: Type.String(),
})

export const AuditPage = Type.Object({ items: Type.Array(AuditEntry), total: Type.Integer() })

export const VerifyQuery = Type.Object({
  from: Type.Optional(TimeBound('起始时间')),
  to: Type.Optional(TimeBound('截止时间')),
}, { additionalProperties: false })

export const VerifyReply = Type.Object({
  ok: Type.Boolean(),
  checked: Type.Integer(),
  firstId: Type.Union([Type.Integer(), Type.Null()]),
  lastId: Type.Union([Type.Integer(), Type.Null()]),
  algorithm: Type.String(),
  brokenAt: Type.Optional(Type.Object({ id: Type.Integer(), reason: Type.String() })),
})

export const ActionOption = Type.Object({ action: Type.String(), label: Type.String() })
export const EntityOption = Type.Object({ entity: Type.String(), label: Type.String() })
