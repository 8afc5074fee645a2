import { Type, type Static } from 'typebox'
import { CRS_KEYS } from '../../../domain/map/crs.js'
import { DRAWN_LAYERS } from '../../../domain/map/layers.js'
import { POSITION_SOURCE_KEYS } from '../../../domain/map/position-sources.js'
import { CONDITIONS } from '../../../domain/resources/kinds.js'
import { Count, Id, Latitude, Longitude, Version } from '../../schema/numbers.js'
import { HandoverContact } from '../resources/handover.js'

const NUMBER = '-?\\d+(\\.\\d+)?'
const REGION_CODE = Type.String({ pattern: '^\\d{12}$', title: '区划' })
const CLASS_CODE = Type.String({ pattern: '^[1-9]\\d{6}$', title: '物资分类', description: '含下级分类' })

/** Filters shared by features, counts and export; layers and bbox come as comma lists, as map URLs write them. */
export const filterProperties = {
  layers: Type.Optional(Type.String({
    pattern: '^[a-z_]+(,[a-z_]+)*$', title: '图层', description: `逗号分隔：${DRAWN_LAYERS.join(',')}；不填为全部`,
  })),
  regionCode: Type.Optional(REGION_CODE),
  q: Type.Optional(Type.String({ maxLength: 50, title: '名称关键词' })),
  condition: Type.Optional(Type.Enum(Object.keys(CONDITIONS), { title: '物资状态', description: '只筛选物资装备和储有该状态物资的储备点' })),
  classCode: Type.Optional(CLASS_CODE),
  fresh: Type.Optional(Type.Enum(['stale', 'fresh'], { title: '确认情况', description: 'stale：超过规定天数未确认；fresh：期限内已确认' })),
  teamSpeciality: Type.Optional(Type.String({ maxLength: 20, title: '队伍专业方向' })),
}

export const BBOX = Type.String({ pattern: `^${NUMBER}(,${NUMBER}){3}$`, title: '视野范围', description: '西,南,东,北（WGS84 经纬度）' })

export const FeaturesQuery = Type.Object({
  ...filterProperties,
  bbox: BBOX,
  zoom: Count('缩放级别', 0, 22),
}, { additionalProperties: false })
export type FeaturesQuery = Static<typeof FeaturesQuery>

export const CountsQuery = Type.Object(filterProperties, { additionalProperties: false })
export type CountsQuery = Static<typeof CountsQuery>

export const ExportQuery = Type.Object({ ...filterProperties, bbox: Type.Optional(BBOX) }, { additionalProperties: false })
export type ExportQuery = Static<typeof ExportQuery>

export const Layer = Type.Enum([...DRAWN_LAYERS], { title: '图层' })

export const PointParams = Type.Object({
  layer: Layer,
  id: Id('编号'),
})

export const LocationBody = Type.Object({
  lng: Longitude(),
  lat: Latitude(),
  crs: Type.Enum([...CRS_KEYS], { title: '坐标系', description: 'WGS84（含 CGCS2000）、GCJ02（高德/腾讯）、BD09（百度）；保存时统一换算为 WGS84' }),
  version: Version(),
}, { additionalProperties: false })
export type LocationBody = Static<typeof LocationBody>

export const LocationReply = Type.Object({ lng: Type.Number(), lat: Type.Number(), version: Type.Integer() })

export const RegionsQuery = Type.Object({
  regionCode: Type.Optional(REGION_CODE),
  level: Type.Optional(Type.Enum(['city', 'county', 'township', 'village'], { title: '层级', description: '不填为直接下级' })),
}, { additionalProperties: false })
export type RegionsQuery = Static<typeof RegionsQuery>

export const PositionSourceSchema = Type.Enum([...POSITION_SOURCE_KEYS], {
  title: '位置来源', description: 'sketch 示意（系统按上级区划自动摆放，不代表实际地点）；imported 导入；manual 人工标注；survey 测绘',
})

export const RegionMarker = Type.Object({
  code: Type.String(), name: Type.String(), level: Type.String(), lng: Type.Number(), lat: Type.Number(),
  positionSource: PositionSourceSchema,
})

export const MapConfig = Type.Object({
  basemaps: Type.Array(Type.Object({ key: Type.String(), label: Type.String() })),
  tiandituKey: Type.Optional(Type.String()),
  xyzTemplate: Type.Optional(Type.String()),
  center: Type.Tuple([Type.Number(), Type.Number()]),
  zoom: Type.Number(),
})
export type MapConfig = Static<typeof MapConfig>

export const LayerCount = Type.Object({
  layer: Type.String(), label: Type.String(), total: Type.Integer(), located: Type.Integer(), unlocated: Type.Integer(),
})
export const CountsReply = Type.Object({ layers: Type.Array(LayerCount) })

const Contact = Type.Union([Type.Null(), Type.Object({ name: Type.String(), post: Type.Union([Type.String(), Type.Null()]), mobile: Type.Union([Type.String(), Type.Null()]) })])

export const PointReply = Type.Object({
  layer: Type.String(),
  id: Type.Integer(),
  name: Type.String(),
  kindLabel: Type.String(),
  regionCode: Type.String(),
  regionName: Type.String(),
  address: Type.Union([Type.String(), Type.Null()]),
  lng: Type.Union([Type.Number(), Type.Null()]),
  lat: Type.Union([Type.Number(), Type.Null()]),
  positionSource: Type.Union([PositionSourceSchema, Type.Null()]),
  responsible: Contact,
  liaison: Contact,
  contacts: Type.Array(HandoverContact, {
    description: '可交接的联系人，按 保管员、负责人、队长、联络人 排列；电话脱敏，完整号码经人员“查看完整号码”（逐次审计）',
  }),
  confirmedAt: Type.Union([Type.String(), Type.Null()]),
  stale: Type.Boolean(),
  version: Type.Integer(),
  condition: Type.Optional(Type.String()),
  conditionLabel: Type.Optional(Type.String()),
  quantity: Type.Optional(Type.Number()),
  unit: Type.Optional(Type.String()),
  supplies: Type.Optional(Type.Array(Type.Object({
    id: Type.Integer(), name: Type.String(), quantity: Type.Number(), unit: Type.String(), conditionLabel: Type.String(),
  }))),
  suppliesTotal: Type.Optional(Type.Integer()),
  detail: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  link: Type.String(),
})
export type PointReply = Static<typeof PointReply>
