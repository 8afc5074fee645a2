import ExcelJS from 'exceljs'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromWgs84, toWgs84, type Crs } from '../../../domain/map/crs.js'
import type { Db } from '../../db/database.js'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { encodeGbk } from '../ledgers/fixtures/gbk.js'
import { centroid, CENTROID_NOTE } from './position-geojson.js'
import type { ImportPreview, PreviewRow } from './position-schema.js'
import { placeRegionPositions } from './positions.js'

/**
 * Importing region positions through the API as a county office would: spreadsheets and CSV in
 * each coordinate system, GeoJSON points and polygons, regions named by code or by name, and the
 * rows that must be refused — each refusal naming row, column and value.
 */

const WUXING = '330502000000'
const ZHILI_TOWN = '330502100000' // 织里镇
const SHENGSHE = '330502100255' // 织里镇晟舍村委会
const HEXI = '330502100216' // 织里镇河西村委会
const HONGQI_DAIXI = '330502104208' // 埭溪镇红旗村委会 (滨湖街道 has a 红旗村委会 too)
const NANXUN_VILLAGE = '330503001201'

let app: FastifyInstance
let db: Db
let wuxing: Session

beforeAll(async () => {
  app = await testApp()
  db = app.db
  await placeRegionPositions(db, '3305')
  wuxing = await signIn(app, { role: 'county_manager', regionCode: WUXING })
})
afterAll(async () => { await app.close() })

async function preview(s: Session, fileName: string, content: Buffer, crs?: Crs) {
  return s.request({ method: 'POST', url: '/api/map/positions/import/preview', payload: { fileName, content: content.toString('base64'), ...(crs ? { crs } : {}) } })
}

async function previewOk(fileName: string, content: Buffer, crs?: Crs): Promise<ImportPreview> {
  const res = await preview(wuxing, fileName, content, crs)
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

/** Commits the rows the preview found valid, as the web page does. */
async function commit(s: Session, p: ImportPreview, fileName: string, source?: 'imported' | 'survey') {
  const rows = p.rows.filter((r) => r.outcome !== 'problem')
    .map((r) => ({ row: r.row, code: r.code!, lng: r.entered!.lng, lat: r.entered!.lat, crs: r.entered!.crs, note: r.note }))
  return s.request({ method: 'POST', url: '/api/map/positions/import', payload: { fileName, rows, ...(source ? { source } : {}) } })
}

const region = (code: string) => db.selectFrom('region').select(['lng', 'lat', 'positionSource', 'positionNote']).where('code', '=', code).executeTakeFirstOrThrow()
const rowOf = (p: ImportPreview, row: number): PreviewRow => p.rows.find((r) => r.row === row)!

async function xlsx(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('村社区位置')
  for (const r of rows) ws.addRow(r)
  return Buffer.from(await wb.xlsx.writeBuffer())
}

// Reference pairs from gcoord's published tests (as in domain/map/crs.test.ts): (123, 45) read as
// GCJ-02 is (122.99395597, 44.99804071) in WGS84, read as BD-09 (122.9876221, 44.9917154).
const GCJ_REFERENCE = { entered: [123, 45], wgs84: [122.99395597, 44.99804071] }
const BD_REFERENCE = { entered: [123, 45], wgs84: [122.9876221, 44.9917154] }

describe('position import from spreadsheets', () => {
  it('reads an .xlsx by code in GCJ-02 and stores the WGS84 point of the published reference', async () => {
    const file = await xlsx([
      ['吴兴区村（社区）位置表'],
      ['区划代码', '名称', '经度', '纬度'],
      [SHENGSHE, '晟舍村', GCJ_REFERENCE.entered[0], GCJ_REFERENCE.entered[1]],
    ])
    const p = await previewOk('位置.xlsx', file, 'GCJ02')
    expect(p).toMatchObject({ format: 'xlsx', crs: 'GCJ02', total: 1, valid: 1 })
    const row = rowOf(p, 3)
    expect(row).toMatchObject({ code: SHENGSHE, fullName: expect.stringContaining('晟舍村'), outcome: 'update', problems: [] })
    expect(row.current?.positionSource).toBe('sketch')
    expect(row.lng!).toBeCloseTo(GCJ_REFERENCE.wgs84[0], 5)
    expect(row.lat!).toBeCloseTo(GCJ_REFERENCE.wgs84[1], 5)
    // Preview writes nothing.
    expect((await region(SHENGSHE)).positionSource).toBe('sketch')

    const res = await commit(wuxing, p, '位置.xlsx')
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toEqual({ updated: 1, unchanged: 0 })
    const stored = await region(SHENGSHE)
    expect(stored.positionSource).toBe('imported')
    expect(stored.lng!).toBeCloseTo(GCJ_REFERENCE.wgs84[0], 5)
    expect(stored.lat!).toBeCloseTo(GCJ_REFERENCE.wgs84[1], 5)
  })

  it('takes the coordinate system from a 坐标系 column row by row, and from a column header', async () => {
    const csv = Buffer.from([
      '区划代码,经度,纬度,坐标系',
      `${SHENGSHE},${BD_REFERENCE.entered[0]},${BD_REFERENCE.entered[1]},百度`,
      `${HEXI},120.15,30.9,WGS84`,
      `${HONGQI_DAIXI},120.1,30.7,北京54`,
    ].join('\n'))
    const p = await previewOk('位置.csv', csv)
    expect(p.format).toBe('csv')
    expect(rowOf(p, 2).entered?.crs).toBe('BD09')
    expect(rowOf(p, 2).lng!).toBeCloseTo(BD_REFERENCE.wgs84[0], 5)
    expect(rowOf(p, 2).lat!).toBeCloseTo(BD_REFERENCE.wgs84[1], 5)
    expect(rowOf(p, 3)).toMatchObject({ lng: 120.15, lat: 30.9, entered: { crs: 'WGS84' } })
    expect(rowOf(p, 4).outcome).toBe('problem')
    expect(rowOf(p, 4).problems[0].message).toBe('第 4 行“坐标系”列的值“北京54”不是可识别的坐标系（应为 WGS84、GCJ-02 或 BD-09，也可写 GPS、高德、腾讯、百度、天地图）')

    const headed = Buffer.from(['区划代码,经度（高德）,纬度（高德）', `${HEXI},120.15,30.9`].join('\n'))
    const q = await previewOk('高德.csv', headed, 'WGS84')
    expect(q.crs).toBe('GCJ02')
    const want = toWgs84([120.15, 30.9], 'GCJ02')
    expect(rowOf(q, 2).lng!).toBeCloseTo(want[0], 6)
    expect(rowOf(q, 2).lat!).toBeCloseTo(want[1], 6)
  })

  it('converts each coordinate system of the file back to the same WGS84 point (GBK CSV, degrees and minutes too)', async () => {
    const at: [number, number] = [120.1234, 30.8765]
    for (const crs of ['WGS84', 'GCJ02', 'BD09'] as const) {
      const [lng, lat] = fromWgs84(at, crs)
      const csv = encodeGbk(['名称,上级,经度,纬度', `河西村,织里镇,${lng.toFixed(7)},${lat.toFixed(7)}`].join('\r\n'))
      const p = await previewOk(`${crs}.csv`, csv, crs)
      const row = rowOf(p, 2)
      expect(row.code, crs).toBe(HEXI)
      expect(row.lng!, crs).toBeCloseTo(at[0], 5)
      expect(row.lat!, crs).toBeCloseTo(at[1], 5)
    }
    const dms = await previewOk('度分秒.csv', Buffer.from(['区划代码,经度,纬度', `${HEXI},"120°7′24.24″E","30°52′35.4″N"`].join('\n')))
    expect(rowOf(dms, 2).lng!).toBeCloseTo(120.1234, 6)
    expect(rowOf(dms, 2).lat!).toBeCloseTo(30.8765, 6)
  })

  it('matches names, uses a parent name to tell namesakes apart, and never guesses', async () => {
    // The 上级 column carries down over blank cells (a township written once for its villages),
    // so rows without a parent come first.
    const csv = Buffer.from([
      '名称,上级,经度,纬度',
      '红旗村,,119.9,30.6',
      '织里,,120.2,30.8',
      '不存在村,,120.2,30.8',
      '织里镇,,120.26,30.83',
      '红旗村,埭溪镇,119.9,30.6',
      '晟舍村,南浔镇,120.2,30.8',
    ].join('\n'))
    const p = await previewOk('名称.csv', csv)
    expect(rowOf(p, 2)).toMatchObject({ code: null, outcome: 'problem' })
    expect(rowOf(p, 2).problems[0].message).toMatch(/^第 2 行“名称”列的值“红旗村”能对应多个区划（.*滨湖街道红旗村委会.*埭溪镇红旗村委会.*），不会替您选择/)
    expect(rowOf(p, 3).problems[0].message).toMatch(/^第 3 行“名称”列的值“织里”能对应多个区划/)
    expect(rowOf(p, 4).problems[0].message).toBe('第 4 行“名称”列的值“不存在村”在“湖州市吴兴区”内找不到这个区划')
    expect(rowOf(p, 5)).toMatchObject({ code: ZHILI_TOWN, outcome: 'update', problems: [] })
    expect(rowOf(p, 6)).toMatchObject({ code: HONGQI_DAIXI, outcome: 'update', problems: [] })
    // 南浔镇 lies in the next county: outside the jurisdiction, so it is not found.
    expect(rowOf(p, 7).problems[0].message).toBe('第 7 行“上级”列的值“南浔镇”在您的辖区（湖州市吴兴区）内找不到这个区划')
    expect(p.valid).toBe(2)
  })

  it('names every bad row: unknown and foreign codes, a name against its code, coordinates out of range, swapped or blank, duplicates', async () => {
    const file = await xlsx([
      ['区划代码', '名称', '经度', '纬度'],
      ['330502999999', '', 120.1, 30.8],
      [NANXUN_VILLAGE, '', 120.4, 30.9],
      [SHENGSHE, '河西村', 120.1, 30.8],
      [HEXI, '', 200, 30.8],
      [HONGQI_DAIXI, '', 30.7, 120.1],
      ['330502100001', '', '一百二十', 30.8],
      ['330502100006', '', 10.5, 10.5],
      ['330502100007', '', 120.1, 30.8],
      ['330502100007', '', 120.2, 30.9],
      ['abc', '', 120.2, 30.9],
      ['330502100009', '', '', 30.9],
    ])
    const p = await previewOk('错误.xlsx', file)
    const message = (row: number) => rowOf(p, row).problems.map((x) => x.message).join('；')
    expect(message(2)).toBe('第 2 行“区划代码”列的值“330502999999”不是已知的区划代码')
    expect(message(3)).toBe(`第 3 行“区划代码”列的值“${NANXUN_VILLAGE}”不在您的辖区内`)
    expect(message(4)).toMatch(/^第 4 行“名称”列的值“河西村”与区划代码 330502100255（.*晟舍村委会）不一致/)
    expect(message(5)).toBe('第 5 行“经度”列的值“200”超出经度的范围（-180 至 180）')
    expect(message(6)).toBe('第 6 行“经度”列的值“30.7，120.1”不在我国范围内：经度和纬度可能填反了')
    expect(message(7)).toMatch(/^第 7 行“经度”列的值“一百二十”不是有效的经度/)
    expect(message(8)).toBe('第 8 行“经度”列的值“10.5，10.5”不在我国范围内，请检查坐标是否有误')
    expect(message(9)).toMatch(/^第 9 行与第 10 行是同一个区划“.*大河社区居委会”/)
    expect(message(10)).toMatch(/^第 10 行与第 9 行是同一个区划/)
    expect(message(11)).toMatch(/^第 11 行“区划代码”列的值“abc”不是区划代码/)
    expect(message(12)).toMatch(/^第 12 行“经度”列/)
    expect(p.valid).toBe(0)
    expect(p.rows.every((r) => r.outcome === 'problem' && r.problems.every((x) => x.row === r.row))).toBe(true)
  })

  it('refuses files that are not position tables, in Chinese', async () => {
    const noRegion = await preview(wuxing, 'x.csv', Buffer.from('经度,纬度\n120.1,30.8\n'))
    expect(noRegion.statusCode).toBe(422)
    expect(noRegion.json().message).toMatch(/没有“区划代码”或“名称”列/)
    const pdf = await preview(wuxing, 'x.xlsx', Buffer.from('%PDF-1.4 something'))
    expect(pdf.statusCode).toBe(422)
    expect(pdf.json().message).toMatch(/PDF/)
    const badJson = await preview(wuxing, 'x.geojson', Buffer.from('{"type": "FeatureCollection", "features": ['))
    expect(badJson.statusCode).toBe(422)
    expect(badJson.json().message).toMatch(/不是有效的 GeoJSON/)
    const projected = await preview(wuxing, 'x.geojson', Buffer.from(JSON.stringify({
      type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3857' } }, features: [],
    })))
    expect(projected.statusCode).toBe(422)
    expect(projected.json().message).toMatch(/投影坐标/)
  })
})

describe('position import from GeoJSON', () => {
  it('takes points by code or name and polygons by their centroid, with a note', async () => {
    const square = [[[120.10, 30.80], [120.12, 30.80], [120.12, 30.82], [120.10, 30.82], [120.10, 30.80]]]
    const doc = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { XZQDM: HEXI }, geometry: { type: 'Point', coordinates: [120.13, 30.88] } },
        { type: 'Feature', properties: { name: '红旗村', parent: '埭溪镇' }, geometry: { type: 'Polygon', coordinates: square } },
        { type: 'Feature', properties: { name: '晟舍村' }, geometry: { type: 'LineString', coordinates: [[120, 30], [121, 31]] } },
        { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [120.1, 30.8] } },
      ],
    }
    const p = await previewOk('边界.geojson', Buffer.from(JSON.stringify(doc)))
    expect(p).toMatchObject({ format: 'geojson', total: 4, valid: 2 })
    expect(rowOf(p, 1)).toMatchObject({ code: HEXI, lng: 120.13, lat: 30.88, note: null })
    expect(rowOf(p, 2)).toMatchObject({ code: HONGQI_DAIXI, note: CENTROID_NOTE })
    expect(rowOf(p, 2).lng!).toBeCloseTo(120.11, 6)
    expect(rowOf(p, 2).lat!).toBeCloseTo(30.81, 6)
    expect(rowOf(p, 3).problems[0].message).toBe('第 3 个要素的几何图形是LineString，只支持点（Point）或面（Polygon、MultiPolygon）')
    expect(rowOf(p, 4).problems[0].message).toMatch(/^第 4 个要素的“name”属性为空：每行须写明区划代码或名称/)

    const res = await commit(wuxing, p, '边界.geojson', 'survey')
    expect(res.statusCode, res.body).toBe(200)
    expect(await region(HONGQI_DAIXI)).toMatchObject({ positionSource: 'survey', positionNote: CENTROID_NOTE })
    expect(await region(HEXI)).toMatchObject({ positionSource: 'survey', lng: 120.13, lat: 30.88 })
    const audit = await db.selectFrom('auditLog').select(['actorName', 'after']).where('action', '=', 'region.positions_imported')
      .orderBy('id', 'desc').executeTakeFirstOrThrow()
    expect(audit.after).toMatchObject({ fileName: '边界.geojson', source: 'survey', updated: 2, unchanged: 0 })
    // Each change keeps the position it replaced.
    const change = (audit.after as { changes: Array<{ code: string; before: unknown[]; after: unknown[] }> }).changes.find((c) => c.code === HEXI)
    expect(change?.before[2]).toBe('sketch')
    expect(change?.after).toEqual([120.13, 30.88])

    // The same file again changes nothing.
    const again = await commit(wuxing, await previewOk('边界.geojson', Buffer.from(JSON.stringify(doc))), '边界.geojson', 'survey')
    expect(again.json()).toEqual({ updated: 0, unchanged: 2 })
  })

  it('computes centroids with holes and multipolygons by area', () => {
    const outer = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]
    const hole = [[0, 0], [0, 2], [2, 2], [2, 0], [0, 0]] // wound the other way, as GeoJSON holes are
    const [x, y] = centroid([[outer, hole]])!
    expect(x).toBeCloseTo((16 * 2 - 4 * 1) / 12, 9)
    expect(y).toBeCloseTo((16 * 2 - 4 * 1) / 12, 9)
    const two = centroid([[[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]], [[[10, 0], [13, 0], [13, 3], [10, 3], [10, 0]]]])!
    expect(two[0]).toBeCloseTo((1 * 0.5 + 9 * 11.5) / 10, 9)
  })
})

describe('committing an import', () => {
  it('refuses a row outside the jurisdiction, and changes nothing', async () => {
    const before = await region(HEXI)
    const res = await wuxing.request({
      method: 'POST', url: '/api/map/positions/import',
      payload: { fileName: 'x.csv', rows: [{ row: 2, code: HEXI, lng: 120.2, lat: 30.8, crs: 'WGS84' }, { row: 3, code: NANXUN_VILLAGE, lng: 120.4, lat: 30.9, crs: 'WGS84' }] },
    })
    expect(res.statusCode).toBe(403)
    expect(res.json()).toMatchObject({ code: 'OUT_OF_JURISDICTION' })
    expect(await region(HEXI)).toEqual(before)
    expect(await region(NANXUN_VILLAGE)).toMatchObject({ positionSource: 'sketch' })
  })

  it('refuses rows the preview would have refused, naming the row', async () => {
    const send = (rows: unknown[]) => wuxing.request({ method: 'POST', url: '/api/map/positions/import', payload: { fileName: 'x.csv', rows } })
    const swapped = await send([{ row: 7, code: HEXI, lng: 30.8, lat: 120.2, crs: 'WGS84' }])
    expect(swapped.statusCode).toBe(400)
    const outside = await send([{ row: 7, code: HEXI, lng: 10, lat: 10, crs: 'WGS84' }])
    expect(outside.statusCode).toBe(400)
    expect(outside.json().message).toMatch(/^第 7 行的坐标（经度 10，纬度 10）不在我国范围内/)
    const twice = await send([{ row: 2, code: HEXI, lng: 120.2, lat: 30.8, crs: 'WGS84' }, { row: 5, code: HEXI, lng: 120.3, lat: 30.8, crs: 'WGS84' }])
    expect(twice.json().message).toBe(`第 5 行与第 2 行是同一个区划（${HEXI}），请只保留一行`)
    const unknown = await send([{ row: 4, code: '330502999999', lng: 120.2, lat: 30.8, crs: 'WGS84' }])
    expect(unknown.json().message).toBe('第 4 行的区划代码“330502999999”不是已知的区划代码')
  })

  it('is open to those who maintain resources only', async () => {
    const viewer = await signIn(app, { role: 'viewer', regionCode: WUXING })
    const res = await preview(viewer, 'x.csv', Buffer.from(`区划代码,经度,纬度\n${HEXI},120.1,30.8\n`))
    expect(res.statusCode).toBe(403)
  })
})
