import { Type, type Static, type TSchema } from 'typebox'
import { TEXT_LIMITS } from '../../../domain/field-limits.js'
import { GROUP_POSITION_KEYS, RESPONSIBILITY_ROLE_KEYS, UNIT_KIND_KEYS } from '../../../domain/people/units.js'
import { KeyPageFields, KeyPageQuery } from '../../schema/key-page.js'
import { Id, Page, PageSize, Version } from '../../schema/numbers.js'

/**
 * Text that may be absent: one JSON type list rather than a union, so a failure gives one
 * message naming the field instead of one per branch.
 */
const optionalText = (title: string, maxLength: number, description?: string) =>
  Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength, title, ...(description ? { description } : {}) }))

const optionalId = (title: string) =>
  Type.Optional(Type.Unsafe<number | null>({ type: ['integer', 'null'], minimum: 1, maximum: Number.MAX_SAFE_INTEGER, title }))

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

const PHONE_NOTE = '整体替换时原样回传脱敏值（如 138****0002）表示不修改'

export const RegionCode = Type.String({ pattern: '^[0-9]{12}$', title: '所属区划', description: '12 位统计用区划代码' })

export const IdParam = Type.Object({
  id: Id('编号'),
})

export const VersionQuery = Type.Object({
  version: Version(),
}, { additionalProperties: false })

const paging = {
  regionCode: Type.Optional(Type.String({ pattern: '^[0-9]{12}$', title: '区划', description: '只看该区划及其下级' })),
  q: Type.Optional(Type.String({ maxLength: 50, title: '关键词' })),
  page: Type.Optional(Page({ default: 1 })),
  pageSize: Type.Optional(PageSize(200, { default: 20 })),
  ...KeyPageQuery,
}

export const Ok = Type.Object({ ok: Type.Boolean() })

// ---- units ----

export const UnitKind = Type.Enum(UNIT_KIND_KEYS, { title: '单位类型' })

export const UnitListQuery = Type.Object({
  ...paging,
  kind: Type.Optional(UnitKind),
}, { additionalProperties: false })
export type UnitListQuery = Static<typeof UnitListQuery>

export const UnitInput = Type.Object({
  regionCode: RegionCode,
  name: Type.String({ minLength: 1, maxLength: TEXT_LIMITS.name, title: '单位名称' }),
  kind: UnitKind,
  creditCode: optionalText('统一社会信用代码', 30),
  address: optionalText('地址', 200),
  phone: optionalText('联系电话', 40, PHONE_NOTE),
  parentUnitId: optionalId('上级单位'),
}, { additionalProperties: false, description: '可选字段未提供时视为清空' })
export type UnitInput = Static<typeof UnitInput>

export const UnitUpdate = Type.Object({
  ...UnitInput.properties,
  version: Version(),
}, { additionalProperties: false, description: '整体替换；可选字段未提供时视为清空' })
export type UnitUpdate = Static<typeof UnitUpdate>

export const Unit = Type.Object({
  id: Type.Integer(),
  regionCode: Type.String(),
  regionName: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  kindLabel: Type.String(),
  creditCode: nullable(Type.String()),
  address: nullable(Type.String()),
  phone: nullable(Type.String({ description: '脱敏显示' })),
  parentUnitId: nullable(Type.Integer()),
  parentUnitName: nullable(Type.String()),
  isDemo: Type.Boolean(),
  version: Type.Integer(),
  updatedAt: Type.String({ format: 'date-time' }),
})
export type Unit = Static<typeof Unit>

export const UnitPage = Type.Object({ items: Type.Array(Unit), ...KeyPageFields })

export const UnitPhone = Type.Object({ phone: nullable(Type.String()) })

// ---- people ----

export const Role = Type.Enum(RESPONSIBILITY_ROLE_KEYS, { title: '职责' })

export const PersonListQuery = Type.Object({
  ...paging,
  unitId: Type.Optional(Id('所属单位')),
  role: Type.Optional(Role),
}, { additionalProperties: false })
export type PersonListQuery = Static<typeof PersonListQuery>

export const PersonInput = Type.Object({
  regionCode: RegionCode,
  unitId: optionalId('所属单位'),
  name: Type.String({ minLength: 1, maxLength: TEXT_LIMITS.personName, title: '姓名' }),
  post: optionalText('职务', TEXT_LIMITS.post),
  mobile: optionalText('手机号码', TEXT_LIMITS.phone, PHONE_NOTE),
  landline: optionalText('固定电话', TEXT_LIMITS.phone, PHONE_NOTE),
  wechat: optionalText('微信号', TEXT_LIMITS.wechat),
  email: optionalText('电子邮箱', 254),
  roles: Type.Optional(Type.Array(Role, { uniqueItems: true, maxItems: 20, title: '职责' })),
  note: optionalText('备注', 500),
}, { additionalProperties: false, description: '可选字段未提供时视为清空' })
export type PersonInput = Static<typeof PersonInput>

export const PersonUpdate = Type.Object({
  ...PersonInput.properties,
  version: Version(),
}, { additionalProperties: false, description: '整体替换；可选字段未提供时视为清空' })
export type PersonUpdate = Static<typeof PersonUpdate>

export const Person = Type.Object({
  id: Type.Integer(),
  regionCode: Type.String(),
  regionName: Type.String(),
  unitId: nullable(Type.Integer()),
  unitName: nullable(Type.String()),
  name: Type.String(),
  post: nullable(Type.String()),
  mobile: nullable(Type.String({ description: '脱敏显示' })),
  landline: nullable(Type.String({ description: '脱敏显示' })),
  wechat: nullable(Type.String()),
  email: nullable(Type.String()),
  roles: Type.Array(Type.String()),
  roleLabels: Type.Array(Type.String()),
  note: nullable(Type.String()),
  isDemo: Type.Boolean(),
  version: Type.Integer(),
  updatedAt: Type.String({ format: 'date-time' }),
})
export type Person = Static<typeof Person>

export const PersonPage = Type.Object({ items: Type.Array(Person), ...KeyPageFields })

export const PersonPhones = Type.Object({ mobile: nullable(Type.String()), landline: nullable(Type.String()) })

// ---- leading groups ----

export const GroupPosition = Type.Enum(GROUP_POSITION_KEYS, { title: '职务' })

export const GroupListQuery = Type.Object(paging, { additionalProperties: false })
export type GroupListQuery = Static<typeof GroupListQuery>

export const MemberInput = Type.Object({
  personId: Id('成员'),
  position: GroupPosition,
  duty: optionalText('分工', 500),
}, { additionalProperties: false })
export type MemberInput = Static<typeof MemberInput>

const Members = Type.Array(MemberInput, { maxItems: 200, title: '成员名单', description: '按顺序排列' })

export const GroupInput = Type.Object({
  regionCode: RegionCode,
  name: Type.String({ minLength: 1, maxLength: 100, title: '名称' }),
  officeUnitId: optionalId('办公室所在单位'),
  officeAddress: optionalText('办公地址', 200),
  officePhone: optionalText('办公电话', 40, PHONE_NOTE),
  members: Type.Optional(Members),
}, { additionalProperties: false })
export type GroupInput = Static<typeof GroupInput>

export const GroupUpdate = Type.Object({
  regionCode: RegionCode,
  name: Type.String({ minLength: 1, maxLength: 100, title: '名称' }),
  officeUnitId: optionalId('办公室所在单位'),
  officeAddress: optionalText('办公地址', 200),
  officePhone: optionalText('办公电话', 40, PHONE_NOTE),
  version: Version(),
}, { additionalProperties: false, description: '整体替换（不含成员）；可选字段未提供时视为清空' })
export type GroupUpdate = Static<typeof GroupUpdate>

export const MembersUpdate = Type.Object({
  members: Members,
  version: Version(),
}, { additionalProperties: false })
export type MembersUpdate = Static<typeof MembersUpdate>

export const Member = Type.Object({
  personId: Type.Integer(),
  name: Type.String(),
  post: nullable(Type.String()),
  unitId: nullable(Type.Integer()),
  unitName: nullable(Type.String()),
  mobile: nullable(Type.String({ description: '脱敏显示' })),
  position: Type.String(),
  positionLabel: Type.String(),
  duty: nullable(Type.String()),
  sort: Type.Integer(),
})
export type Member = Static<typeof Member>

export const Group = Type.Object({
  id: Type.Integer(),
  regionCode: Type.String(),
  regionName: Type.String(),
  name: Type.String(),
  officeUnitId: nullable(Type.Integer()),
  officeUnitName: nullable(Type.String()),
  officeAddress: nullable(Type.String()),
  officePhone: nullable(Type.String({ description: '脱敏显示' })),
  members: Type.Array(Member),
  isDemo: Type.Boolean(),
  version: Type.Integer(),
  updatedAt: Type.String({ format: 'date-time' }),
})
export type Group = Static<typeof Group>

export const GroupPage = Type.Object({ items: Type.Array(Group), ...KeyPageFields })

export const GroupPhone = Type.Object({ officePhone: nullable(Type.String()) })
