import { AppError } from '../../errors.js'
import type { EnteredRow, PositionFile } from './position-file.js'

/**
 * Region positions from a GeoJSON file: each feature names its region by a code or name property
 * and gives a Point; a Polygon or MultiPolygon (village boundaries, as surveying offices deliver
 * them) stands for its centroid, and the row says so in its note. Problems are the feature's own,
 * numbered as “第 N 个要素”, so a file with one broken feature still imports the rest.
 */

// Property names seen in Chinese boundary data (国土三调 XZQDM/XZQMC, 高德 adcode) and plain ones.
const CODE_KEYS = ['code', 'adcode', 'xzqdm', 'dm', 'qhdm', '区划代码', '行政区划代码', '代码', '编码']
const NAME_KEYS = ['name', 'xzqmc', 'mc', 'qhmc', '名称', '区划名称', '村名', '村（社区）']
const PARENT_KEYS = ['parent', 'parentname', 'sjmc', '上级', '上级区划', '上级名称', '乡镇', '乡镇（街道）']

export const CENTROID_NOTE = '由面要素（边界）计算的质心'

const fileError = (message: string) => new AppError('POSITION_FILE_INVALID', 422, message)

type Json = Record<string, unknown>
type Ring = number[][]

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The first property among `keys` (case and full-width insensitive) with a value, and its name. */
function property(props: Json, keys: readonly string[]): { key: string; value: string } | null {
  for (const [k, v] of Object.entries(props)) {
    if (!keys.includes(k.normalize('NFKC').toLowerCase())) continue
    if (v === null || v === undefined) continue
    const text = String(v).trim()
    if (text !== '') return { key: k, value: text }
  }
  return null
}

const isPosition = (p: unknown): p is number[] =>
  Array.isArray(p) && p.length >= 2 && typeof p[0] === 'number' && typeof p[1] === 'number'

/** Signed area and centroid of one ring (shoelace, planar in degrees: a village is small enough). */
function ringMoments(ring: Ring): { area: number; cx: number; cy: number } {
  let a = 0
  let cx = 0
  let cy = 0
  for (let i = 0, n = ring.length; i < n - 1; i++) {
    const [x0, y0] = ring[i]
    const [x1, y1] = ring[i + 1]
    const f = x0 * y1 - x1 * y0
    a += f
    cx += (x0 + x1) * f
    cy += (y0 + y1) * f
  }
  return { area: a / 2, cx, cy }
}

/**
 * Area-weighted centroid of polygons (holes subtract), or the mean of the vertices when the area
 * is nil (a degenerate ring). Null when the coordinates are not numbers.
 */
export function centroid(polygons: unknown[]): [number, number] | null {
  let area = 0
  let sx = 0
  let sy = 0
  const points: number[][] = []
  for (const polygon of polygons) {
    if (!Array.isArray(polygon)) return null
    polygon.forEach((ring: unknown, i: number) => {
      if (!Array.isArray(ring) || !ring.every(isPosition)) return
      points.push(...(ring as Ring))
      const m = ringMoments(ring as Ring)
      // The outer ring counts positively and holes negatively, whichever way each is wound.
      const sign = (i === 0 ? 1 : -1) * Math.sign(m.area)
      area += sign * m.area
      sx += sign * m.cx
      sy += sign * m.cy
    })
  }
  if (points.length === 0) return null
  if (Math.abs(area) > 1e-14) return [sx / (6 * area), sy / (6 * area)]
  return [points.reduce((s, p) => s + p[0], 0) / points.length, points.reduce((s, p) => s + p[1], 0) / points.length]
}

/** Coordinates and note of one feature's geometry, or the reason it gives none. */
function pointOf(geometry: unknown): { at: [number, number]; note: string | null } | { why: string } {
  if (!isObject(geometry)) return { why: '没有几何图形（geometry）' }
  const coords = geometry.coordinates
  switch (geometry.type) {
    case 'Point':
      return isPosition(coords) ? { at: [coords[0], coords[1]], note: null } : { why: '点的坐标不是两个数字' }
    case 'MultiPoint':
      if (Array.isArray(coords) && coords.length === 1 && isPosition(coords[0])) return { at: [coords[0][0], coords[0][1]], note: null }
      return { why: '是多个点，无法确定区划的位置' }
    case 'Polygon': {
      const c = Array.isArray(coords) ? centroid([coords]) : null
      return c ? { at: c, note: CENTROID_NOTE } : { why: '面的坐标无法读取' }
    }
    case 'MultiPolygon': {
      const c = Array.isArray(coords) ? centroid(coords) : null
      return c ? { at: c, note: CENTROID_NOTE } : { why: '面的坐标无法读取' }
    }
    default:
      return { why: `是${String(geometry.type)}，只支持点（Point）或面（Polygon、MultiPolygon）` }
  }
}

/** A GeoJSON FeatureCollection (or one Feature) as entered rows. */
export function readGeoJson(bytes: Buffer, maxRows: number): PositionFile {
  let doc: unknown
  try {
    doc = JSON.parse(new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, ''))
  } catch {
    throw fileError('文件不是有效的 GeoJSON（JSON 格式有误），请检查文件是否完整')
  }
  if (!isObject(doc)) throw fileError('文件不是 GeoJSON：应为 FeatureCollection 或 Feature')
  const crsName = isObject(doc.crs) && isObject(doc.crs.properties) ? String(doc.crs.properties.name ?? '') : ''
  if (/3857|900913|102100|4547|4548|4549|2385|投影/.test(crsName)) {
    throw fileError(`文件使用投影坐标（${crsName}，单位为米），请在 GIS 软件中导出为经纬度（WGS84 或 CGCS2000）后再导入`)
  }
  const features = doc.type === 'FeatureCollection' ? doc.features : doc.type === 'Feature' ? [doc] : null
  if (!Array.isArray(features)) throw fileError(`文件不是 GeoJSON 要素集合：type 为“${String(doc.type)}”，应为 FeatureCollection 或 Feature`)
  if (features.length === 0) throw fileError('GeoJSON 中没有任何要素')
  if (features.length > maxRows) throw fileError(`GeoJSON 超过 ${maxRows} 个要素的上限，请拆分为多个文件后分别导入`)
  const columns: Record<string, string> = {}
  const rows = features.map((feature: unknown, i): EnteredRow => {
    const row = i + 1
    const props = isObject(feature) && isObject(feature.properties) ? feature.properties : {}
    const code = property(props, CODE_KEYS)
    const name = property(props, NAME_KEYS)
    const parent = property(props, PARENT_KEYS)
    if (code) columns.code ??= code.key
    if (name) columns.name ??= name.key
    if (parent) columns.parent ??= parent.key
    const entered: EnteredRow = {
      row, code: code?.value ?? null, name: name?.value ?? null, parent: parent?.value ?? null,
      lng: null, lat: null, crs: null, note: null, problems: [],
    }
    const found = pointOf(isObject(feature) ? feature.geometry : undefined)
    if ('why' in found) {
      entered.problems.push({ row, column: 'geometry', value: '', message: `第 ${row} 个要素的几何图形${found.why}` })
    } else {
      entered.lng = String(found.at[0])
      entered.lat = String(found.at[1])
      entered.note = found.note
    }
    return entered
  })
  return { format: 'geojson', columns: { ...columns, lng: 'geometry', lat: 'geometry' }, columnCrs: null, rows }
}
