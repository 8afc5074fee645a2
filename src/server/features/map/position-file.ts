import path from 'node:path'
import type { Crs } from '../../../domain/map/crs.js'
import { AppError } from '../../errors.js'
import { openLedger } from '../ledgers/read/read-ledger.js'
import type { SheetSpec } from '../ledgers/read/types.js'
import { readGeoJson } from './position-geojson.js'

/**
 * A file of region positions as plain entered rows: which region (code, or name with an optional
 * parent name), the coordinates as written, and their coordinate system if the row names one.
 * Spreadsheets (.xlsx, CSV in any encoding offices save) go through the ledger reader, which
 * finds the header among titles and notes and copes with merged cells; GeoJSON has its own
 * reader. Nothing is resolved here: position-import.ts decides what each row means.
 */

export type Problem = { row: number; column: string; value: string; message: string }

export type EnteredRow = {
  /** Spreadsheet row number, or the feature's number in a GeoJSON file (1-based). */
  row: number
  code: string | null
  name: string | null
  parent: string | null
  /** Coordinates as written ("120.1", "120°5′30″E"). */
  lng: string | null
  lat: string | null
  /** The row's own coordinate system, as written. */
  crs: string | null
  note: string | null
  problems: Problem[]
}

export type PositionFile = {
  format: 'xlsx' | 'csv' | 'geojson'
  /** Key (code, name, parent, lng, lat, crs) → the header text or property name it was found under. */
  columns: Record<string, string>
  /** A coordinate system named in the coordinate columns' headers ("经度（百度）"), if any. */
  columnCrs: Crs | null
  rows: EnteredRow[]
}

const SPEC: SheetSpec = {
  columns: [
    { key: 'code', labels: ['区划代码', '统计用区划代码', '行政区划代码', '代码', '编码', 'code', 'adcode'], type: 'text' },
    { key: 'name', labels: ['区划名称', '名称', '村（社区）名称', '村（社区）', '村居', '村名', '社区名称', 'name'], type: 'text' },
    { key: 'parent', labels: ['上级区划', '上级名称', '上级', '所属乡镇（街道）', '乡镇（街道）', '乡镇', '街道', 'parent'], type: 'text', fillDown: true },
    { key: 'lng', labels: ['经度', 'lng', 'lon', 'longitude'], type: 'text', required: true },
    { key: 'lat', labels: ['纬度', 'lat', 'latitude'], type: 'text', required: true },
    { key: 'crs', labels: ['坐标系', '坐标系统', '坐标类型', 'crs'], type: 'text' },
  ],
  maxColumns: 100,
}

/** The coordinate system a text names: a cell of the 坐标系 column, or a header such as “经度（高德）”. */
export function crsNamed(text: string): Crs | null {
  const t = text.normalize('NFKC').toUpperCase().replace(/[\s\-_:：()（）]/g, '')
  if (/BD09|BD|百度/.test(t)) return 'BD09'
  if (/GCJ|高德|腾讯|火星|国测局|谷歌中国/.test(t)) return 'GCJ02'
  if (/WGS|GPS|CGCS|2000|4326|4490|天地图|大地/.test(t)) return 'WGS84'
  return null
}

const fileError = (message: string) => new AppError('POSITION_FILE_INVALID', 422, message)

function isGeoJson(bytes: Buffer, fileName: string): boolean {
  const ext = path.extname(fileName).toLowerCase()
  if (ext === '.geojson' || ext === '.json') return true
  const start = bytes.subarray(0, 64).toString('utf8').replace(/^\uFEFF/, '').trimStart()
  return start.startsWith('{')
}

/** Reads a position file, or refuses it with a Chinese reason (an AppError with a 4xx status). */
export async function readPositionFile(bytes: Buffer, fileName: string, maxRows: number): Promise<PositionFile> {
  if (bytes.length === 0) throw fileError('文件是空的，没有任何内容')
  if (isGeoJson(bytes, fileName)) return readGeoJson(bytes, maxRows)
  const ledger = await openLedger(bytes, fileName, SPEC, { maxRows })
  const found = ledger.meta.columnsFound
  if (!found.code && !found.name && !found.parent) {
    await ledger.close()
    throw fileError(`表头（第 ${ledger.meta.headerRows.join('、')} 行）中没有“区划代码”或“名称”列：每行须写明是哪个区划`)
  }
  // A sheet of townships may call its only name column 乡镇: then that column names the region.
  const nameKey = found.name ? 'name' : found.code ? 'name' : 'parent'
  const parentKey = nameKey === 'parent' ? null : 'parent'
  const rows: EnteredRow[] = []
  const text = (v: string | undefined) => (v === undefined || v.trim() === '' ? null : v.trim())
  for await (const r of ledger.rows) {
    rows.push({
      row: r.row,
      code: text(r.raw.code),
      name: text(r.raw[nameKey]),
      parent: parentKey ? text(r.raw[parentKey]) : null,
      lng: text(r.raw.lng),
      lat: text(r.raw.lat),
      crs: text(r.raw.crs),
      note: null,
      problems: r.problems.map((p) => ({ row: p.row, column: p.columnLabel, value: p.value, message: p.message })),
    })
  }
  const columns: Record<string, string> = { ...found }
  if (nameKey === 'parent') {
    columns.name = found.parent
    delete columns.parent
  }
  const hints = [found.lng, found.lat].filter(Boolean).map((h) => crsNamed(h.replace(/^(经度|纬度|lng|lon|lat|longitude|latitude)/i, '')))
  return {
    // The reader tells the formats apart by their bytes: an .xlsx is a zip.
    format: bytes.subarray(0, 2).toString('latin1') === 'PK' ? 'xlsx' : 'csv',
    columns,
    columnCrs: hints.find((h) => h !== null) ?? null,
    rows,
  }
}
