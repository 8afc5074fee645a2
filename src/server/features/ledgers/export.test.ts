import ExcelJS from 'exceljs'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { text } from 'node:stream/consumers'
import { annexByKey } from '../../../domain/ledgers/annexes.js'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { chinaToday } from './export.js'
import { openLedger } from './read/read-ledger.js'
import { bufferSource, entryStream, readZipDirectory } from './read/zip.js'
import { looksLikeFormula } from './workbook.js'

const WUXING = '330502000000'
const ZHILI = '330502100000' // 织里镇
const BALIDIAN = '330502101000' // 八里店镇
const ZHILI_VILLAGE = '330502100001' // 织里居委会
const NANXUN_TOWN = '330503100000' // 南浔区南浔镇
const MARKER = '邻县标记'

let app: FastifyInstance
let county: Session
let viewer: Session

async function seed(): Promise<void> {
  const db = app.db
  const keeper = await db.insertInto('person').values({ regionCode: ZHILI, name: '沈建华', post: '站长', mobile: '13857200002', roles: ['head'] })
    .returning('id').executeTakeFirstOrThrow()
  await db.insertInto('person').values({ regionCode: ZHILI, name: '钱小红', post: '应急办科员', mobile: '13957211111', landline: '0572-2012345', wechat: 'qxh', roles: ['liaison'] }).execute()
  await db.insertInto('person').values({ regionCode: NANXUN_TOWN, name: `沈${MARKER}`, mobile: '13857200009', roles: ['head'] }).execute()
  const point = await db.insertInto('resource').values({ kind: 'storage_point', regionCode: ZHILI, name: '织里镇应急物资仓库' })
    .returning('id').executeTakeFirstOrThrow()
  const team = await db.insertInto('resource').values({ kind: 'team', regionCode: ZHILI, name: '织里镇综合应急救援队', responsiblePersonId: keeper.id })
    .returning('id').executeTakeFirstOrThrow()
  await db.insertInto('team').values({ resourceId: team.id, level: 'township', teamType: 'grassroots', headcount: 32, specialities: ['综合', '防汛抗旱'] }).execute()
  const line = (regionCode: string, name: string, unit: string, quantity: number, extra: Record<string, unknown> = {}) =>
    ({ regionCode, classCode: '3000000', name, unit, quantity, ...extra })
  await db.insertInto('supply').values([
    line(ZHILI, '沙袋', '袋', 1000, { storagePointId: point.id, responsiblePersonId: keeper.id, specification: '50kg' }),
    line(ZHILI, '救生衣', '件', 200, { classCode: '2000000', reserveForm: 'agreement', expiresOn: '2028-06-30' }),
    line(BALIDIAN, '沙袋', '袋', 500),
    line(ZHILI_VILLAGE, '手电筒', '只', 20),
    line(ZHILI, '冲锋舟', '艘', 2, { classCode: '2000000', teamId: team.id }),
    line(NANXUN_TOWN, `沙袋${MARKER}`, '袋', 800),
  ]).execute()
}

async function download(s: Session, url: string) {
  const res = await s.request({ url })
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200)
  const book = new ExcelJS.Workbook()
  await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
  return { res, sheet: book.worksheets[0] }
}

/** Text of every cell in a row, '' for blanks. */
function rowText(sheet: ExcelJS.Worksheet, r: number): string[] {
  const out: string[] = []
  for (let c = 1; c <= sheet.columnCount; c++) {
    const v = sheet.getRow(r).getCell(c).value
    out.push(v === null || v === undefined ? '' : String(v))
  }
  return out
}

function merges(sheet: ExcelJS.Worksheet): string[] {
  return (sheet.model as unknown as { merges: string[] }).merges
}

beforeAll(async () => {
  app = await testApp()
  county = await signIn(app, { role: 'county_manager', regionCode: WUXING })
  viewer = await signIn(app, { role: 'viewer', regionCode: WUXING })
  await seed()
})
afterAll(async () => { await app.close() })

describe('ledger export', () => {
  it('writes annex 4 in the office layout: title, 填报单位, merged header, 序号, rows of the subtree, 合计, signatures', async () => {
    const { res, sheet } = await download(county, `/api/ledgers/annex4/export?regionCode=${WUXING}`)
    const today = chinaToday()
    expect(res.headers['content-type']).toContain('spreadsheetml')
    const name = `附件4_乡镇（企业）应急救援装备和物资储备明细表_吴兴区_${today.compact}.xlsx`
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent(name)}`)

    expect(sheet.getCell('A1').value).toBe('乡镇（企业）应急救援装备和物资储备明细表')
    expect(merges(sheet)).toContain('A1:N1')
    expect(sheet.getCell('A2').value).toBe('填报单位：湖州市吴兴区')
    expect(rowText(sheet, 2)).toContain(`填报日期：${today.written}`)
    expect(rowText(sheet, 3).slice(0, 4)).toEqual(['序号', '乡镇（街道）/企业', '物资名称', '规格型号'])
    expect(merges(sheet)).toContain('A3:A4')
    expect(sheet.pageSetup.orientation).toBe('landscape')
    expect(sheet.getColumn(3).width).toBe(20)
    expect(sheet.getCell('C5').border?.top?.style).toBe('thin')

    // 织里镇 (…100) before 八里店镇 (…101); within a town by name. Team and village lines are not annex 4.
    expect([5, 6, 7].map((r) => rowText(sheet, r).slice(0, 6))).toEqual([
      ['1', '织里镇', '救生衣', '', '件', '200'],
      ['2', '织里镇', '沙袋', '50kg', '袋', '1000'],
      ['3', '八里店镇', '沙袋', '', '袋', '500'],
    ])
    expect(rowText(sheet, 5)[7]).toBe('协议储备')
    expect(rowText(sheet, 5)[10]).toBe('2028-06-30')
    expect(rowText(sheet, 6)[6]).toBe('织里镇应急物资仓库')
    // 件 and 袋 do not add up: the total stays blank.
    expect(rowText(sheet, 8).slice(0, 6)).toEqual(['合计', '', '', '', '', ''])
    const footer = rowText(sheet, 10).join('')
    expect(footer).toContain('填表人：')
    expect(footer).toContain('审核人：')
    expect(footer).toContain('联系电话：')
    expect(JSON.stringify(rowText(sheet, 5)) + JSON.stringify([6, 7, 8].map((r) => rowText(sheet, r)))).not.toContain(MARKER)
  })

  it('sums quantities when every line shares a unit', async () => {
    const { sheet } = await download(county, `/api/ledgers/annex4/export?regionCode=${BALIDIAN}`)
    expect(sheet.getCell('A2').value).toBe('填报单位：湖州市吴兴区八里店镇')
    expect(rowText(sheet, 5).slice(0, 6)).toEqual(['1', '八里店镇', '沙袋', '', '袋', '500'])
    expect(rowText(sheet, 6).slice(0, 6)).toEqual(['合计', '', '', '', '袋', '500'])
  })

  it('shows full phones to a role that may reveal them and audits it; masks them for others', async () => {
    const full = await download(county, `/api/ledgers/annex4/export?regionCode=${ZHILI}`)
    expect(rowText(full.sheet, 6)[12]).toBe('13857200002')
    const masked = await download(viewer, `/api/ledgers/annex4/export?regionCode=${ZHILI}`)
    expect(rowText(masked.sheet, 6)[12]).toBe('138****0002')
    expect(masked.res.body).not.toContain('13857200002')
    const audits = await app.db.selectFrom('auditLog').select(['actorId', 'regionCode', 'after'])
      .where('action', '=', 'ledger.exported').where('regionCode', '=', ZHILI).orderBy('id').execute()
    expect(audits.map((a) => [a.actorId, a.after])).toEqual([
      [county.userId, expect.objectContaining({ annex: 'annex4', regionCode: ZHILI, rows: 2, phonesRevealed: true })],
      [viewer.userId, expect.objectContaining({ annex: 'annex4', regionCode: ZHILI, rows: 2, phonesRevealed: false })],
    ])
  })

  it('writes the contact annex with its two-row merged header and one row per township', async () => {
    const { sheet } = await download(county, `/api/ledgers/annex5/export?regionCode=${WUXING}`)
    expect(sheet.getCell('A1').value).toBe('乡镇（街道）应急相关负责人及联络人员名单')
    // ExcelJS reports the master's value in every cell of a merged range.
    expect(rowText(sheet, 3).slice(0, 8)).toEqual(['序号', '区县', '乡镇（街道）', '负责人', '负责人', '负责人', '负责人', '联络人'])
    expect(rowText(sheet, 4).slice(3, 12)).toEqual(['姓名', '职务', '手机', '座机', '姓名', '职务', '手机', '座机', '微信号'])
    expect(merges(sheet)).toEqual(expect.arrayContaining(['D3:G3', 'H3:L3', 'A3:A4', 'C3:C4']))
    expect(rowText(sheet, 5).slice(0, 12)).toEqual(['1', '吴兴区', '织里镇', '沈建华', '站长', '13857200002', '', '钱小红', '应急办科员', '13957211111', '0572-2012345', 'qxh'])
    // No 合计 for people; the signature lines follow a blank row.
    expect(rowText(sheet, 6).join('')).toBe('')
    expect(rowText(sheet, 7).join('')).toContain('填表人：')
  })

  it('writes teams (annex 2) with labels and a head count total, team lines (annex 3) and village lines (annex 7)', async () => {
    const teams = await download(county, `/api/ledgers/annex2/export?regionCode=${WUXING}`)
    expect(rowText(teams.sheet, 5).slice(0, 9)).toEqual(['1', '吴兴区', '织里镇', '织里镇综合应急救援队', '基层应急救援队伍', '乡镇（街道）级', '综合、防汛抗旱', '32', '沈建华'])
    expect(rowText(teams.sheet, 6)[0]).toBe('合计')
    expect(rowText(teams.sheet, 6)[7]).toBe('32')
    const teamLines = await download(county, `/api/ledgers/annex3/export?regionCode=${WUXING}`)
    expect(rowText(teamLines.sheet, 5).slice(0, 6)).toEqual(['1', '织里镇综合应急救援队', '冲锋舟', '', '艘', '2'])
    const village = await download(county, `/api/ledgers/annex7/export?regionCode=${WUXING}`)
    expect(rowText(village.sheet, 5).slice(0, 7)).toEqual(['1', '织里镇', '织里居委会', '手电筒', '', '只', '20'])
  })

  it('gives an empty template with the same header', async () => {
    const { res, sheet } = await download(viewer, '/api/ledgers/annex7/template')
    expect(decodeURIComponent(String(res.headers['content-disposition']).split("UTF-8''")[1])).toBe('附件7_村（社区）应急救援装备和物资储备明细表_模板.xlsx')
    expect(sheet.getCell('A1').value).toBe('村（社区）应急救援装备和物资储备明细表')
    expect(rowText(sheet, 3).slice(0, 4)).toEqual(['序号', '乡镇（街道）', '村（社区）', '物资装备名称'])
    expect(rowText(sheet, 5).join('')).toBe('')
    expect(rowText(sheet, 6).join('')).toContain('填表人：')
  })

  it('refuses a region outside the jurisdiction and an unknown annex', async () => {
    const other = await county.request({ url: `/api/ledgers/annex4/export?regionCode=${NANXUN_TOWN}` })
    expect(other.statusCode).toBe(403)
    expect(other.json().code).toBe('OUT_OF_JURISDICTION')
    const unknown = await county.request({ url: '/api/ledgers/annex9/export' })
    expect(unknown.statusCode).toBe(404)
    const annexes = await viewer.request({ url: '/api/ledgers/annexes' })
    expect(annexes.json().map((a: { key: string }) => a.key)).toEqual([
      'annex2', 'annex3', 'annex4', 'annex5', 'annex6', 'annex7', 'experts', 'shelters', 'risks', 'storage', 'suppliers', 'annex1',
    ])
    expect(annexes.json().map((a: { fullTitle: string }) => a.fullTitle)).toContain('附件1 应急工作领导小组成员名单')
    expect(annexes.json()[3].columns[3]).toEqual({ key: 'headName', label: '姓名', parent: '负责人', required: false })
  })
})

describe('ledger export of text that looks like a formula', () => {
  // OWASP's CSV-injection triggers; Excel and WPS must show these as the text they are.
  const HOSTILE = ['=HYPERLINK("http://x","点我")', '+1', '-2', '@SUM(A1)']
  let own: FastifyInstance
  let manager: Session

  beforeAll(async () => {
    own = await testApp()
    manager = await signIn(own, { role: 'county_manager', regionCode: WUXING })
    for (const [i, name] of HOSTILE.entries()) {
      const unit = await own.db.insertInto('unit').values({ regionCode: ZHILI, name, kind: 'enterprise' }).returning('id').executeTakeFirstOrThrow()
      await own.db.insertInto('supply').values({
        regionCode: ZHILI, classCode: '3000000', name, specification: HOSTILE[(i + 1) % HOSTILE.length], unit: '件', quantity: i + 1, holderUnitId: unit.id,
      }).execute()
    }
  })
  afterAll(async () => { await own.close() })

  async function parts(book: Buffer): Promise<Record<string, string>> {
    const src = bufferSource(book)
    const out: Record<string, string> = {}
    for (const entry of await readZipDirectory(src)) {
      if (entry.name.endsWith('.xml')) out[entry.name] = await text(entryStream(src, entry))
    }
    return out
  }

  const unescapeXml = (s: string) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')

  it('knows the triggers, tab and carriage return included', () => {
    for (const t of [...HOSTILE, '\tx', '\r=1']) expect(looksLikeFormula(t), JSON.stringify(t)).toBe(true)
    for (const t of ['沙袋', '50kg', '138****0002', ' =1', '＝1', 3]) expect(looksLikeFormula(t), JSON.stringify(t)).toBe(false)
  })

  it('writes them as shared-string text cells in Text format, never as formulas', async () => {
    const res = await manager.request({ url: `/api/ledgers/annex4/export?regionCode=${ZHILI}` })
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200)
    const xml = await parts(res.rawPayload)
    const sheet = xml['xl/worksheets/sheet1.xml']
    expect(sheet).toBeDefined()
    expect(sheet).not.toMatch(/<f[\s>]/)
    expect(sheet).not.toContain('t="str"')

    const shared = [...xml['xl/sharedStrings.xml'].matchAll(/<si>(.*?)<\/si>/gs)]
      .map((m) => unescapeXml([...m[1].matchAll(/<t[^>]*>(.*?)<\/t>/gs)].map((t) => t[1]).join('')))
    const xfs = [...xml['xl/styles.xml'].split('<cellXfs')[1].split('</cellXfs>')[0].matchAll(/<xf [^>]*>/g)].map((m) => m[0])
    const cells = [...sheet.matchAll(/<c r="([A-Z]+)(\d+)"([^>]*)>(.*?)<\/c>/g)].map((m) => ({
      ref: m[1] + m[2], attrs: m[3], value: /<v>(.*?)<\/v>/.exec(m[4])?.[1] ?? null,
    }))
    // Each hostile text: in the holder (B), name (C) and specification (D) columns of a data row.
    for (const t of HOSTILE) {
      const index = shared.indexOf(t)
      expect(index, t).toBeGreaterThanOrEqual(0)
      const holding = cells.filter((c) => c.value === String(index) && / t="s"/.test(c.attrs))
      expect(holding.map((c) => c.ref[0]).sort(), t).toEqual(['B', 'C', 'D'])
      for (const c of holding) {
        const style = Number(/ s="(\d+)"/.exec(c.attrs)?.[1])
        expect(xfs[style], `${c.ref} ${t}`).toContain('numFmtId="49"') // built-in "@", Text
      }
    }
    // Ordinary text keeps the General format.
    const ordinary = cells.find((c) => c.value === String(shared.indexOf('织里镇应急物资仓库')) || c.value === String(shared.indexOf('件')))
    expect(ordinary).toBeDefined()
    expect(xfs[Number(/ s="(\d+)"/.exec(ordinary!.attrs)?.[1])]).not.toContain('numFmtId="49"')
  })

  it('reads back unchanged through the ledger reader', async () => {
    const res = await manager.request({ url: `/api/ledgers/annex4/export?regionCode=${ZHILI}` })
    const ledger = await openLedger(res.rawPayload, 'export.xlsx', { columns: annexByKey('annex4')!.columns })
    const back: Array<[unknown, unknown, unknown]> = []
    for await (const row of ledger.rows) {
      expect(row.problems).toEqual([])
      back.push([row.values.holder, row.values.name, row.values.specification])
    }
    const expected = HOSTILE.map((t, i) => [t, t, HOSTILE[(i + 1) % HOSTILE.length]])
    expect(back.sort()).toEqual(expected.sort())
  })
})

describe('ledger export of text XML cannot hold', () => {
  let own: FastifyInstance
  let manager: Session

  beforeAll(async () => {
    own = await testApp()
    manager = await signIn(own, { role: 'county_manager', regionCode: WUXING })
    // Pasted from another program: a vertical tab and a bell inside a name, a lone surrogate in the specification.
    await own.db.insertInto('supply').values({
      regionCode: ZHILI, classCode: '3000000', name: '救生衣\u000b加厚\u0007', specification: '大号\ud800', unit: '件', quantity: 3,
    }).execute()
  })
  afterAll(async () => { await own.close() })

  it('still writes a workbook that opens, with the unwritable characters shown as �', async () => {
    const res = await manager.request({ url: `/api/ledgers/annex4/export?regionCode=${ZHILI}` })
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200)
    const ledger = await openLedger(res.rawPayload, 'export.xlsx', { columns: annexByKey('annex4')!.columns })
    const back: unknown[] = []
    for await (const row of ledger.rows) back.push([row.values.name, row.values.specification])
    expect(back).toEqual([['救生衣\ufffd加厚\ufffd', '大号\ufffd']])
  })
})
