import { Type, type Static, type TSchema } from 'typebox'
import { RESPONSIBILITY_ROLE_KEYS } from '../../../domain/people/units.js'
import { Id, Page, PageSize, Version } from '../../schema/numbers.js'

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

/** Text that may be absent; one JSON type list, so a failure gives one message naming the field. */
const optionalText = (title: string, maxLength: number, description?: string) =>
  Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength, title, ...(description ? { description } : {}) }))


const WEBHOOK_NOTE = '原样回传脱敏值（含 ****）表示不修改；留空表示清除'

export const IdParam = Type.Object({ id: Id('联动工作群编号') })

export const CodeParam = Type.Object({
  code: Type.String({ pattern: '^[0-9]{12}$', title: '区划代码', description: '12 位统计用区划代码' }),
})

export const VersionQuery = Type.Object({ version: Version() }, { additionalProperties: false })

export const GROUP_KINDS = { region: '区划联动工作群', custom: '自定义联动工作群' } as const
export type GroupKind = keyof typeof GROUP_KINDS

export const GroupListQuery = Type.Object({
  regionCode: Type.Optional(Type.String({ pattern: '^[0-9]{12}$', title: '区划', description: '该区划及其直接下级的区划联动工作群，及其下的自定义群' })),
  kind: Type.Optional(Type.Enum(Object.keys(GROUP_KINDS) as GroupKind[], { title: '类型' })),
  q: Type.Optional(Type.String({ maxLength: 50, title: '关键词' })),
  page: Type.Optional(Page({ default: 1 })),
  pageSize: Type.Optional(PageSize(200, { default: 20 })),
}, { additionalProperties: false })
export type GroupListQuery = Static<typeof GroupListQuery>

const Roles = Type.Array(Type.Enum(RESPONSIBILITY_ROLE_KEYS, { title: '职责' }), {
  uniqueItems: true, maxItems: 20, title: '职责', description: '持有其中任一职责的人员自动成为成员',
})

const robots = {
  wecomWebhook: optionalText('企业微信机器人地址', 500, WEBHOOK_NOTE),
  dingtalkWebhook: optionalText('钉钉机器人地址', 500, WEBHOOK_NOTE),
  dingtalkSecret: optionalText('钉钉加签密钥', 200, '未提供表示不修改；空字符串表示清除'),
}

const MemberAdd = Type.Object({
  personId: Id('成员'),
  note: optionalText('备注', 200),
}, { additionalProperties: false })

export const CustomGroupInput = Type.Object({
  regionCode: Type.String({ pattern: '^[0-9]{12}$', title: '所属区划', description: '12 位统计用区划代码' }),
  name: Type.String({ minLength: 1, maxLength: 100, title: '名称' }),
  roles: Roles,
  subtree: Type.Optional(Type.Boolean({ title: '含下级区划', description: 'true：所属区划及全部下级中持有职责的人员；false：仅所属区划本级' })),
  ...robots,
  note: optionalText('说明', 500),
  members: Type.Optional(Type.Array(MemberAdd, { maxItems: 500, title: '手工添加的成员' })),
}, { additionalProperties: false })
export type CustomGroupInput = Static<typeof CustomGroupInput>

export const GroupUpdate = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, title: '名称', description: '区划联动工作群的名称不可修改' })),
  roles: Roles,
  subtree: Type.Optional(Type.Boolean({ title: '含下级区划' })),
  ...robots,
  note: optionalText('说明', 500),
  version: Version(),
}, { additionalProperties: false, description: '整体替换（不含成员）；说明未提供时视为清空' })
export type GroupUpdate = Static<typeof GroupUpdate>

const PersonIds = (title: string) => Type.Array(Id(title), { maxItems: 500, uniqueItems: true, title })

export const MembersChange = Type.Object({
  version: Version(),
  add: Type.Optional(Type.Array(MemberAdd, { maxItems: 500, title: '添加成员' })),
  exclude: Type.Optional(PersonIds('排除成员')),
  remove: Type.Optional(PersonIds('撤销添加或排除')),
}, { additionalProperties: false })
export type MembersChange = Static<typeof MembersChange>

export const MEMBER_SOURCES = { derived: '派生', added: '手工添加', excluded: '已排除' } as const
export type MemberSource = keyof typeof MEMBER_SOURCES

export const GroupMember = Type.Object({
  personId: Type.Integer(),
  name: Type.String(),
  post: nullable(Type.String()),
  unitName: nullable(Type.String()),
  regionCode: Type.String(),
  regionName: Type.String(),
  regionLevel: Type.String(),
  roles: Type.Array(Type.String()),
  roleLabels: Type.Array(Type.String()),
  mobile: nullable(Type.String({ description: '脱敏显示' })),
  hasEmail: Type.Boolean(),
  source: Type.Enum(Object.keys(MEMBER_SOURCES) as MemberSource[]),
  sourceLabel: Type.String(),
  note: nullable(Type.String()),
})
export type GroupMember = Static<typeof GroupMember>

const groupFields = {
  /** null while a region's group is still the implicit default. */
  id: nullable(Type.Integer()),
  kind: Type.Enum(Object.keys(GROUP_KINDS) as GroupKind[]),
  kindLabel: Type.String(),
  regionCode: Type.String(),
  regionName: Type.String(),
  regionLevel: Type.String(),
  name: Type.String(),
  roles: Type.Array(Type.String()),
  roleLabels: Type.Array(Type.String()),
  subtree: Type.Boolean(),
  stored: Type.Boolean({ description: 'false：按默认职责派生、尚未自定义的区划联动工作群' }),
  memberCount: Type.Integer({ description: '有效成员数（派生 + 手工添加 − 排除）' }),
  wecomWebhook: nullable(Type.String({ description: '密钥部分脱敏' })),
  dingtalkWebhook: nullable(Type.String({ description: '密钥部分脱敏' })),
  dingtalkSecretSet: Type.Boolean(),
  note: nullable(Type.String()),
  isDemo: Type.Boolean(),
  version: nullable(Type.Integer()),
  updatedAt: nullable(Type.String({ format: 'date-time' })),
}

export const GroupSummary = Type.Object(groupFields)
export type GroupSummary = Static<typeof GroupSummary>

export const GroupPage = Type.Object({ items: Type.Array(GroupSummary), total: Type.Integer() })
export type GroupPage = Static<typeof GroupPage>

export const GroupDetail = Type.Object({ ...groupFields, members: Type.Array(GroupMember) })
export type GroupDetail = Static<typeof GroupDetail>

export const Ok = Type.Object({ ok: Type.Boolean() })
