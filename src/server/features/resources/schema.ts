import { Type, type Static, type TProperties, type TSchema } from 'typebox'
import { TEXT_LIMITS } from '../../../domain/field-limits.js'
import { RESOURCE_KIND_KEYS } from '../../../domain/resources/kinds.js'
import { KeyPageQuery } from '../../schema/key-page.js'
import { Id, Page, PageSize, Version } from '../../schema/numbers.js'

/**
 * Schema pieces shared by every resource kind. A kind's own fields live in its detail schema
 * (teams.ts, experts.ts, …); routes.ts joins the two per kind, so each kind's form is validated,
 * and documented, exactly.
 */

/** Text that may be absent: one JSON type list, so a failure names the field once. */
export const optionalText = (title: string, maxLength: number, description?: string) =>
  Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength, title, ...(description ? { description } : {}) }))

export const optionalId = (title: string) =>
  Type.Optional(Type.Unsafe<number | null>({ type: ['integer', 'null'], minimum: 1, maximum: Number.MAX_SAFE_INTEGER, title }))

export const optionalDate = (title: string) =>
  Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'], format: 'date', title, description: 'YYYY-MM-DD' }))

export const optionalNumber = (title: string, minimum: number, maximum: number) =>
  Type.Optional(Type.Unsafe<number | null>({ type: ['number', 'null'], minimum, maximum, title }))

export const optionalInteger = (title: string, minimum: number, maximum: number) =>
  Type.Optional(Type.Unsafe<number | null>({ type: ['integer', 'null'], minimum, maximum, title }))

/** One of `keys`, or null / absent. */
export const optionalEnum = (title: string, keys: readonly string[]) =>
  Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'], enum: [...keys, null], title }))

export const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

export const RegionCode = Type.String({ pattern: '^[0-9]{12}$', title: '所属区划', description: '12 位统计用区划代码' })

export const IdParam = Type.Object({
  id: Id('编号'),
})

/** Only for the fallback routes that answer an unknown kind with a Chinese 400. */
export const AnyKindParam = Type.Object({ kind: Type.String({ title: '资源类别' }) })
export const AnyKindIdParam = Type.Object({ kind: Type.String({ title: '资源类别' }), id: Type.String({ title: '编号' }) })

export const VersionQuery = Type.Object({
  version: Version(),
}, { additionalProperties: false })

export const VersionBody = Type.Object({
  version: Version(),
}, { additionalProperties: false })

export const Ok = Type.Object({ ok: Type.Boolean() })

// ---- input ----

export const STATUSES = { active: '在用', inactive: '停用' } as const

/** Names of the shared fields where a kind reads them differently (an expert's 负责人 is the expert). */
export type FieldTitles = { name: string; responsible: string; liaison: string; ownerUnit: string }

export const DEFAULT_TITLES: FieldTitles = { name: '名称', responsible: '负责人', liaison: '联络人', ownerUnit: '所属单位' }

/** Fields every kind's form has, besides its `detail`. */
export function baseInputProperties(titles: FieldTitles) {
  return {
    regionCode: RegionCode,
    name: Type.String({ minLength: 1, maxLength: TEXT_LIMITS.name, title: titles.name }),
    ownerUnitId: optionalId(titles.ownerUnit),
    responsiblePersonId: optionalId(titles.responsible),
    liaisonPersonId: optionalId(titles.liaison),
    address: optionalText('地址', TEXT_LIMITS.address),
    lng: optionalNumber('经度', -180, 180),
    lat: optionalNumber('纬度', -90, 90),
    status: Type.Optional(Type.Enum(Object.keys(STATUSES), { title: '状态', default: 'active' })),
    note: optionalText('备注', TEXT_LIMITS.note),
  }
}

const BaseInput = Type.Object(baseInputProperties(DEFAULT_TITLES))
/** What a form sends besides `detail`. */
export type BaseInput = Static<typeof BaseInput>

export type ResourceInput<Detail> = BaseInput & { detail: Detail }
export type ResourceUpdate<Detail> = ResourceInput<Detail> & { version: number }

// ---- list query ----

export const SORTS = ['name', 'updatedAt', 'confirmedAt', 'region'] as const

export const baseListProperties = {
  regionCode: Type.Optional(Type.String({ pattern: '^[0-9]{12}$', title: '区划', description: '只看该区划及其下级' })),
  q: Type.Optional(Type.String({ maxLength: 50, title: '关键词', description: '名称包含' })),
  status: Type.Optional(Type.Enum(Object.keys(STATUSES), { title: '状态' })),
  fresh: Type.Optional(Type.Enum(['stale', 'fresh'], { title: '确认情况', description: 'stale：超过规定天数未确认；fresh：期限内已确认' })),
  page: Type.Optional(Page({ default: 1 })),
  pageSize: Type.Optional(PageSize(200, { default: 20 })),
  sort: Type.Optional(Type.Enum([...SORTS], { title: '排序字段', default: 'region' })),
  order: Type.Optional(Type.Enum(['asc', 'desc'], { title: '排序方向', default: 'asc' })),
  ...KeyPageQuery,
}

/** Filters of single kinds; each kind's list accepts only its own. */
export type KindFilters = {
  level?: string
  teamType?: string
  speciality?: string
  domain?: string
  groupCode?: string
  storageKind?: string
  gbClass?: string
  spaceType?: string
  hazardType?: string
  riskLevel?: string
  state?: string
}

export type ListQuery = KindFilters & {
  regionCode?: string
  q?: string
  status?: string
  fresh?: string
  page?: number
  pageSize?: number
  sort?: string
  order?: string
  after?: string
  count?: 'exact'
}

export function listQuerySchema(filters: TProperties) {
  return Type.Object({ ...baseListProperties, ...filters }, { additionalProperties: false })
}

// ---- output ----

/** A person a record points at; the phone is masked, the full number only via /api/people/:id/reveal. */
export const Contact = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  post: nullable(Type.String()),
  mobile: nullable(Type.String({ description: '脱敏显示' })),
})
export type Contact = Static<typeof Contact>

export const itemProperties = {
  id: Type.Integer(),
  kind: Type.String(),
  kindLabel: Type.String(),
  regionCode: Type.String(),
  regionName: Type.String(),
  name: Type.String(),
  ownerUnitId: nullable(Type.Integer()),
  ownerUnitName: nullable(Type.String()),
  responsible: nullable(Contact),
  liaison: nullable(Contact),
  address: nullable(Type.String()),
  lng: nullable(Type.Number()),
  lat: nullable(Type.Number()),
  status: Type.String(),
  statusLabel: Type.String(),
  note: nullable(Type.String()),
  confirmedAt: nullable(Type.String({ format: 'date-time' })),
  confirmedByName: nullable(Type.String()),
  stale: Type.Boolean({ description: '从未确认，或超过规定天数（设置 resources.freshness_days）未确认' }),
  isDemo: Type.Boolean(),
  version: Type.Integer(),
  updatedAt: Type.String({ format: 'date-time' }),
  warnings: Type.Array(Type.String(), { description: '需要关注的问题，如队伍人数不足、保险过期' }),
}
const ItemBase = Type.Object(itemProperties)
export type Item<Detail> = Static<typeof ItemBase> & { detail: Detail }

export const HistoryEntry = Type.Object({
  at: Type.String({ format: 'date-time' }),
  actorName: Type.String(),
  action: Type.String(),
  actionLabel: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
})
export type HistoryEntry = Static<typeof HistoryEntry>

export type ItemWithHistory<Detail> = Item<Detail> & { history: HistoryEntry[] }

// ---- confirmation ----

export const BulkConfirmInput = Type.Object({
  items: Type.Array(Type.Object({
    kind: Type.Enum([...RESOURCE_KIND_KEYS, 'supply'], { title: '类别' }),
    id: Id('编号'),
  }, { additionalProperties: false }), { minItems: 1, maxItems: 1000, title: '要确认的记录' }),
}, { additionalProperties: false })
export type BulkConfirmInput = Static<typeof BulkConfirmInput>

export const BulkConfirmReply = Type.Object({ confirmed: Type.Integer() })
