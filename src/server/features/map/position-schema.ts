import { Type, type Static, type TSchema } from 'typebox'
import { CRS_KEYS } from '../../../domain/map/crs.js'
import { REGION_LEVELS } from '../../../domain/regions/code.js'
import { Count, Latitude, Longitude, Page, PageSize } from '../../schema/numbers.js'
import { PositionSourceSchema } from './schema.js'

/** Schemas of /api/map/positions: region positions, their sources, import and manual marking. */

const REGION_CODE = Type.String({ pattern: '^\\d{12}$', title: '区划代码' })
const Crs = Type.Enum([...CRS_KEYS], { title: '坐标系', description: 'WGS84（含 CGCS2000、天地图）、GCJ02（高德/腾讯）、BD09（百度）；保存时统一换算为 WGS84' })
const Note = Type.String({ maxLength: 200, title: '位置说明' })
const nullable = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()])

/** Largest position file: a province's villages as a spreadsheet, or a county's village polygons as GeoJSON. */
export const MAX_POSITION_FILE_BYTES = 20 * 1024 * 1024
/** Base64 of the largest file, plus room for the rest of the body. */
export const POSITION_BODY_LIMIT = Math.ceil(MAX_POSITION_FILE_BYTES / 3) * 4 + 64 * 1024
export const MAX_POSITION_ROWS = 50_000

export const CodeParam = Type.Object({ code: REGION_CODE }, { additionalProperties: false })

export const PositionQuery = Type.Object({
  regionCode: Type.Optional(REGION_CODE),
  level: Type.Optional(Type.Enum(['county', 'township', 'village'], { title: '层级' })),
  source: Type.Optional(Type.Enum(['sketch', 'imported', 'manual', 'survey', 'none'], { title: '位置来源', description: 'none：尚无位置' })),
  q: Type.Optional(Type.String({ maxLength: 50, title: '名称关键词' })),
  page: Type.Optional(Page({ default: 1 })),
  pageSize: Type.Optional(PageSize(200, { default: 20 })),
}, { additionalProperties: false })
export type PositionQuery = Static<typeof PositionQuery>

export const RegionPosition = Type.Object({
  code: Type.String(),
  name: Type.String(),
  fullName: Type.String(),
  level: Type.String(),
  lng: nullable(Type.Number()),
  lat: nullable(Type.Number()),
  positionSource: nullable(PositionSourceSchema),
  positionNote: nullable(Type.String()),
})
export type RegionPosition = Static<typeof RegionPosition>
export const RegionPositionPage = Type.Object({ items: Type.Array(RegionPosition), total: Type.Integer() })

export const SummaryQuery = Type.Object({ regionCode: Type.Optional(REGION_CODE) }, { additionalProperties: false })
export const PositionSummary = Type.Object({
  regionCode: Type.String(),
  levels: Type.Array(Type.Object({
    level: Type.Enum([...REGION_LEVELS]),
    total: Type.Integer(),
    sketch: Type.Integer(),
    imported: Type.Integer(),
    manual: Type.Integer(),
    survey: Type.Integer(),
    none: Type.Integer(),
  })),
})
export type PositionSummary = Static<typeof PositionSummary>

export const SetPositionBody = Type.Object({
  lng: Longitude(),
  lat: Latitude(),
  crs: Crs,
  note: Type.Optional(Note),
}, { additionalProperties: false, description: '人工标注：拖动或输入坐标；记入审计日志' })
export type SetPositionBody = Static<typeof SetPositionBody>

export const ImportPreviewBody = Type.Object({
  fileName: Type.String({ minLength: 1, maxLength: 200, title: '文件名' }),
  content: Type.String({ minLength: 1, maxLength: POSITION_BODY_LIMIT, pattern: '^[A-Za-z0-9+/=\\s]+$', title: '文件内容（Base64）' }),
  crs: Type.Optional(Crs),
}, { additionalProperties: false, description: 'Excel（.xlsx）、CSV 或 GeoJSON；坐标系为整个文件的默认值，表格中的“坐标系”列或列名（如“经度（百度）”）优先' })
export type ImportPreviewBody = Static<typeof ImportPreviewBody>

const Problem = Type.Object({ row: Type.Integer(), column: Type.String(), value: Type.String(), message: Type.String() })

export const PreviewRow = Type.Object({
  row: Type.Integer({ description: '表格行号，或 GeoJSON 的第几个要素' }),
  code: nullable(Type.String()),
  fullName: nullable(Type.String()),
  entered: nullable(Type.Object({ lng: Type.Number(), lat: Type.Number(), crs: Crs })),
  lng: nullable(Type.Number({ description: 'WGS84' })),
  lat: nullable(Type.Number({ description: 'WGS84' })),
  note: nullable(Type.String()),
  current: nullable(Type.Object({ lng: Type.Number(), lat: Type.Number(), positionSource: PositionSourceSchema })),
  outcome: Type.Enum(['new', 'update', 'unchanged', 'problem'], { description: 'new 原无位置；update 更新；unchanged 与现有位置相同；problem 有问题，不会导入' }),
  problems: Type.Array(Problem),
})
export type PreviewRow = Static<typeof PreviewRow>

export const ImportPreview = Type.Object({
  format: Type.Enum(['xlsx', 'csv', 'geojson']),
  crs: Crs,
  columns: Type.Record(Type.String(), Type.String(), { description: '识别出的列：code、name、parent、lng、lat、crs → 表头文字（GeoJSON 为属性名）' }),
  total: Type.Integer(),
  valid: Type.Integer(),
  rows: Type.Array(PreviewRow),
})
export type ImportPreview = Static<typeof ImportPreview>

export const ImportCommitBody = Type.Object({
  fileName: Type.String({ minLength: 1, maxLength: 200, title: '文件名' }),
  source: Type.Optional(Type.Enum(['imported', 'survey'], { title: '位置来源', description: 'imported 导入（默认）；survey 测绘成果' })),
  rows: Type.Array(Type.Object({
    row: Count('行号', 1, 10_000_000),
    code: REGION_CODE,
    lng: Longitude('经度（原值）'),
    lat: Latitude('纬度（原值）'),
    crs: Crs,
    note: Type.Optional(nullable(Note)),
  }, { additionalProperties: false }), { minItems: 1, maxItems: MAX_POSITION_ROWS, title: '导入的行' }),
}, { additionalProperties: false, description: '预览中无问题的行，坐标为文件中的原值；在一个事务中写入并记入审计日志' })
export type ImportCommitBody = Static<typeof ImportCommitBody>

export const ImportCommitReply = Type.Object({ updated: Type.Integer(), unchanged: Type.Integer() })

export const SketchCountBody = Type.Object({
  regionCode: Type.String({ pattern: '^\\d{12}$', title: '发布区划' }),
  polygons: Type.Optional(Type.Array(Type.Array(Type.Tuple([Latitude(), Longitude()]), { maxItems: 2000, title: '多边形' }), { maxItems: 50, title: '多边形', description: '闭合环，[纬度, 经度]，WGS84' })),
  circles: Type.Optional(Type.Array(Type.Object({
    lat: Latitude('圆心纬度'), lng: Longitude('圆心经度'), radiusKm: Type.Number({ exclusiveMinimum: 0, maximum: 500, title: '半径（公里）' }),
  }, { additionalProperties: false }), { maxItems: 50, title: '圆形区域' })),
}, { additionalProperties: false })
export type SketchCountBody = Static<typeof SketchCountBody>

export const SketchCount = Type.Object({
  villages: Type.Integer({ description: '位置在范围内的村（社区）数' }),
  sketchVillages: Type.Integer({ description: '其中只有示意位置的' }),
})
export type SketchCount = Static<typeof SketchCount>
