import { Type, type Static } from 'typebox'
import { CRS_KEYS } from '../../../domain/map/crs.js'
import type { Need } from '../../../domain/map/needs.js'
import { Count, Distance, Latitude, Longitude, Quantity } from '../../schema/numbers.js'
import { HandoverContact } from '../resources/handover.js'

/**
 * Nearest sufficient resources (就近调配). `at` and each need are one flat object on the wire
 * (validated per type in nearest.ts) so that a refusal names one field instead of listing every
 * branch of a union; their TypeScript types are the unions the web codes against.
 */

const REGION_CODE = { pattern: '^[0-9]{12}$' }

export type NearestAt = { lng: number; lat: number; crs?: 'WGS84' | 'GCJ02' | 'BD09' } | { regionCode: string }

const At = Type.Unsafe<NearestAt>(Type.Object({
  lng: Type.Optional(Longitude()),
  lat: Type.Optional(Latitude()),
  crs: Type.Optional(Type.Enum([...CRS_KEYS], { title: '坐标系', description: 'WGS84（默认）、GCJ02（高德/腾讯）或 BD09（百度）' })),
  regionCode: Type.Optional(Type.String({ ...REGION_CODE, title: '地点区划', description: '以该区划的位置为地点' })),
}, { additionalProperties: false, title: '地点', description: '经纬度，或一个区划（取其位置）' }))

const NeedSchema = Type.Unsafe<Need>(Type.Object({
  type: Type.Enum(['supply', 'team', 'shelter'], { title: '需求类型' }),
  name: Type.Optional(Type.String({ maxLength: 100, title: '物资名称', description: '名称包含该词的物资都计入' })),
  classCode: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{6}$', title: '物资分类', description: '含下级分类' })),
  quantity: Type.Optional(Quantity('需求数量', { positive: true })),
  unit: Type.Optional(Type.String({ maxLength: 10, title: '计量单位' })),
  condition: Type.Optional(Type.Enum(['good', 'any'], { title: '物资状态', description: 'good（默认）仅完好；any 含待修；报废的从不计入' })),
  speciality: Type.Optional(Type.String({ maxLength: 50, title: '队伍专长', description: '专长中包含该词，如“防汛”' })),
  minHeadcount: Type.Optional(Count('最少人数', 1, 100_000)),
  capacity: Type.Optional(Count('需容纳人数', 1, 100_000_000)),
}, { additionalProperties: false, title: '需求' }))

export const NearestInput = Type.Object({
  at: At,
  needs: Type.Array(NeedSchema, { minItems: 1, maxItems: 20, title: '需求' }),
  maxDistanceKm: Type.Optional(Distance('最大距离（公里）', 2000, { description: '默认 200' })),
  regionCode: Type.Optional(Type.String({ ...REGION_CODE, title: '区划', description: '只在该区划及其下级中查找' })),
}, { additionalProperties: false })
export type NearestInput = Static<typeof NearestInput>

export const Holding = Type.Object({
  layer: Type.Enum(['supply', 'team', 'shelter']),
  id: Type.Integer(),
  name: Type.String(),
  regionCode: Type.String(),
  regionName: Type.String(),
  storagePointName: Type.Optional(Type.String()),
  distanceKm: Type.Number({ description: '直线（大圆）距离，保留两位小数；实际路程通常更长' }),
  quantity: Type.Optional(Type.Number()),
  unit: Type.Optional(Type.String()),
  headcount: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  capacity: Type.Optional(Type.Integer()),
  take: Type.Number({ description: '计入该需求的数量（队伍为 1 支）' }),
  lng: Type.Number(),
  lat: Type.Number(),
  contact: Type.Union([HandoverContact, Type.Null()], {
    description: '要联系的人：按 保管员、负责人、队长、联络人 的顺序，第一个有电话的；电话脱敏',
  }),
  contacts: Type.Array(HandoverContact, { description: '该记录的全部联系人，按 保管员、负责人、队长、联络人 排列' }),
})
export type Holding = Static<typeof Holding>

export const NeedResult = Type.Object({
  need: Type.Unsafe<Need>({}),
  description: Type.String(),
  satisfied: Type.Boolean(),
  total: Type.Number({ description: '找到的合计（队伍为支数）' }),
  shortfall: Type.Number({ description: '还差多少，满足时为 0' }),
  holdings: Type.Array(Holding, { description: '由近及远；按距离相同者按编号' }),
  omitted: Type.Optional(Type.Integer({ description: '找到但未列出的条数（只列最近的 1000 条；合计仍计入全部）' })),
})
export type NeedResult = Static<typeof NeedResult>

export const NearestResult = Type.Object({
  at: Type.Object({ lng: Type.Number(), lat: Type.Number(), regionName: Type.Optional(Type.String()) }),
  distanceNote: Type.String({ description: '距离的含义：直线距离，不是道路距离' }),
  results: Type.Array(NeedResult),
})
export type NearestResult = Static<typeof NearestResult>
