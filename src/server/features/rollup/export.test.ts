import ExcelJS from 'exceljs'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RESOURCE_KIND_KEYS } from '../../../domain/resources/kinds.js'
import { ATTENTION_COUNTS, daysLeftText, freshPercent } from '../../../domain/rollup/report.js'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { chinaToday } from '../ledgers/export.js'
import {
  addAgreement, addExpert, addRiskPoint, addShelter, addStoragePoint, addSupplier, addSupply, addTeam, daysAgo,
} from './test-factories.js'

/**
 * The roll-up, completeness and expiry pages' exports: each workbook holds what the page's JSON
 * route answers for the same query — row for row, the 合计 from its totals — under a title
 * naming the region and the date. Scoped as the JSON routes are, and audited.
 */

const WUXING = '330502000000' // 吴兴区
const NANXUN = '330503000000'
const YUEHE = '330502001000' // 月河街道
const FUXINGQIAO = '330502001005' // 浮星桥社区
const BALIDIAN = '330502101000' // 八里店镇
const BALIDIAN_VILLAGE = '330502101001'
const NANXUN_TOWN = '330503001000'
const MARKER = '邻县标记'

let app: FastifyInstance
let county: Session

type Book = Map<string, string[][]>

/** Every sheet of a workbook as rows of cell text ('' for blanks), by sheet name. */
async function load(raw: Buffer): Promise<Book> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(raw as unknown as ArrayBuffer)
  const out: Book = new Map()
  for (const sheet of wb.worksheets) {
    const rows: string[][] = []
    sheet.eachRow({ includeEmpty: true }, (row, r) => {
      const cells: string[] = []
      for (let c = 1; c <= sheet.columnCount; c++) cells.push(row.getCell(c).text ?? '')
      rows[r - 1] = cells
    })
    out.set(sheet.name, rows.map((r) => r ?? []))
  }
  return out
}

/** Header row (3), data rows, and the 合计 row when asked for. */
function table(rows: string[][], data: number, withTotal = false) {
  const width = rows[2].length
  const trim = (r: string[]) => r.slice(0, width)
  return { header: trim(rows[2]), data: rows.slice(3, 3 + data).map(trim), total: withTotal ? trim(rows[3 + data]) : null }
}

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v))

async function both(url: string, exportUrl: string) {
  const json = await county.request({ url })
  expect(json.statusCode, json.body).toBe(200)
  const file = await county.request({ url: exportUrl })
  expect(file.statusCode, file.body.slice(0, 300)).toBe(200)
  expect(file.headers['content-type']).toContain('spreadsheetml')
  return { body: json.json(), book: await load(file.rawPayload), file }
}

beforeAll(async () => {
  app = await testApp()
  const db = app.db
  await addSupply(db, { regionCode: WUXING, name: '救生衣', quantity: 100 })
  await addSupply(db, { regionCode: YUEHE, name: '救生衣', quantity: 50, expiresOn: chinaDate(10) })
  await addSupply(db, { regionCode: YUEHE, name: '编织袋', unit: '条', quantity: 1000, classCode: '3000000' })
  await addSupply(db, { regionCode: FUXINGQIAO, name: '=HYPERLINK("x")', quantity: 30, expiresOn: chinaDate(-3) })
  await addSupply(db, { regionCode: BALIDIAN_VILLAGE, name: '发电机', unit: '台', quantity: 1, isEquipment: true, condition: 'repair' })
  await addSupply(db, { regionCode: NANXUN_TOWN, name: `救生衣${MARKER}`, quantity: 999, expiresOn: chinaDate(5) })
  await addTeam(db, { regionCode: WUXING, level: 'county', headcount: 50, confirmedAt: null })
  await addTeam(db, { regionCode: YUEHE, level: 'township', headcount: 25 })
  await addTeam(db, { regionCode: FUXINGQIAO, level: 'village', headcount: 12, confirmedAt: daysAgo(400) })
  await addShelter(db, { regionCode: YUEHE, capacity: 300 })
  await addShelter(db, { regionCode: BALIDIAN, capacity: 120 })
  await addRiskPoint(db, { regionCode: BALIDIAN_VILLAGE, level: 'major' })
  await addExpert(db, { regionCode: WUXING })
  await addStoragePoint(db, { regionCode: FUXINGQIAO })
  const supplier = await addSupplier(db, { regionCode: WUXING, name: '吴兴保供超市' })
  await addAgreement(db, { supplierId: supplier, regionCode: WUXING, itemName: '矿泉水', endsOn: chinaDate(7) })
  await addTeam(db, { regionCode: NANXUN_TOWN, level: 'township', headcount: 3, name: `南浔队${MARKER}` })
  county = await signIn(app, { role: 'viewer', regionCode: WUXING })
})
afterAll(async () => { await app.close() })

/** A date `days` from today in China. */
function chinaDate(days: number): string {
  const d = new Date(Date.now() + days * 86400000)
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(d)
}

describe('roll-up exports hold what the page shows', () => {
  it('supplies: children with top classes and 合计, by name, by unit; the title names region and date, the filter is stated', async () => {
    const { body, book, file } = await both(`/api/rollup/supplies?regionCode=${WUXING}&isEquipment=false`, `/api/rollup/supplies/export?regionCode=${WUXING}&isEquipment=false`)
    const today = chinaToday()
    expect(decodeURIComponent(String(file.headers['content-disposition']).split("UTF-8''")[1])).toBe(`物资装备汇总表_吴兴区_${today.compact}.xlsx`)
    const sheet = book.get('按下级区划')!
    expect(sheet[0][0]).toBe(`湖州市吴兴区物资装备汇总表（${today.written}）`)
    expect(sheet[1][0]).toContain('筛选：只含物资')
    const t = table(sheet, body.children.length, true)
    const classes = body.total.byTopClass
    expect(t.header).toEqual(['区划', '条目', '其中装备', ...classes.map((c: any) => c.className), '上报'])
    expect(t.data).toEqual(body.children.map((c: any) => [
      c.name, text(c.lines), text(c.equipmentLines), ...classes.map((k: any) => text(c.byTopClass.find((x: any) => x.classCode === k.classCode)?.lines ?? 0)),
      c.code === WUXING ? '' : c.reported ? '已上报' : '未上报',
    ]))
    expect(t.total).toEqual(['合计', text(body.total.lines), text(body.total.equipmentLines), ...classes.map((c: any) => text(c.lines)), ''])
    expect(t.data.length).toBeGreaterThan(10) // every township, reported or not

    const byName = table(book.get('按物资名称')!, body.byName.length)
    expect(byName.data).toEqual(body.byName.map((b: any) => [b.name, b.unit, text(b.quantity), text(b.lines)]))
    expect(byName.data.map((r) => r[0])).toContain('=HYPERLINK("x")')
    const byUnit = table(book.get('按计量单位')!, body.total.quantityByUnit.length)
    expect(byUnit.data).toEqual(body.total.quantityByUnit.map((q: any) => [q.unit, text(q.quantity)]))
    expect([...book.values()].flat(2).join('|')).not.toContain(MARKER)
  })

  it('resources: every kind per child region, with the 合计 of the totals', async () => {
    const { body, book } = await both(`/api/rollup/resources`, `/api/rollup/resources/export`)
    const t = table(book.get('应急资源汇总')!, body.children.length, true)
    const figures = (f: any) => [
      ...RESOURCE_KIND_KEYS.map((k) => text(f.counts[k] ?? 0)), text(f.teamHeadcount), text(f.shelterCapacity),
      text(f.riskPoints.general + f.riskPoints.major), text(f.riskPoints.major), text(f.stale),
    ]
    expect(t.data).toEqual(body.children.map((c: any) => [c.name, ...figures(c), c.code === WUXING ? '' : c.reported ? '已上报' : '未上报']))
    expect(t.total).toEqual(['合计', ...figures(body.total), ''])
    expect(t.total![1]).toBe('3') // the three teams of 吴兴区; 南浔区's is not counted
  })

  it('completeness: every region under the filters, not one page of them, with marks and missing items', async () => {
    const { body, book } = await both(
      `/api/rollup/completeness?regionCode=${WUXING}&level=township&pageSize=200`, `/api/rollup/completeness/export?regionCode=${WUXING}&level=township`,
    )
    expect(body.total).toBeGreaterThan(10)
    const t = table(book.get('应排尽排')!, body.total, true)
    const indicators = body.items[0].indicators
    const mark = (ok: boolean | null) => (ok === null ? '—' : ok ? '✓' : '✗')
    expect(t.header).toEqual(['乡镇（街道）', '上级区划', '上报', ...indicators.map((i: any) => i.label), '队伍人数', '物资条目', '信息员', '缺项'])
    expect(t.data).toEqual(body.items.map((r: any) => [
      r.name, r.parentName, r.reported ? '已上报' : '未上报', ...r.indicators.map((i: any) => mark(i.ok)),
      text(r.teamHeadcount), text(r.supplyLines), text(r.informants), r.missing.length ? r.missing.join('、') : '齐全',
    ]))
    expect(t.total![0]).toBe(`合计（${body.total} 个）`)
    expect(t.total![2]).toBe(`已上报 ${body.summary.reported}`)
    expect(t.total![3 + indicators.length + 1]).toBe(text(body.items.reduce((n: number, r: any) => n + r.supplyLines, 0)))
    const missing = table(book.get('缺项分布')!, body.summary.byMissing.length)
    expect(missing.data).toEqual(body.summary.byMissing.map((m: any) => [m.label, text(m.count)]))

    // 只看缺项 narrows the export as it narrows the page.
    const only = await both(`/api/rollup/completeness?regionCode=${WUXING}&onlyMissing=true&pageSize=200`, `/api/rollup/completeness/export?regionCode=${WUXING}&onlyMissing=true`)
    expect(table(only.book.get('应排尽排')!, only.body.total).data.map((r) => r[0])).toEqual(only.body.items.map((r: any) => r.name))
    expect(only.book.get('应排尽排')![1][0]).toContain('只看有缺项的')
  })

  it('attention: the counts and the four lists of the page, for the days chosen', async () => {
    const { body, book } = await both(`/api/rollup/attention?days=30`, `/api/rollup/attention/export?days=30`)
    expect(table(book.get('概况')!, ATTENTION_COUNTS.length).data).toEqual(ATTENTION_COUNTS.map((k) => [k.title, text(body.counts[k.key])]))
    const expiring = table(book.get('到期物资')!, body.lists.expiring.length)
    expect(expiring.data).toEqual(body.lists.expiring.map((r: any) => [r.name, text(r.quantity), r.unit, r.expiresOn, daysLeftText(r.daysLeft), r.regionName]))
    expect(expiring.data.map((r) => r[4])).toEqual(['已过期 3 天', '10 天后'])
    expect(table(book.get('保供协议到期')!, body.lists.agreementsEnding.length).data)
      .toEqual(body.lists.agreementsEnding.map((r: any) => [r.itemName, text(r.supplierName), r.endsOn, daysLeftText(r.daysLeft), r.regionName]))
    expect(table(book.get('待修物资装备')!, body.lists.repair.length).data)
      .toEqual(body.lists.repair.map((r: any) => [r.name, r.isEquipment ? '装备' : '物资', text(r.quantity), r.unit, r.regionName]))
    expect(book.get('概况')![1][0]).toContain('提前 30 天提醒')
    expect([...book.values()].flat(2).join('|')).not.toContain(MARKER)
  })

  it('freshness: by kind and by child region, with the confirmed share and 合计', async () => {
    const { body, book } = await both(`/api/rollup/freshness`, `/api/rollup/freshness/export`)
    const line = (name: string, records: number, stale: number) => [name, text(records), text(stale), `${freshPercent(records, stale)}%`]
    const byKind = table(book.get('按类别')!, body.byKind.length, true)
    expect(byKind.data).toEqual(body.byKind.map((k: any) => line(k.label, k.records, k.stale)))
    expect(byKind.total).toEqual(line('合计', body.total.records, body.total.stale))
    expect(table(book.get('按区划')!, body.children.length).data).toEqual(body.children.map((c: any) => line(c.name, c.records, c.stale)))
    expect(body.total.stale).toBeGreaterThan(0)
  })
})

describe('roll-up exports: scope and audit', () => {
  it('refuses a region outside the jurisdiction, as the JSON routes do', async () => {
    for (const path of ['supplies', 'resources', 'completeness', 'attention', 'freshness']) {
      const res = await county.request({ url: `/api/rollup/${path}/export?regionCode=${NANXUN}` })
      expect(res.statusCode, path).toBe(403)
      expect(res.json().code).toBe('OUT_OF_JURISDICTION')
    }
  })

  it('audits every export with the report, region and filters', async () => {
    const rows = await app.db.selectFrom('auditLog').select(['actorId', 'regionCode', 'after']).where('action', '=', 'rollup.exported').orderBy('id').execute()
    expect(rows.map((r) => (r.after as { report: string }).report)).toEqual(['supplies', 'resources', 'completeness', 'completeness', 'attention', 'freshness'])
    expect(rows[0]).toMatchObject({ actorId: county.userId, regionCode: WUXING, after: expect.objectContaining({ filters: { isEquipment: false } }) })
  })
})
