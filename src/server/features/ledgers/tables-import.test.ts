import fs from 'node:fs/promises'
import ExcelJS from 'exceljs'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { creditCheckChar } from '../../../domain/people/units.js'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { writeMessyLedger, type MessyColumn, type MessyRecord } from './fixtures/messy-ledger.js'
import { commit, previewRows, tempFile, upload, waitParsed, type PreviewRow } from './test-upload.js'

/**
 * The other ledgers as offices fill them in by hand — a title and 填报单位 above a one- or
 * two-row header, merged blocks, signature lines — imported by a township: the good rows create
 * their records, a bad value is named by row, column and value, a row naming a place outside the
 * township is refused, and reading the same file again changes nothing while an edited cell updates.
 */

const WUXING = '330502000000'
const ZHILI = '330502100000' // 织里镇
const ZHILI_VILLAGE = '330502100001' // 织里居委会
const NANXUN = '330503000000'
const OUTSIDE = '是湖州市吴兴区八里店镇，不在本次导入的区划“湖州市吴兴区织里镇”范围内'

let app: FastifyInstance
let township: Session
let county: Session

beforeAll(async () => {
  app = await testApp()
  township = await signIn(app, { role: 'township_manager', regionCode: ZHILI })
  county = await signIn(app, { role: 'county_manager', regionCode: WUXING })
})
afterAll(async () => { await app.close() })

type Cell = string | number | null

/**
 * A workbook as an office types it: title, 填报单位 line, header (two rows where a group is merged
 * over its columns), the rows, merged blocks (`merges`: first and last data row index, column),
 * and the signature line.
 */
async function officeBook(title: string, header: MessyColumn[], rows: Cell[][], merges: Array<[number, number, number]> = []): Promise<Buffer> {
  const book = new ExcelJS.Workbook()
  const sheet = book.addWorksheet('Sheet1')
  const flat = header.flatMap((h) => (typeof h === 'string' ? [h] : h.columns))
  const twoRows = header.some((h) => typeof h !== 'string')
  sheet.getCell(1, 1).value = title
  sheet.mergeCells(1, 1, 1, flat.length)
  sheet.getCell(2, 1).value = '填报单位：织里镇人民政府　　　　填报日期：2026年3月10日'
  let col = 1
  for (const h of header) {
    if (typeof h === 'string') {
      sheet.getCell(3, col).value = h
      if (twoRows) sheet.mergeCells(3, col, 4, col)
      col++
    } else {
      sheet.getCell(3, col).value = h.group
      sheet.mergeCells(3, col, 3, col + h.columns.length - 1)
      h.columns.forEach((c, i) => { sheet.getCell(4, col + i).value = c })
      col += h.columns.length
    }
  }
  const first = twoRows ? 5 : 4
  rows.forEach((r, i) => r.forEach((v, c) => { if (v !== null) sheet.getCell(first + i, c + 1).value = v }))
  for (const [from, to, c] of merges) sheet.mergeCells(first + from, c, first + to, c)
  sheet.getCell(first + rows.length + 1, 1).value = '填表人：陆卫东　　审核人：沈建华　　联系电话：0572-3012345'
  return Buffer.from(await book.xlsx.writeBuffer())
}

async function messyBook(title: string, columns: MessyColumn[], rows: MessyRecord[]): Promise<Buffer> {
  const file = await tempFile(`${title}.xlsx`)
  await writeMessyLedger(file, {
    format: 'xlsx', columns, rows, seed: 11, title, fillUnit: '织里镇人民政府', fillDate: '2026年3月',
    messiness: { titleRows: true, footers: true, fullWidth: true },
  })
  return fs.readFile(file)
}

async function preview(s: Session, key: string, regionCode: string, book: Buffer) {
  const res = await upload(s, key, regionCode, `${key}.xlsx`, book)
  expect(res.statusCode, res.body).toBe(202)
  const state = await waitParsed(s, res.json().importId)
  expect(state.status, `${state.message ?? ''} ${JSON.stringify(state.meta)}`).toBe('previewed')
  return { state, rows: await previewRows(s, state.id) }
}

/** Commits and returns the per-entity counts. */
async function committed(s: Session, id: number) {
  const res = await commit(s, id)
  expect(res.statusCode, res.body).toBe(200)
  return res.json() as Record<string, { created: number; updated: number; unchanged: number }>
}

const problemOf = (row: PreviewRow) => row.problems.map((p) => ({ column: p.column, value: p.value, message: p.message }))

describe('应急专家信息表', () => {
  const columns: MessyColumn[] = ['序号', '乡镇（街道）', '姓名', '性别', '出生年月', '工作单位', '职务/职称', '专业领域', '专家组别', '专业特长', '联系电话', '备注']
  const rows = (title = '高级工程师'): MessyRecord[] => [
    { '乡镇（街道）': '织里镇', 姓名: '王建国', 性别: '男', 出生年月: '1975.03', 工作单位: '湖州市水利局', '职务/职称': title, 专业领域: '自然灾害', 专家组别: '防汛抗旱', 专业特长: '水利工程', 联系电话: '138 5721 1001' },
    { '乡镇（街道）': '织里镇', 姓名: '陈静', 性别: '女', 出生年月: '1982年6月', 工作单位: '织里镇卫生院', '职务/职称': '主任医师', 专业领域: '公共卫生', 专家组别: '医疗救护', 联系电话: '0572-3033333' },
    // 专业领域 left blank: the group says which domain.
    { '乡镇（街道）': '织里镇', 姓名: '刘强', 性别: '男', 出生年月: '1970-01', 工作单位: '织里镇应急管理站', '职务/职称': '站长', 专家组别: '综合管理', 联系电话: '13857211003' },
    { '乡镇（街道）': '织里镇', 姓名: '赵六', 性别: '男', 专业领域: '天文学', 联系电话: '13857211004' },
    { '乡镇（街道）': '八里店镇', 姓名: '孙七', 性别: '女', 专业领域: '自然灾害', 联系电话: '13857211005' },
  ]

  it('creates the experts with their people; names the bad domain and the place outside the township', async () => {
    const { state, rows: preview1 } = await preview(township, 'experts', ZHILI, await messyBook('织里镇应急专家信息表', columns, rows()))
    expect(state).toMatchObject({ totalRows: 5, validRows: 3, errorRows: 2 })
    expect(preview1.map((r) => r.outcome)).toEqual(['create', 'create', 'create', 'error', 'error'])
    expect(problemOf(preview1[3])).toEqual([{
      column: 'domain', value: '天文学',
      message: `第 ${preview1[3].rowNo} 行“专业领域”列的值“天文学”不是可选的值（可填：事故灾难、自然灾害、公共卫生、社会安全、综合管理）`,
    }])
    expect(problemOf(preview1[4])).toEqual([{
      column: 'township', value: '八里店镇', message: `第 ${preview1[4].rowNo} 行“乡镇（街道）”列的值“八里店镇”${OUTSIDE}`,
    }])
    const result = await committed(township, state.id)
    expect(result.expert).toEqual({ created: 3, updated: 0, unchanged: 0 })
    expect(result.person).toMatchObject({ created: 3 })

    const experts = await app.db.selectFrom('resource as r').innerJoin('expert as e', 'e.resourceId', 'r.id')
      .innerJoin('person as p', 'p.id', 'r.responsiblePersonId')
      .select(['r.name', 'r.regionCode', 'r.importKey', 'e.domain', 'e.groupCode', 'e.gender', 'e.bornOn', 'e.title', 'e.workUnit', 'p.mobile', 'p.landline'])
      .where('r.kind', '=', 'expert').orderBy('r.id').execute()
    expect(experts).toEqual([
      { name: '王建国', regionCode: ZHILI, importKey: 'expert|王建国', domain: 'natural', groupCode: 'flood', gender: 'male', bornOn: '1975-03-01', title: '高级工程师', workUnit: '湖州市水利局', mobile: '13857211001', landline: null },
      { name: '陈静', regionCode: ZHILI, importKey: 'expert|陈静', domain: 'health', groupCode: 'medical', gender: 'female', bornOn: '1982-06-01', title: '主任医师', workUnit: '织里镇卫生院', mobile: null, landline: '0572-3033333' },
      { name: '刘强', regionCode: ZHILI, importKey: 'expert|刘强', domain: 'general', groupCode: 'management', gender: 'male', bornOn: '1970-01-01', title: '站长', workUnit: '织里镇应急管理站', mobile: '13857211003', landline: null },
    ])
  })

  it('reads the same file again as unchanged, and an edited title as an update', async () => {
    const same = await preview(township, 'experts', ZHILI, await messyBook('织里镇应急专家信息表', columns, rows()))
    expect(same.rows.slice(0, 3).map((r) => r.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged'])
    const edited = await preview(township, 'experts', ZHILI, await messyBook('织里镇应急专家信息表', columns, rows('正高级工程师')))
    expect(edited.rows.slice(0, 3).map((r) => r.outcome)).toEqual(['update', 'unchanged', 'unchanged'])
    expect((await committed(township, edited.state.id)).expert).toEqual({ created: 0, updated: 1, unchanged: 2 })
    const wang = await app.db.selectFrom('resource as r').innerJoin('expert as e', 'e.resourceId', 'r.id')
      .select(['e.title', 'r.version']).where('r.name', '=', '王建国').executeTakeFirstOrThrow()
    expect(wang).toEqual({ title: '正高级工程师', version: 2 })
    expect(await app.db.selectFrom('resource').select('id').where('kind', '=', 'expert').execute()).toHaveLength(3)
  })
})

describe('应急避难场所', () => {
  const columns: MessyColumn[] = [
    '序号', '乡镇（街道）', '村（社区）', '场所名称', '地址', '类型', '类别', '级别', '有效面积（m²）', '可容纳人数', '配套设施',
    { group: '负责人', columns: ['姓名', '联系电话'] }, '经度', '纬度',
  ]
  const rows: MessyRecord[] = [
    {
      '乡镇（街道）': '织里镇', 场所名称: '织里镇文化广场', 地址: '织里镇中心路1号', 类型: '室外', 类别: '紧急避难场所', 级别: '乡镇级', '有效面积（m²）': 5000,
      可容纳人数: 2500, 配套设施: '供水、供电、厕所', '负责人/姓名': '沈建华', '负责人/联系电话': '13857200002', 经度: 120.27, 纬度: 30.84,
    },
    { '乡镇（街道）': '织里镇', '村（社区）': '织里居委会', 场所名称: '织里居委会活动中心', 类型: '室内', 级别: '村级', '有效面积（m²）': 300, 可容纳人数: 150 },
    { '乡镇（街道）': '织里镇', 场所名称: '织里中学操场', 类型: '室外', '有效面积（m²）': 600, 可容纳人数: 1000 },
    { '乡镇（街道）': '八里店镇', 场所名称: '八里店镇广场', 类型: '室外', '有效面积（m²）': 3000, 可容纳人数: 1000 },
  ]

  it('creates the shelters; refuses more people than the area holds and a place outside the township', async () => {
    const { state, rows: p } = await preview(township, 'shelters', ZHILI, await messyBook('织里镇应急避难场所', columns, rows))
    expect(p.map((r) => r.outcome)).toEqual(['create', 'create', 'error', 'error'])
    expect(problemOf(p[2])).toEqual([{
      column: 'capacity', value: '1000', message: `第 ${p[2].rowNo} 行“可容纳人数”列的值“1000”超过有效面积 600 m² 按人均 1.5 m² 可容纳的 400 人`,
    }])
    expect(problemOf(p[3])[0]).toMatchObject({ column: 'township', value: '八里店镇' })
    expect((await committed(township, state.id)).shelter).toEqual({ created: 2, updated: 0, unchanged: 0 })
    const stored = await app.db.selectFrom('resource as r').innerJoin('shelter as s', 's.resourceId', 'r.id')
      .leftJoin('person as p', 'p.id', 'r.responsiblePersonId')
      .select(['r.name', 'r.regionCode', 'r.lng', 'r.lat', 's.spaceType', 's.gb21734Class', 's.level', 's.effectiveAreaM2', 's.capacity', 's.facilities', 'p.name as head'])
      .where('r.kind', '=', 'shelter').orderBy('r.id').execute()
    expect(stored).toEqual([
      { name: '织里镇文化广场', regionCode: ZHILI, lng: 120.27, lat: 30.84, spaceType: 'outdoor', gb21734Class: 'III', level: 'township', effectiveAreaM2: 5000, capacity: 2500, facilities: ['供水', '供电', '厕所'], head: '沈建华' },
      { name: '织里居委会活动中心', regionCode: ZHILI_VILLAGE, lng: null, lat: null, spaceType: 'indoor', gb21734Class: null, level: 'village', effectiveAreaM2: 300, capacity: 150, facilities: [], head: null },
    ])
  })
})

describe('风险隐患点', () => {
  const columns: MessyColumn[] = [
    '序号', '乡镇（街道）', '村（社区）', '隐患点名称', '隐患类型', '位置', '风险等级', '处置状态', '影响范围/人数', '防范措施',
    { group: '监测责任人', columns: ['姓名', '联系电话'] }, { group: '包保责任人', columns: ['姓名', '联系电话'] }, '备注',
  ]
  const rows = (people = 120): MessyRecord[] => [
    {
      '乡镇（街道）': '织里镇', '村（社区）': '织里居委会', 隐患点名称: '利济路低洼积水点', 隐患类型: '积水点', 位置: '利济路与珍贝路交叉口', 风险等级: '重大',
      处置状态: '监测中', '影响范围/人数': people, 防范措施: '汛期24小时巡查', '监测责任人/姓名': '钱小红', '监测责任人/联系电话': '13957211111',
      '包保责任人/姓名': '沈建华', '包保责任人/联系电话': '13857200002',
    },
    { '乡镇（街道）': '织里镇', 隐患点名称: '晟舍山塘', 隐患类型: '山塘', 风险等级: '一般', 处置状态: '整改中', '影响范围/人数': 30 },
    { '乡镇（街道）': '织里镇', 隐患点名称: '不明隐患', 隐患类型: '外星人入侵' },
    { '乡镇（街道）': '八里店镇', 隐患点名称: '八里店山体', 隐患类型: '滑坡' },
  ]

  it('creates the risk points with their monitors; names the unknown hazard type', async () => {
    const { state, rows: p } = await preview(township, 'risks', ZHILI, await messyBook('织里镇风险隐患点', columns, rows()))
    expect(p.map((r) => r.outcome)).toEqual(['create', 'create', 'error', 'error'])
    expect(problemOf(p[2])[0]).toMatchObject({ column: 'hazardType', value: '外星人入侵' })
    expect(problemOf(p[2])[0].message).toMatch(new RegExp(`^第 ${p[2].rowNo} 行“隐患类型”列的值“外星人入侵”不是可选的值`))
    expect(problemOf(p[3])[0]).toMatchObject({ column: 'township', value: '八里店镇' })
    expect((await committed(township, state.id)).riskPoint).toEqual({ created: 2, updated: 0, unchanged: 0 })
    const stored = await app.db.selectFrom('resource as r').innerJoin('riskPoint as k', 'k.resourceId', 'r.id')
      .leftJoin('person as m', 'm.id', 'k.monitorPersonId').leftJoin('person as h', 'h.id', 'r.responsiblePersonId')
      .select(['r.name', 'r.regionCode', 'k.hazardType', 'k.level', 'k.state', 'k.threatenedPeople', 'm.name as monitor', 'm.mobile as monitorMobile', 'h.name as head'])
      .where('r.kind', '=', 'risk_point').orderBy('r.id').execute()
    expect(stored).toEqual([
      { name: '利济路低洼积水点', regionCode: ZHILI_VILLAGE, hazardType: '内涝', level: 'major', state: 'monitoring', threatenedPeople: 120, monitor: '钱小红', monitorMobile: '13957211111', head: '沈建华' },
      { name: '晟舍山塘', regionCode: ZHILI, hazardType: '水库山塘', level: 'general', state: 'rectifying', threatenedPeople: 30, monitor: null, monitorMobile: null, head: null },
    ])
    const again = await preview(township, 'risks', ZHILI, await messyBook('织里镇风险隐患点', columns, rows(150)))
    expect(again.rows.slice(0, 2).map((r) => r.outcome)).toEqual(['update', 'unchanged'])
  })
})

describe('储备点（仓库）', () => {
  const columns: MessyColumn[] = [
    '序号', '乡镇（街道）', '储备点名称', '类型', '地址', '面积（m²）', '容积（m³）',
    { group: '负责人', columns: ['姓名', '联系电话'] }, { group: '保管员', columns: ['姓名', '联系电话'] }, '经度', '纬度',
  ]
  const rows: MessyRecord[] = [
    {
      '乡镇（街道）': '织里镇', 储备点名称: '织里镇应急物资仓库', 类型: '仓库', 地址: '织里镇物流园3号', '面积（m²）': 500, '容积（m³）': 1500,
      '负责人/姓名': '沈建华', '负责人/联系电话': '13857200002', '保管员/姓名': '陆卫东', '保管员/联系电话': '13857200005',
    },
    { '乡镇（街道）': '织里镇', 储备点名称: '织里村物资点', 类型: '储备点', 经度: 120.3 },
    { '乡镇（街道）': '八里店镇', 储备点名称: '八里店仓库', 类型: '仓库' },
  ]

  it('creates the storage point with its keeper; a longitude without latitude is named', async () => {
    const { state, rows: p } = await preview(township, 'storage', ZHILI, await messyBook('织里镇物资储备点', columns, rows))
    expect(p.map((r) => r.outcome)).toEqual(['create', 'error', 'error'])
    expect(problemOf(p[1])).toEqual([{ column: 'lat', value: '', message: `第 ${p[1].rowNo} 行“纬度”列没有填写：经度和纬度应同时填写` }])
    expect(problemOf(p[2])[0]).toMatchObject({ column: 'township', value: '八里店镇' })
    expect((await committed(township, state.id)).storagePoint).toEqual({ created: 1, updated: 0, unchanged: 0 })
    const stored = await app.db.selectFrom('resource as r').innerJoin('storagePoint as s', 's.resourceId', 'r.id')
      .leftJoin('person as k', 'k.id', 's.keeperPersonId')
      .select(['r.name', 'r.importKey', 's.storageKind', 's.areaM2', 's.volumeM3', 'k.name as keeper'])
      .where('r.kind', '=', 'storage_point').execute()
    // The key annex 4 gives the storage places it names: either ledger updates the other's record.
    expect(stored).toEqual([{ name: '织里镇应急物资仓库', importKey: 'storage|织里镇应急物资仓库', storageKind: 'warehouse', areaM2: 500, volumeM3: 1500, keeper: '陆卫东' }])
  })
})

describe('保供单位及协议', () => {
  const header: MessyColumn[] = [
    '序号', '乡镇（街道）', '保供单位', '统一社会信用代码', '地址', { group: '联系人', columns: ['姓名', '联系电话'] },
    '物资品名', '数量', '单位', '协议开始日期', '协议截止日期', '响应时限（小时）',
  ]
  const code17 = '91330502MA2B3C4D5'
  const credit = code17 + creditCheckChar(code17)
  const rows = (water: number): Cell[][] => [
    [1, '织里镇', '织里华联超市', credit, '织里镇中心路8号', '周明', '13857211009', '矿泉水', water, '箱', '2026-01-01', '2026-12-31', 4],
    [null, null, null, null, null, null, null, '方便面', '200箱', null, '2026-01-01', '2026-12-31', 6],
    [2, '织里镇', '织里粮油店', '12345', null, null, null, '大米', 500, '袋', null, null, null],
    [3, '织里镇', '织里五金店', null, null, null, null, null, 20, '台', null, null, null],
    [4, '八里店镇', '八里店超市', null, null, null, null, '饮用水', 50, '箱', null, null, null],
  ]
  // 序号, 乡镇 and the supplier's cells are merged over its two agreements.
  const merges: Array<[number, number, number]> = [1, 2, 3, 4, 5, 6, 7].map((c) => [0, 1, c])

  it('creates the supplier with both agreements; names the bad credit code and the quantity without an item', async () => {
    const { state, rows: p } = await preview(township, 'suppliers', ZHILI, await officeBook('织里镇应急物资保供单位', header, rows(100), merges))
    expect(p.map((r) => r.outcome)).toEqual(['create', 'create', 'error', 'error', 'error'])
    expect(problemOf(p[2])[0]).toMatchObject({ column: 'creditCode', value: '12345' })
    expect(problemOf(p[2])[0].message).toBe(`第 ${p[2].rowNo} 行“统一社会信用代码”列的值“12345”应为 18 位（现为 5 位）`)
    expect(problemOf(p[3])).toEqual([{ column: 'itemName', value: '', message: `第 ${p[3].rowNo} 行“物资品名”列没有填写物资品名，但填写了“20”` }])
    expect(problemOf(p[4])[0]).toMatchObject({ column: 'township', value: '八里店镇' })
    const result = await committed(township, state.id)
    expect(result.supplier).toEqual({ created: 1, updated: 0, unchanged: 0 })
    expect(result.agreement).toEqual({ created: 2, updated: 0, unchanged: 0 })
    const stored = await app.db.selectFrom('supplyAgreement as a').innerJoin('resource as r', 'r.id', 'a.supplierId')
      .innerJoin('supplier as s', 's.resourceId', 'r.id').leftJoin('person as c', 'c.id', 'r.responsiblePersonId')
      .select(['r.name', 's.creditCode', 'c.name as contact', 'a.regionCode', 'a.itemName', 'a.quantity', 'a.unit', 'a.startsOn', 'a.endsOn', 'a.responseHours'])
      .orderBy('a.id').execute()
    expect(stored).toEqual([
      { name: '织里华联超市', creditCode: credit, contact: '周明', regionCode: ZHILI, itemName: '矿泉水', quantity: 100, unit: '箱', startsOn: '2026-01-01', endsOn: '2026-12-31', responseHours: 4 },
      { name: '织里华联超市', creditCode: credit, contact: '周明', regionCode: ZHILI, itemName: '方便面', quantity: 200, unit: '箱', startsOn: '2026-01-01', endsOn: '2026-12-31', responseHours: 6 },
    ])
    const again = await preview(township, 'suppliers', ZHILI, await officeBook('织里镇应急物资保供单位', header, rows(120), merges))
    expect(again.rows.slice(0, 2).map((r) => r.outcome)).toEqual(['update', 'unchanged'])
    expect((await committed(township, again.state.id)).agreement).toEqual({ created: 0, updated: 1, unchanged: 1 })
    expect(await app.db.selectFrom('supplyAgreement').select('quantity').where('itemName', '=', '矿泉水').execute()).toEqual([{ quantity: 120 }])
  })
})

describe('附件1 领导小组', () => {
  const header: MessyColumn[] = ['序号', '乡镇（街道）', '领导小组名称', '小组职务', '姓名', '单位及职务', '联系电话', '职责分工', '办公室地址', '办公室电话']
  const rows = (deputyDuty: string | null): Cell[][] => [
    [1, '织里镇', '织里镇防汛防台工作领导小组', '组长', '张三', '镇长', '13857201001', '全面负责', '镇应急管理站', '0572-3011111'],
    [2, null, null, '副组长', '李四', '副镇长', '13857201002', deputyDuty, null, null],
    [3, null, null, '成员', '王五', '应急站站长', '13857201003', null, null, null],
    [4, null, null, '成员', '钱六', '水利站站长', '12345', null, null, null],
  ]
  // The township, the group and its office are merged down over the members.
  const merges: Array<[number, number, number]> = [[0, 3, 2], [0, 3, 3], [0, 3, 9], [0, 3, 10]]

  it('creates the group and its members in order; names the bad phone', async () => {
    const { state, rows: p } = await preview(township, 'annex1', ZHILI, await officeBook('织里镇防汛防台工作领导小组', header, rows(null), merges))
    expect(p.map((r) => r.outcome)).toEqual(['create', 'create', 'create', 'error'])
    expect(problemOf(p[3])).toEqual([{
      column: 'phone', value: '12345',
      message: `第 ${p[3].rowNo} 行“联系电话”列的值“12345”不是有效的电话号码（手机号应为 11 位；固定电话应带区号，如 0572-2012345）`,
    }])
    const result = await committed(township, state.id)
    expect(result.groupMember).toEqual({ created: 3, updated: 0, unchanged: 0 })
    expect(result.leadingGroup).toEqual({ created: 1, updated: 0, unchanged: 0 })
    const group = await township.request({ url: `/api/leading-groups?regionCode=${ZHILI}` })
    expect(group.json().items).toHaveLength(1)
    expect(group.json().items[0]).toMatchObject({ name: '织里镇防汛防台工作领导小组', officeAddress: '镇应急管理站', regionCode: ZHILI })
    expect(group.json().items[0].members.map((m: any) => [m.name, m.post, m.position, m.duty, m.sort])).toEqual([
      ['张三', '镇长', 'leader', '全面负责', 1], ['李四', '副镇长', 'deputy_leader', null, 2], ['王五', '应急站站长', 'member', null, 3],
    ])
    const again = await preview(township, 'annex1', ZHILI, await officeBook('织里镇防汛防台工作领导小组', header, rows('协助组长'), merges))
    expect(again.rows.slice(0, 3).map((r) => r.outcome)).toEqual(['unchanged', 'update', 'unchanged'])
  })

  it('refuses a group placed outside the township', async () => {
    const book = await officeBook('各乡镇应急工作领导小组名单', ['序号', '乡镇（街道）', '领导小组名称', '小组职务', '姓名'], [[1, '八里店镇', '八里店镇领导小组', '组长', '孙八']])
    const { rows: p } = await preview(township, 'annex1', ZHILI, book)
    expect(problemOf(p[0])).toEqual([{ column: 'township', value: '八里店镇', message: `第 ${p[0].rowNo} 行“乡镇（街道）”列的值“八里店镇”${OUTSIDE}` }])
  })
})

describe('jurisdiction', () => {
  it('refuses an import or export for a region outside the caller’s area', async () => {
    const book = await officeBook('专家', ['序号', '姓名', '专业领域'], [[1, '王五', '自然灾害']])
    for (const key of ['experts', 'shelters', 'risks', 'storage', 'suppliers', 'annex1']) {
      const up = await upload(county, key, NANXUN, 'x.xlsx', book)
      expect(up.statusCode, up.body).toBe(403)
      expect(up.json().code).toBe('OUT_OF_JURISDICTION')
      const down = await township.request({ url: `/api/ledgers/${key}/export?regionCode=${WUXING}` })
      expect(down.statusCode).toBe(403)
    }
  })
})
