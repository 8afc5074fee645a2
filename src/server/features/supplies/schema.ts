import { Type, type Static, type TSchema } from 'typebox'
import { MAX_QUANTITY, TEXT_LIMITS } from '../../../domain/field-limits.js'
import { CONDITIONS, RESERVE_FORMS } from '../../../domain/resources/kinds.js'
import { KeyPageFields, KeyPageQuery } from '../../schema/key-page.js'
import { Id, Page, PageSize, Version } from '../../schema/numbers.js'

/**
 * Supply and equipment lines (物资、装备明细) and their stock ledger. Optional fields are one JSON
 * type list rather than a union, so a failure names the field once.
 */

const optionalText = (title: string, maxLength: number) =>
  Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength, title }))

const optionalId = (title: string) =>
  Type.Optional(Type.Unsafe<number | null>({ type: ['integer', 'null'], minimum: 1, maximum: Number.MAX_SAFE_INTEGER, title }))

const optionalDate = (title: string) =>
  Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'], format: 'date', title, description: 'YYYY-MM-DD' }))

const optionalNumber = (title: string, minimum: number, maximum: number) =>
  Type.Optional(Type.Unsafe<number | null>({ type: ['number', 'null'], minimum, maximum, title }))

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

const CLASS_CODE_PATTERN = '^[1-9][0-9]{6}$'

export const IdParam = Type.Object({
  id: Id('编号'),
})

export const VersionQuery = Type.Object({
  version: Version(),
}, { additionalProperties: false })

export const Ok = Type.Object({ ok: Type.Boolean() })

const paging = {
  page: Type.Optional(Page({ default: 1 })),
  pageSize: Type.Optional(PageSize(200, { default: 20 })),
}

export const ReserveForm = Type.Enum(Object.keys(RESERVE_FORMS), { title: '储备方式' })
export const Condition = Type.Enum(Object.keys(CONDITIONS), { title: '状态' })

// ---- supply lines ----

export const SupplyListQuery = Type.Object({
  regionCode: Type.Optional(Type.String({ pattern: '^[0-9]{12}$', title: '区划', description: '只看该区划及其下级' })),
  q: Type.Optional(Type.String({ maxLength: 50, title: '关键词', description: '名称中包含' })),
  classCode: Type.Optional(Type.String({ pattern: CLASS_CODE_PATTERN, title: '物资分类', description: '含下级分类' })),
  isEquipment: Type.Optional(Type.Boolean({ title: '是否装备' })),
  condition: Type.Optional(Condition),
  reserveForm: Type.Optional(ReserveForm),
  storagePointId: Type.Optional(Id('储备点')),
  teamId: Type.Optional(Id('所属队伍')),
  expiringWithinDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650, title: '即将到期天数', description: '今天起若干天内到期（不含已过期）' })),
  expired: Type.Optional(Type.Boolean({ title: '已过期' })),
  maintenanceDue: Type.Optional(Type.Boolean({ title: '应保养' })),
  fresh: Type.Optional(Type.Boolean({ title: '信息已及时确认' })),
  sort: Type.Optional(Type.Enum(['name', 'quantity', 'expiresOn', 'updatedAt'], { title: '排序字段' })),
  order: Type.Optional(Type.Enum(['asc', 'desc'], { title: '排序方向' })),
  ...paging,
  ...KeyPageQuery,
}, { additionalProperties: false })
export type SupplyListQuery = Static<typeof SupplyListQuery>

const supplyFields = {
  regionCode: Type.String({ pattern: '^[0-9]{12}$', title: '所属区划', description: '12 位统计用区划代码' }),
  classCode: Type.Optional(Type.Unsafe<string | null>({
    type: ['string', 'null'], pattern: CLASS_CODE_PATTERN, title: '物资分类',
    description: 'GB/T 38565 七位编码；不填时按名称自动归类，归不了类的记入“其他应急物资”',
  })),
  name: Type.String({ minLength: 1, maxLength: TEXT_LIMITS.name, title: '名称' }),
  specification: optionalText('规格型号', TEXT_LIMITS.specification),
  unit: Type.String({ minLength: 1, maxLength: TEXT_LIMITS.supplyUnit, title: '计量单位' }),
  isEquipment: Type.Optional(Type.Boolean({ title: '是否装备' })),
  storagePointId: optionalId('储备点'),
  teamId: optionalId('所属队伍'),
  holderUnitId: optionalId('管理单位'),
  reserveForm: Type.Optional(ReserveForm),
  condition: Type.Optional(Condition),
  purchasedOn: optionalDate('购置日期'),
  expiresOn: optionalDate('有效期至'),
  maintainedOn: optionalDate('上次保养日期'),
  maintenanceCycleDays: Type.Optional(Type.Unsafe<number | null>({ type: ['integer', 'null'], minimum: 1, maximum: 3650, title: '保养周期（天）' })),
  responsiblePersonId: optionalId('责任人'),
  liaisonPersonId: optionalId('联络人'),
  address: optionalText('存放地址', TEXT_LIMITS.address),
  lng: optionalNumber('经度', -180, 180),
  lat: optionalNumber('纬度', -90, 90),
  note: optionalText('备注', TEXT_LIMITS.note),
}

export const SupplyInput = Type.Object({
  ...supplyFields,
  quantity: Type.Number({ minimum: 0, maximum: MAX_QUANTITY, title: '数量', description: '记为一笔“建账”入库' }),
}, { additionalProperties: false, description: '可选字段未提供时视为清空' })
export type SupplyInput = Static<typeof SupplyInput>

export const SupplyUpdate = Type.Object({
  ...supplyFields,
  version: Version(),
}, { additionalProperties: false, description: '整体替换，不含数量（数量只能通过入库、出库、报损、盘点、调拨变动）；可选字段未提供时视为清空' })
export type SupplyUpdate = Static<typeof SupplyUpdate>

const Contact = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  post: nullable(Type.String()),
  mobile: nullable(Type.String({ description: '脱敏显示' })),
})

export const Supply = Type.Object({
  id: Type.Integer(),
  regionCode: Type.String(),
  regionName: Type.String(),
  classCode: Type.String(),
  className: Type.String(),
  topClassName: Type.String(),
  name: Type.String(),
  specification: nullable(Type.String()),
  unit: Type.String(),
  isEquipment: Type.Boolean(),
  storagePointId: nullable(Type.Integer()),
  storagePointName: nullable(Type.String()),
  teamId: nullable(Type.Integer()),
  teamName: nullable(Type.String()),
  holderUnitId: nullable(Type.Integer()),
  holderUnitName: nullable(Type.String()),
  reserveForm: Type.String(),
  reserveFormLabel: Type.String(),
  condition: Type.String(),
  conditionLabel: Type.String(),
  quantity: Type.Number(),
  purchasedOn: nullable(Type.String({ format: 'date' })),
  expiresOn: nullable(Type.String({ format: 'date' })),
  expired: Type.Boolean(),
  daysToExpiry: nullable(Type.Integer({ description: '距有效期天数，已过期为负' })),
  maintainedOn: nullable(Type.String({ format: 'date' })),
  maintenanceCycleDays: nullable(Type.Integer()),
  maintenanceDue: Type.Boolean(),
  responsible: nullable(Contact),
  liaison: nullable(Contact),
  address: nullable(Type.String()),
  lng: nullable(Type.Number()),
  lat: nullable(Type.Number()),
  note: nullable(Type.String()),
  confirmedAt: nullable(Type.String({ format: 'date-time' })),
  confirmedByName: nullable(Type.String()),
  stale: Type.Boolean({ description: '超过规定天数未确认' }),
  isDemo: Type.Boolean(),
  version: Type.Integer(),
  updatedAt: Type.String({ format: 'date-time' }),
})
export type Supply = Static<typeof Supply>

export const SupplyPage = Type.Object({ items: Type.Array(Supply), ...KeyPageFields })
export type SupplyPage = Static<typeof SupplyPage>

// ---- stock ledger ----

export const Movement = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  kindLabel: Type.String(),
  delta: Type.Number(),
  balance: Type.Number(),
  reason: Type.String(),
  actorName: Type.String(),
  at: Type.String({ format: 'date-time' }),
  counterpartSupplyId: nullable(Type.Integer()),
})
export type Movement = Static<typeof Movement>

export const MovementPage = Type.Object({ items: Type.Array(Movement), total: Type.Integer() })

export const MovementListQuery = Type.Object(paging, { additionalProperties: false })
export type MovementListQuery = Static<typeof MovementListQuery>

export const HistoryEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  action: Type.String(),
  actionLabel: Type.String(),
  actorName: Type.String(),
})

export const SupplyDetail = Type.Object({
  ...Supply.properties,
  movements: Type.Array(Movement, { description: '最近 50 笔' }),
  history: Type.Array(HistoryEntry, { description: '最近 50 条操作记录' }),
})
export type SupplyDetail = Static<typeof SupplyDetail>

const reason = Type.String({ minLength: 1, maxLength: 200, title: '事由' })
// Every movement is made against the line as the keeper saw it: stock that moved meanwhile
// (another keeper's 出库, a count) must be seen before booking more.
const movementVersion = Version({ description: '须与所见一致；记录已被他人修改时拒绝（409 STALE_VERSION）' })

export const MovementInput = Type.Object({
  kind: Type.Enum(['in', 'out', 'loss', 'count'], { title: '变动类型' }),
  quantity: Type.Number({ minimum: 0, maximum: MAX_QUANTITY, title: '数量', description: '盘点时为实盘总数' }),
  reason,
  version: movementVersion,
}, { additionalProperties: false })
export type MovementInput = Static<typeof MovementInput>

export const TransferInput = Type.Object({
  quantity: Type.Number({ exclusiveMinimum: 0, maximum: MAX_QUANTITY, title: '调拨数量' }),
  reason,
  version: movementVersion,
  toStoragePointId: optionalId('调入储备点'),
  toSupplyId: optionalId('调入物资'),
}, { additionalProperties: false, description: '调入储备点与调入物资二选一' })
export type TransferInput = Static<typeof TransferInput>

export const TransferResult = Type.Object({ from: Supply, to: Supply })

// ---- GB/T 38565 classes ----

export const SupplyClass = Type.Object({
  code: Type.String(),
  name: Type.String(),
  parentCode: nullable(Type.String()),
  level: Type.Integer(),
  keywords: Type.Array(Type.String()),
  builtin: Type.Boolean(),
  lineCount: Type.Optional(Type.Integer({ description: '本辖区直接归入该类的物资条目数' })),
})
export type SupplyClass = Static<typeof SupplyClass>

export const ClassCodeParam = Type.Object({
  code: Type.String({ pattern: CLASS_CODE_PATTERN, title: '分类编码' }),
})

const keywords = Type.Array(Type.String({ maxLength: 20, title: '关键词' }), { maxItems: 200, title: '关键词', description: '名称中含任一关键词的物资归入此类；空白项忽略' })

export const SupplyClassInput = Type.Object({
  code: Type.String({ pattern: CLASS_CODE_PATTERN, title: '分类编码', description: '7 位：大类 1 位、中类 2 位、小类 2 位、细类 2 位' }),
  name: Type.String({ minLength: 1, maxLength: 50, title: '分类名称' }),
  keywords,
}, { additionalProperties: false })
export type SupplyClassInput = Static<typeof SupplyClassInput>

export const SupplyClassUpdate = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 50, title: '分类名称' }),
  keywords,
}, { additionalProperties: false, description: '标准内置分类只能修改关键词' })
export type SupplyClassUpdate = Static<typeof SupplyClassUpdate>
