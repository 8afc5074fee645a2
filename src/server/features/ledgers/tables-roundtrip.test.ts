import ExcelJS from 'exceljs'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { creditCheckChar } from '../../../domain/people/units.js'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { commit, previewRows, upload, waitParsed } from './test-upload.js'

/**
 * The other ledgers (experts, shelters, risk points, storage points, suppliers, annex 1), each
 * exported in its office layout and read straight back: every row is found unchanged, and
 * committing it writes nothing. The records are entered through the forms' routes, as an office
 * would before its first export, so the import must find records that carry no import key.
 */

const WUXING = '330502000000'
const ZHILI = '330502100000' // 织里镇
const ZHILI_VILLAGE = '330502100001' // 织里居委会
const NANXUN_TOWN = '330503100000' // 南浔区南浔镇
const MARKER = '邻县标记'

const CREDIT_17 = '91330502MA2B3C4D5'
const CREDIT = CREDIT_17 + creditCheckChar(CREDIT_17)

let app: FastifyInstance
let city: Session
let county: Session

async function ok(pending: Promise<{ statusCode: number; body: string; json: () => any }>): Promise<any> {
  const res = await pending
  expect(res.statusCode, res.body).toBeLessThan(300)
  return res.json()
}

const post = (url: string, payload: Record<string, unknown>) => ok(county.request({ method: 'POST', url, payload }))
const person = (regionCode: string, name: string, extra: Record<string, unknown> = {}) => post('/api/people', { regionCode, name, ...extra })

async function seed(): Promise<void> {
  const wang = await person(WUXING, '王建国', { mobile: '13857211001' })
  const li = await person(ZHILI, '李秀英', { landline: '0572-3012345' })
  await post('/api/resources/expert', {
    regionCode: WUXING, name: '王建国', responsiblePersonId: wang.id,
    detail: { domain: 'natural', groupCode: 'flood', title: '高级工程师', speciality: '水利工程', workUnit: '湖州市水利局', gender: 'male', bornOn: '1975-03-01' },
  })
  await post('/api/resources/expert', { regionCode: ZHILI, name: '李秀英', responsiblePersonId: li.id, detail: { domain: 'health', title: '主任医师' } })

  const head = await person(ZHILI, '沈建华', { mobile: '13857200002', post: '站长' })
  await post('/api/resources/shelter', {
    regionCode: ZHILI, name: '织里镇中心小学避难场所', address: '织里镇康泰路1号', lng: 120.2634, lat: 30.8412, responsiblePersonId: head.id,
    detail: { spaceType: 'outdoor', gb21734Class: 'III', level: 'township', effectiveAreaM2: 3000, capacity: 1500, facilities: ['供水', '照明'] },
  })
  await post('/api/resources/shelter', { regionCode: WUXING, name: '吴兴区体育馆', detail: { spaceType: 'indoor', effectiveAreaM2: 4500.5, capacity: 3000 } })

  const monitor = await person(ZHILI_VILLAGE, '钱小红', { mobile: '13957211111' })
  await post('/api/resources/risk_point', {
    regionCode: ZHILI_VILLAGE, name: '利济路低洼积水点', address: '利济路与珍贝路交叉口', responsiblePersonId: head.id,
    detail: { hazardType: '内涝', level: 'major', state: 'monitoring', monitorPersonId: monitor.id, measures: '汛期24小时巡查', threatenedPeople: 120 },
  })

  const keeper = await person(ZHILI, '陆卫东', { mobile: '13857200005' })
  await post('/api/resources/storage_point', {
    regionCode: ZHILI, name: '织里镇应急物资仓库', address: '织里镇物流园3号', responsiblePersonId: head.id,
    detail: { storageKind: 'warehouse', areaM2: 500, volumeM3: 1500, keeperPersonId: keeper.id },
  })

  const contact = await person(WUXING, '周明', { mobile: '13857211009' })
  const market = await post('/api/resources/supplier', {
    regionCode: WUXING, name: '湖州吴兴华联超市有限公司', address: '吴兴区凤凰路88号', responsiblePersonId: contact.id, detail: { creditCode: CREDIT },
  })
  await post('/api/agreements', { supplierId: market.id, itemName: '矿泉水', quantity: 100, unit: '箱', startsOn: '2026-01-01', endsOn: '2026-12-31', responseHours: 4 })
  await post('/api/agreements', { supplierId: market.id, itemName: '方便面', quantity: 200, unit: '箱', endsOn: '2027-06-30' })
  await post('/api/resources/supplier', { regionCode: ZHILI, name: '织里镇建材商行', detail: {} })

  const chief = await person(WUXING, '张卫国', { mobile: '13857211002', post: '区长' })
  const deputy = await person(WUXING, '赵丽', { mobile: '13857211003', post: '副区长' })
  await post('/api/leading-groups', {
    regionCode: WUXING, name: '吴兴区应急工作领导小组', officeAddress: '区应急管理局302室', officePhone: '0572-2012345',
    members: [{ personId: chief.id, position: 'leader', duty: '全面负责' }, { personId: deputy.id, position: 'deputy_leader' }],
  })
  await post('/api/leading-groups', { regionCode: ZHILI, name: '织里镇防汛防台工作领导小组' })

  // The sibling county's records never reach 吴兴区's export.
  const other = await ok(city.request({ method: 'POST', url: '/api/people', payload: { regionCode: NANXUN_TOWN, name: `沈${MARKER}`, mobile: '13857200009' } }))
  await ok(city.request({
    method: 'POST', url: '/api/resources/expert',
    payload: { regionCode: NANXUN_TOWN, name: `沈${MARKER}`, responsiblePersonId: other.id, detail: { domain: 'general' } },
  }))
}

async function counts() {
  const n = async (table: 'resource' | 'person' | 'supplyAgreement' | 'leadingGroup' | 'leadingGroupMember' | 'expert') =>
    Number((await app.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
  return {
    resource: await n('resource'), person: await n('person'), agreement: await n('supplyAgreement'),
    group: await n('leadingGroup'), member: await n('leadingGroupMember'), expert: await n('expert'),
  }
}

/** Every cell of a sheet as text, '' for blanks. */
async function sheetText(book: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(book as unknown as ArrayBuffer)
  const sheet = wb.worksheets[0]
  const out: string[][] = []
  sheet.eachRow({ includeEmpty: true }, (row, r) => {
    const cells: string[] = []
    for (let c = 1; c <= sheet.columnCount; c++) cells.push(row.getCell(c).text ?? '')
    out[r - 1] = cells
  })
  return out
}

beforeAll(async () => {
  app = await testApp()
  city = await signIn(app, { role: 'city_manager', regionCode: '330500000000' })
  county = await signIn(app, { role: 'county_manager', regionCode: WUXING })
  await seed()
})
afterAll(async () => { await app.close() })

const TABLES: Array<{ key: string; rows: number; entity: string; sample: string[] }> = [
  { key: 'experts', rows: 2, entity: 'expert', sample: ['王建国', '男', '1975-03-01', '湖州市水利局', '高级工程师', '自然灾害', '防汛抗旱', '水利工程', '13857211001'] },
  { key: 'shelters', rows: 2, entity: 'shelter', sample: ['织里镇中心小学避难场所', '室外（场地型）', 'Ⅲ类（≤10天）', '乡镇（街道）级', '3000', '1500', '供水、照明', '沈建华', '13857200002'] },
  { key: 'risks', rows: 1, entity: 'riskPoint', sample: ['织里居委会', '利济路低洼积水点', '内涝', '重大', '监测中', '120', '钱小红', '13957211111', '沈建华'] },
  { key: 'storage', rows: 1, entity: 'storagePoint', sample: ['织里镇应急物资仓库', '储备库', '500', '1500', '沈建华', '陆卫东', '13857200005'] },
  { key: 'suppliers', rows: 3, entity: 'supplier', sample: ['湖州吴兴华联超市有限公司', CREDIT, '周明', '矿泉水', '100', '箱', '2026-01-01', '2026-12-31', '4'] },
  { key: 'annex1', rows: 3, entity: 'groupMember', sample: ['吴兴区应急工作领导小组', '组长', '张卫国', '区长', '13857211002', '全面负责', '区应急管理局302室', '0572-2012345'] },
]

describe('the other ledgers, exported and read back', () => {
  it.each(TABLES.map((t) => [t.key, t]))('%s: every row unchanged, and committing it writes nothing', async (_key, t) => {
    const exported = await county.request({ url: `/api/ledgers/${t.key}/export?regionCode=${WUXING}` })
    expect(exported.statusCode, exported.body.slice(0, 300)).toBe(200)
    const text = await sheetText(exported.rawPayload)
    expect(text[0][0]).not.toBe('')
    expect(text.flat().join('|')).not.toContain(MARKER)
    expect(text.some((row) => t.sample.every((v) => row.includes(v))), JSON.stringify(text.slice(0, 8))).toBe(true)

    const before = await counts()
    const res = await upload(county, t.key, WUXING, `${t.key}.xlsx`, exported.rawPayload)
    expect(res.statusCode, res.body).toBe(202)
    const state = await waitParsed(county, res.json().importId)
    expect(state.message).toBeNull()
    expect(state).toMatchObject({ status: 'previewed', totalRows: t.rows, validRows: t.rows, errorRows: 0 })
    const rows = await previewRows(county, state.id)
    expect(rows.map((r) => [r.rowNo, r.outcome, r.problems])).toEqual(rows.map((r) => [r.rowNo, 'unchanged', []]))

    const done = await commit(county, state.id)
    expect(done.statusCode, done.body).toBe(200)
    expect(done.json()[t.entity]).toMatchObject({ created: 0, updated: 0 })
    expect(await counts()).toEqual(before)

    // A second export reads the same, row for row (the date line aside).
    const again = await county.request({ url: `/api/ledgers/${t.key}/export?regionCode=${WUXING}` })
    expect(await sheetText(again.rawPayload)).toEqual(text)
  })

  it('audits each export with its row count, and each import', async () => {
    const exports = await app.db.selectFrom('auditLog').select(['after']).where('action', '=', 'ledger.exported').orderBy('id').execute()
    expect(exports.map((e) => e.after)).toEqual(expect.arrayContaining(TABLES.map((t) => expect.objectContaining({ annex: t.key, rows: t.rows }))))
    const imports = await app.db.selectFrom('auditLog').select(['after']).where('action', '=', 'ledger.imported').execute()
    expect(imports).toHaveLength(TABLES.length)
  })
})
