import { Type, type Static } from 'typebox'
import { Id, Page, PageSize, Version } from '../../schema/numbers.js'
import { nullable, optionalDate, optionalInteger, optionalNumber, optionalText } from './schema.js'

/** 保供协议: what a supply-guarantee enterprise has signed to deliver, how much, how fast, until when. */

export const AgreementListQuery = Type.Object({
  regionCode: Type.Optional(Type.String({ pattern: '^[0-9]{12}$', title: '区划', description: '只看该区划及其下级签订的协议' })),
  supplierId: Type.Optional(Id('保供单位')),
  endingWithinDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650, title: '即将到期天数', description: '今天起若干天内到期（不含已到期）' })),
  page: Type.Optional(Page({ default: 1 })),
  pageSize: Type.Optional(PageSize(200, { default: 20 })),
}, { additionalProperties: false })
export type AgreementListQuery = Static<typeof AgreementListQuery>

const agreementFields = {
  supplierId: Id('保供单位'),
  regionCode: Type.Optional(Type.String({ pattern: '^[0-9]{12}$', title: '签约区划', description: '不填时为保供单位所在区划' })),
  classCode: Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'], pattern: '^[1-9][0-9]{6}$', title: '物资分类', description: 'GB/T 38565 七位编码' })),
  itemName: Type.String({ minLength: 1, maxLength: 100, title: '协议物资' }),
  quantity: optionalNumber('协议数量', 0, 1e12),
  unit: optionalText('计量单位', 10),
  startsOn: optionalDate('协议开始日期'),
  endsOn: optionalDate('协议截止日期'),
  responseHours: optionalInteger('响应时限（小时）', 0, 8760),
}

export const AgreementInput = Type.Object(agreementFields, { additionalProperties: false, description: '可选字段未提供时视为清空' })
export type AgreementInput = Static<typeof AgreementInput>

export const AgreementUpdate = Type.Object({
  ...agreementFields,
  version: Version(),
}, { additionalProperties: false, description: '整体替换；可选字段未提供时视为清空' })
export type AgreementUpdate = Static<typeof AgreementUpdate>

export const Agreement = Type.Object({
  id: Type.Integer(),
  supplierId: Type.Integer(),
  supplierName: Type.String(),
  regionCode: Type.String(),
  regionName: Type.String(),
  classCode: nullable(Type.String()),
  className: nullable(Type.String()),
  itemName: Type.String(),
  quantity: nullable(Type.Number()),
  unit: nullable(Type.String()),
  startsOn: nullable(Type.String({ format: 'date' })),
  endsOn: nullable(Type.String({ format: 'date' })),
  responseHours: nullable(Type.Integer()),
  daysLeft: nullable(Type.Integer({ description: '距截止日期的天数，已到期为负；无截止日期为空' })),
  ending: Type.Boolean({ description: '30 天内到期' }),
  ended: Type.Boolean({ description: '已过截止日期' }),
  version: Type.Integer(),
  updatedAt: Type.String({ format: 'date-time' }),
})
export type Agreement = Static<typeof Agreement>

export const AgreementPage = Type.Object({ items: Type.Array(Agreement), total: Type.Integer() })
