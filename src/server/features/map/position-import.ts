import { inChinaBounds, roundCoord, toWgs84, type Crs } from '../../../domain/map/crs.js'
import { parseDegrees } from '../../../domain/map/degrees.js'
import { storedSource } from '../../../domain/map/position-sources.js'
import { isWithin, parentCode, type RegionLevel } from '../../../domain/regions/code.js'
import { matchRegion, regionMatcher, type RegionMatch, type RegionName } from '../../../domain/regions/match.js'
import type { Db } from '../../db/database.js'
import { codeInScope, inScope, type Scope } from '../../db/scope.js'
import { AppError } from '../../errors.js'
import { readPositionFile, crsNamed, type EnteredRow, type PositionFile, type Problem } from './position-file.js'
import { MAX_POSITION_FILE_BYTES, MAX_POSITION_ROWS, type ImportPreview, type ImportPreviewBody, type PreviewRow } from './position-schema.js'

/**
 * The preview of a position import: every row of the file resolved to a region of the user's
 * jurisdiction and a WGS84 point, or the Chinese reasons it cannot be (each naming row, column
 * and value). Nothing is written; the commit (region-positions.ts) takes the rows the preview
 * found valid and checks them again. Names are matched as everywhere else in the product
 * (domain/regions/match.ts): never a guess, so a name that fits two regions is a problem of its
 * row, to be settled with a code or a parent name.
 */

/** How a row's place in the file is named in messages: a spreadsheet row and column, or a GeoJSON feature and property. */
function where(file: PositionFile, row: number, key: string): string {
  const column = file.columns[key] ?? key
  if (file.format === 'geojson') return key === 'lng' || key === 'lat' ? `第 ${row} 个要素的坐标` : `第 ${row} 个要素的“${column}”属性`
  return `第 ${row} 行“${column}”列`
}

function problem(file: PositionFile, row: number, key: string, value: string, why: string): Problem {
  const column = file.columns[key] ?? key
  return { row, column, value, message: `${where(file, row, key)}的值“${value}”${why}` }
}

/** A code as written (6, 9 or 12 digits, full-width or spaced) as the 12-digit code, or null. */
export function normaliseCode(text: string): string | null {
  const digits = text.normalize('NFKC').replace(/\s/g, '')
  return /^(\d{6}|\d{9}|\d{12})$/.test(digits) ? digits.padEnd(12, '0') : null
}

/** Regions of the jurisdiction by name; loaded once, only when a file names regions. */
class RegionNames {
  private matchers = new Map<string, (text: string) => RegionMatch>()
  private constructor(private readonly below: RegionName[], private readonly above: RegionName[], readonly root: RegionName | undefined) {}

  static async load(db: Db, scope: Scope): Promise<RegionNames> {
    const ancestors: string[] = []
    for (let c = parentCode(scope.regionCode); c; c = parentCode(c)) ancestors.push(c)
    const rows = await db.selectFrom('region').select(['code', 'name', 'level', 'fullName'])
      .where((eb) => eb.or([inScope('code', scope), ...(ancestors.length > 0 ? [eb('code', 'in', ancestors)] : [])]))
      .orderBy('code').execute()
    const all = rows.map((r) => ({ ...r, level: r.level as RegionLevel }))
    return new RegionNames(all.filter((r) => codeInScope(r.code, scope)), all.filter((r) => !codeInScope(r.code, scope)),
      all.find((r) => r.code === scope.regionCode))
  }

  /** Regions `text` may name below `parent` (or anywhere in the jurisdiction), the parent's names allowed in front. */
  match(text: string, parent?: RegionName): RegionMatch {
    const key = parent?.code ?? ''
    let m = this.matchers.get(key)
    if (!m) {
      const candidates = parent ? this.below.filter((r) => r.code !== parent.code && isWithin(r.code, parent.code)) : this.below
      const above = parent ? [...this.above, ...this.below.filter((r) => isWithin(parent.code, r.code))] : this.above
      m = regionMatcher(candidates, { ancestors: above })
      this.matchers.set(key, m)
    }
    return m(text)
  }

  /** Whether `text` is a way of writing `region`'s name (to check a name given beside a code). */
  names(text: string, region: RegionName): boolean {
    return matchRegion(text, [region], { ancestors: [...this.above, ...this.below.filter((r) => isWithin(region.code, r.code))] }).kind === 'one'
  }
}

const listed = (candidates: RegionName[]) =>
  candidates.slice(0, 5).map((c) => c.fullName).join('、') + (candidates.length > 5 ? ` 等 ${candidates.length} 个` : '')

/** The point of a row in WGS84, or the problems of its coordinates. */
export function pointOf(
  lngText: string | null, latText: string | null, crs: Crs,
): { ok: true; entered: [number, number]; wgs84: [number, number] } | { ok: false; key: 'lng' | 'lat'; value: string; why: string } {
  const lng = lngText === null ? null : parseDegrees(lngText)
  const lat = latText === null ? null : parseDegrees(latText)
  if (lngText === null) return { ok: false, key: 'lng', value: '', why: '为空：每行都须填写经度' }
  if (latText === null) return { ok: false, key: 'lat', value: '', why: '为空：每行都须填写纬度' }
  if (lng === null) return { ok: false, key: 'lng', value: lngText, why: '不是有效的经度（应为度数，如 120.0865 或 120°5′11″）' }
  if (lat === null) return { ok: false, key: 'lat', value: latText, why: '不是有效的纬度（应为度数，如 30.8672 或 30°52′2″）' }
  // Swapped columns are the commonest slip; say so before any range check.
  const inChina = lng >= -180 && lng <= 180 && lat >= -90 && lat <= 90 && inChinaBounds(toWgs84([lng, lat], crs))
  if (!inChina && inChinaBounds([lat, lng])) {
    return { ok: false, key: 'lng', value: `${lngText}，${latText}`, why: '不在我国范围内：经度和纬度可能填反了' }
  }
  if (lng < -180 || lng > 180) return { ok: false, key: 'lng', value: lngText, why: '超出经度的范围（-180 至 180）' }
  if (lat < -90 || lat > 90) return { ok: false, key: 'lat', value: latText, why: '超出纬度的范围（-90 至 90）' }
  if (!inChina) return { ok: false, key: 'lng', value: `${lngText}，${latText}`, why: '不在我国范围内，请检查坐标是否有误' }
  return { ok: true, entered: [lng, lat], wgs84: toWgs84([lng, lat], crs).map(roundCoord) as [number, number] }
}

/** The region a row names, or the problems that keep it from naming exactly one. */
async function regionOf(
  file: PositionFile, r: EnteredRow, byCode: Map<string, RegionName>, names: () => Promise<RegionNames>, scope: Scope,
): Promise<{ region: RegionName | null; problems: Problem[] }> {
  if (r.code !== null) {
    const code = normaliseCode(r.code)
    if (!code) return { region: null, problems: [problem(file, r.row, 'code', r.code, '不是区划代码（应为 12 位统计用区划代码，或 6、9 位的区县、乡镇代码）')] }
    if (!codeInScope(code, scope)) return { region: null, problems: [problem(file, r.row, 'code', r.code, '不在您的辖区内')] }
    const region = byCode.get(code)
    if (!region) return { region: null, problems: [problem(file, r.row, 'code', r.code, '不是已知的区划代码')] }
    if (r.name !== null && !(await names()).names(r.name, region)) {
      return { region: null, problems: [problem(file, r.row, 'name', r.name, `与区划代码 ${code}（${region.fullName}）不一致，请核对是哪一个区划`)] }
    }
    return { region, problems: [] }
  }
  if (r.name === null) {
    return { region: null, problems: [{ row: r.row, column: file.columns.name ?? '名称', value: '', message: `${where(file, r.row, 'name')}为空：每行须写明区划代码或名称` }] }
  }
  const n = await names()
  let parent: RegionName | undefined
  if (r.parent !== null) {
    const p = n.match(r.parent)
    if (p.kind === 'ambiguous') return { region: null, problems: [problem(file, r.row, 'parent', r.parent, `能对应多个区划（${listed(p.candidates)}），请写出全称或改填区划代码`)] }
    if (p.kind === 'none') return { region: null, problems: [problem(file, r.row, 'parent', r.parent, `在您的辖区（${n.root?.fullName ?? scope.regionCode}）内找不到这个区划`)] }
    parent = p.region
  }
  const m = n.match(r.name, parent)
  if (m.kind === 'ambiguous') {
    return { region: null, problems: [problem(file, r.row, 'name', r.name, `能对应多个区划（${listed(m.candidates)}），不会替您选择：请填写上级名称或区划代码`)] }
  }
  if (m.kind === 'none') {
    const within = parent?.fullName ?? n.root?.fullName ?? scope.regionCode
    return { region: null, problems: [problem(file, r.row, 'name', r.name, `在“${within}”内找不到这个区划`)] }
  }
  return { region: m.region, problems: [] }
}

/** Resolves the rows of a read file against the jurisdiction and the regions' current positions. */
export async function resolvePositions(db: Db, scope: Scope, file: PositionFile, fileCrs: Crs): Promise<ImportPreview> {
  const codes = [...new Set(file.rows.flatMap((r) => {
    const c = r.code === null ? null : normaliseCode(r.code)
    return c && codeInScope(c, scope) ? [c] : []
  }))]
  const byCode = new Map<string, RegionName>()
  for (let i = 0; i < codes.length; i += 5000) {
    const found = await db.selectFrom('region').select(['code', 'name', 'level', 'fullName']).where('code', 'in', codes.slice(i, i + 5000)).execute()
    for (const r of found) byCode.set(r.code, { ...r, level: r.level as RegionLevel })
  }
  let loaded: Promise<RegionNames> | null = null
  const names = () => (loaded ??= RegionNames.load(db, scope))

  const resolved: Array<{ r: EnteredRow; region: RegionName | null; crs: Crs; point: ReturnType<typeof pointOf> | null; problems: Problem[] }> = []
  for (const r of file.rows) {
    const problems = [...r.problems]
    const found = await regionOf(file, r, byCode, names, scope)
    problems.push(...found.problems)
    let crs = file.columnCrs ?? fileCrs
    if (r.crs !== null) {
      const named = crsNamed(r.crs)
      if (named) crs = named
      else problems.push(problem(file, r.row, 'crs', r.crs, '不是可识别的坐标系（应为 WGS84、GCJ-02 或 BD-09，也可写 GPS、高德、腾讯、百度、天地图）'))
    }
    // The reader has already said so when a required cell is blank.
    const readerSaid = (key: string) => r.problems.some((p) => p.column === file.columns[key])
    const point = (r.lng === null && readerSaid('lng')) || (r.lat === null && readerSaid('lat')) ? null : pointOf(r.lng, r.lat, crs)
    if (point && !point.ok) problems.push(problem(file, r.row, point.key, point.value, point.why))
    resolved.push({ r, region: found.region, crs, point, problems })
  }

  // The same region twice: neither row is taken, since the file does not say which is right.
  const rowsOf = new Map<string, number[]>()
  for (const x of resolved) if (x.region) rowsOf.set(x.region.code, [...(rowsOf.get(x.region.code) ?? []), x.r.row])
  for (const x of resolved) {
    const rows = x.region ? rowsOf.get(x.region.code)! : []
    if (rows.length > 1) {
      const others = rows.filter((n) => n !== x.r.row).join('、')
      x.problems.push({ row: x.r.row, column: file.columns.name ?? file.columns.code ?? '名称', value: x.region!.fullName, message: `第 ${x.r.row} 行与第 ${others} 行是同一个区划“${x.region!.fullName}”，请只保留一行` })
    }
  }

  const current = new Map<string, { lng: number; lat: number; positionSource: string | null; positionNote: string | null }>()
  const placed = [...rowsOf.keys()]
  for (let i = 0; i < placed.length; i += 5000) {
    const rows = await db.selectFrom('region').select(['code', 'lng', 'lat', 'positionSource', 'positionNote'])
      .where('code', 'in', placed.slice(i, i + 5000)).where('lng', 'is not', null).where('lat', 'is not', null).execute()
    for (const r of rows) current.set(r.code, { lng: r.lng!, lat: r.lat!, positionSource: r.positionSource, positionNote: r.positionNote })
  }

  const rows = resolved.map(({ r, region, crs, point, problems }): PreviewRow => {
    const ok = point?.ok ? point : null
    const now = region ? current.get(region.code) : undefined
    const nowSource = storedSource(now?.positionSource)
    const outcome = problems.length > 0 ? 'problem'
      : !now ? 'new'
      : now.lng === ok!.wgs84[0] && now.lat === ok!.wgs84[1] && nowSource !== 'sketch' && now.positionNote === r.note ? 'unchanged'
      : 'update'
    return {
      row: r.row,
      code: region?.code ?? null,
      fullName: region?.fullName ?? null,
      entered: ok ? { lng: ok.entered[0], lat: ok.entered[1], crs } : null,
      lng: ok?.wgs84[0] ?? null,
      lat: ok?.wgs84[1] ?? null,
      note: r.note,
      current: now && nowSource ? { lng: now.lng, lat: now.lat, positionSource: nowSource } : null,
      outcome,
      problems,
    }
  })
  return {
    format: file.format,
    crs: file.columnCrs ?? fileCrs,
    columns: file.columns,
    total: rows.length,
    valid: rows.filter((r) => r.outcome !== 'problem').length,
    rows,
  }
}

/** Reads and resolves an uploaded position file (Base64 in the body). */
export async function previewPositions(db: Db, scope: Scope, body: ImportPreviewBody): Promise<ImportPreview> {
  const bytes = Buffer.from(body.content, 'base64')
  if (bytes.length > MAX_POSITION_FILE_BYTES) {
    throw new AppError('POSITION_FILE_TOO_LARGE', 413, `文件超过 ${MAX_POSITION_FILE_BYTES / 1024 / 1024} MB 的上限，请拆分后再导入`, [{ field: 'content' }])
  }
  const file = await readPositionFile(bytes, body.fileName, MAX_POSITION_ROWS)
  if (file.rows.length === 0) throw new AppError('POSITION_FILE_INVALID', 422, '文件中没有数据行：表头下面没有任何区划')
  return resolvePositions(db, scope, file, body.crs ?? 'WGS84')
}
