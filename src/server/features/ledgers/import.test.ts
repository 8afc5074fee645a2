import fs from 'node:fs/promises'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { writeMessyLedger, type MessyColumn, type MessyRecord } from './fixtures/messy-ledger.js'
import { commit, importFile, previewRows, tempFile, upload } from './test-upload.js'

const WUXING = '330502000000'
const ZHILI = '330502100000' // 织里镇
const BALIDIAN = '330502101000' // 八里店镇
const GUANGLING = '321002000000' // 扬州市广陵区
const WENFENG = '321002003000' // 文峰街道: 渡江社区居委会 and 渡江村委会

let app: FastifyInstance
let county: Session
let township: Session
let guangling: Session

beforeAll(async () => {
  app = await testApp()
  county = await signIn(app, { role: 'county_manager', regionCode: WUXING })
  township = await signIn(app, { role: 'township_manager', regionCode: ZHILI })
  guangling = await signIn(app, { role: 'county_manager', regionCode: GUANGLING })
})
afterAll(async () => { await app.close() })

const count = async (table: 'supply' | 'resource' | 'person' | 'stockMovement') =>
  Number((await app.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)

// Last year's annex 4 of 织里镇, as the township filled it in.
const ANNEX4: MessyColumn[] = [
  '序号', '乡镇（街道）', '物资名称', '规格型号', '单位', '数量', '存放地点', '储备方式', '状态', '购置日期', '有效期至', '负责人', '联系电话', '备注',
]
function annex4Rows(lifeJackets = 200): MessyRecord[] {
  const r = (town: string, name: string, spec: string | null, unit: string, quantity: number, extra: MessyRecord = {}): MessyRecord => ({
    '乡镇（街道）': town, 物资名称: name, 规格型号: spec, 单位: unit, 数量: quantity, 存放地点: '织里镇应急物资仓库', 储备方式: '实物储备', 状态: '完好',
    负责人: '沈建华', 联系电话: '13857200002', ...extra,
  })
  return [
    r('织里镇', '救生衣', '成人款', '件', lifeJackets, { 购置日期: '2023-05-01', 有效期至: '2028-05-01' }),
    r('织里镇', '冲锋舟', '5.2米', '艘', 2),
    r('织里镇', '编织袋', '60×90cm', '条', 5000, { 储备方式: '协议储备', 存放地点: '湖州织里建材有限公司' }),
    r('织里镇', '应急帐篷', '12㎡', '顶', 30, { 状态: '待修', 负责人: '钱小红', 联系电话: '0572-3012345' }),
    r('南浔镇', '沙袋', null, '只', 800),
    r('湖州织里童装有限公司', '灭火器', '4kg干粉', '具', 40),
  ]
}

async function annex4File(lifeJackets = 200): Promise<string> {
  const file = await tempFile('织里镇附件4（2025年）.xlsx')
  await writeMessyLedger(file, {
    format: 'xlsx', columns: ANNEX4, rows: annex4Rows(lifeJackets), seed: 7,
    title: '织里镇应急救援装备和物资储备明细表', fillUnit: '织里镇人民政府', fillDate: '2025年11月',
    messiness: { titleRows: true, mergedTown: true, subtotals: true, footers: true, fullWidth: true, unitsInQuantity: true, dateStyles: true },
  })
  return file
}

describe('annex 4 from a township account', () => {
  let firstImport: number

  it('previews last year’s spreadsheet: meta, outcomes, and problems naming row, column and value', async () => {
    const before = { supply: await count('supply'), resource: await count('resource') }
    const state = await importFile(township, 'annex4', ZHILI, await annex4File())
    firstImport = state.id
    expect(state).toMatchObject({ status: 'previewed', totalRows: 6, validRows: 5, errorRows: 1 })
    expect(state.meta).toMatchObject({ title: '织里镇应急救援装备和物资储备明细表', fillUnit: '织里镇人民政府' })
    expect(state.meta?.columnsFound.holder).toBe('乡镇（街道）')
    const rows = await previewRows(township, state.id)
    expect(rows.map((r) => r.outcome)).toEqual(['create', 'create', 'create', 'create', 'error', 'create'])
    const bad = rows[4]
    expect(bad.problems).toEqual([{
      row: bad.rowNo, column: 'holder', columnLabel: '乡镇（街道）', value: '南浔镇',
      message: `第 ${bad.rowNo} 行“乡镇（街道）”列的值“南浔镇”是湖州市南浔区南浔镇，不在本次导入的区划“湖州市吴兴区织里镇”范围内`,
    }])
    expect(rows[0].data).toMatchObject({ name: '救生衣', quantity: 200, target: { regionCode: ZHILI, unit: '件', classCode: '2000000' } })
    expect(rows[5].data.target).toMatchObject({ regionCode: ZHILI, holderUnit: '湖州织里童装有限公司' })
    // Nothing is written before the commit.
    expect({ supply: await count('supply'), resource: await count('resource') }).toEqual(before)
  })

  it('commits the valid rows in one go: lines, storage points, people, 建账 movements, one audit entry', async () => {
    const res = await commit(township, firstImport)
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({
      supply: { created: 5, updated: 0, unchanged: 0 },
      storagePoint: { created: 2 },
      person: { created: 2 },
      unit: { created: 1 },
    })
    const lines = await app.db.selectFrom('supply').select(['name', 'regionCode', 'quantity', 'unit', 'reserveForm', 'condition', 'purchasedOn', 'expiresOn'])
      .where('regionCode', 'like', '330502%').orderBy('id').execute()
    expect(lines).toHaveLength(5)
    expect(lines[0]).toEqual({ name: '救生衣', regionCode: ZHILI, quantity: 200, unit: '件', reserveForm: 'physical', condition: 'good', purchasedOn: '2023-05-01', expiresOn: '2028-05-01' })
    expect(lines.find((l) => l.name === '应急帐篷')?.condition).toBe('repair')
    expect(lines.find((l) => l.name === '编织袋')?.reserveForm).toBe('agreement')
    const moves = await app.db.selectFrom('stockMovement').select(['kind', 'delta', 'balance', 'reason', 'importId']).orderBy('id').execute()
    expect(moves).toHaveLength(5)
    expect(moves[0]).toEqual({ kind: 'in', delta: 200, balance: 200, reason: '建账（台账导入）', importId: firstImport })
    const keeper = await app.db.selectFrom('person').select(['name', 'mobile', 'regionCode']).where('name', '=', '沈建华').execute()
    expect(keeper).toEqual([{ name: '沈建华', mobile: '13857200002', regionCode: ZHILI }])
    const audit = await app.db.selectFrom('auditLog').select(['after', 'regionCode']).where('action', '=', 'ledger.imported').execute()
    expect(audit).toEqual([{ regionCode: ZHILI, after: expect.objectContaining({ annex: 'annex4', rowsWritten: 5, rowsSkipped: 1 }) }])
    const state = (await township.request({ url: `/api/ledgers/imports/${firstImport}` })).json()
    expect(state).toMatchObject({ status: 'committed', summary: { supply: { created: 5 } } })
    expect(state.committedAt).not.toBeNull()
  })

  it('refuses a second commit', async () => {
    const res = await commit(township, firstImport)
    expect(res.statusCode).toBe(409)
    expect(res.json().message).toBe('该批次已经导入，不能重复提交')
  })

  it('shows the township’s lines in the county’s subtree', async () => {
    const rolled = await app.db.selectFrom('supply').select('name').where('regionCode', 'like', '330502%').execute()
    expect(rolled).toHaveLength(5)
    const list = (await county.request({ url: `/api/ledgers/imports?regionCode=${WUXING}` })).json()
    expect(list.items.map((i: { id: number }) => i.id)).toContain(firstImport)
    const countyExport = await county.request({ url: `/api/ledgers/annex4/export?regionCode=${WUXING}` })
    expect(countyExport.statusCode).toBe(200)
  })

  it('finds nothing to do when the same file comes again', async () => {
    const movements = await count('stockMovement')
    const state = await importFile(township, 'annex4', ZHILI, await annex4File())
    const rows = await previewRows(township, state.id)
    expect(rows.map((r) => r.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged', 'error', 'unchanged'])
    const res = await commit(township, state.id)
    // The commit counts what the preview called unchanged, and writes nothing for it.
    expect(res.json()).toMatchObject({ supply: { created: 0, updated: 0, unchanged: 5 } })
    expect(await count('supply')).toBe(5)
    expect(await count('stockMovement')).toBe(movements)
    expect(await app.db.selectFrom('person').select('id').where('regionCode', 'like', '330502%').execute()).toHaveLength(2)
  })

  it('records a changed quantity as one 盘点 movement of the difference', async () => {
    const state = await importFile(township, 'annex4', ZHILI, await annex4File(180))
    const rows = await previewRows(township, state.id)
    expect(rows.map((r) => r.outcome)).toEqual(['update', 'unchanged', 'unchanged', 'unchanged', 'error', 'unchanged'])
    const res = await commit(township, state.id)
    expect(res.json()).toMatchObject({ supply: { created: 0, updated: 1, unchanged: 4 } })
    const moves = await app.db.selectFrom('stockMovement').select(['kind', 'delta', 'balance', 'reason', 'importId'])
      .where('importId', '=', state.id).execute()
    expect(moves).toEqual([{ kind: 'count', delta: -20, balance: 180, reason: `台账导入 #${state.id}`, importId: state.id }])
    const line = await app.db.selectFrom('supply').select(['quantity', 'version']).where('name', '=', '救生衣').executeTakeFirstOrThrow()
    expect(line).toEqual({ quantity: 180, version: 2 })
  })

  it('keeps imports inside the jurisdiction', async () => {
    const outside = await upload(township, 'annex4', BALIDIAN, 'x.xlsx', await fs.readFile(await annex4File()))
    expect(outside.statusCode).toBe(403)
    expect(outside.json().code).toBe('OUT_OF_JURISDICTION')
    const neighbour = await signIn(app, { role: 'township_manager', regionCode: BALIDIAN })
    expect((await neighbour.request({ url: `/api/ledgers/imports/${firstImport}` })).statusCode).toBe(404)
    expect((await neighbour.request({ url: `/api/ledgers/imports/${firstImport}/rows` })).statusCode).toBe(404)
    expect((await commit(neighbour, firstImport)).statusCode).toBe(404)
    const viewer = await signIn(app, { role: 'viewer', regionCode: ZHILI })
    expect((await upload(viewer, 'annex4', ZHILI, 'x.xlsx', Buffer.from('x'))).statusCode).toBe(403)
    const wrongType = await upload(township, 'annex4', ZHILI, '物资.docx', Buffer.from('x'))
    expect(wrongType.statusCode).toBe(400)
    expect(wrongType.json().message).toBe('文件“物资.docx”不是 Excel（.xlsx）或 CSV 文件，请另存为 .xlsx 后再上传')
  })
})

describe('teams (annex 2) and their equipment (annex 3)', () => {
  const TEAMS: MessyColumn[] = [
    '序号', '区县', '乡镇（街道）', '队伍名称', '队伍类型', '队伍级别', '专业类别', '人数',
    { group: '负责人', columns: ['姓名', '职务', '联系电话'] }, { group: '联络人', columns: ['姓名', '联系电话'] }, '驻地', '备注',
  ]
  const team = (town: string, name: string, headcount: number, extra: MessyRecord = {}): MessyRecord => ({
    区县: '吴兴区', '乡镇（街道）': town, 队伍名称: name, 队伍类型: '基层', 队伍级别: '乡镇级', 专业类别: '综合、防汛抗旱', 人数: headcount,
    '负责人/姓名': '姚国强', '负责人/职务': '队长', '负责人/联系电话': '13957200001', '联络人/姓名': '陆文', '联络人/联系电话': '0572-3022222',
    驻地: `${town}人民政府`, ...extra,
  })

  it('creates teams with their detail and people, and refuses a team in another county', async () => {
    const file = await tempFile('队伍.xlsx')
    await writeMessyLedger(file, {
      format: 'xlsx', columns: TEAMS, seed: 3, messiness: { titleRows: true, mergedTown: true, footers: true },
      rows: [
        team('织里镇', '织里镇综合应急救援队', 32),
        team('八里店镇', '八里店镇综合应急救援队', 30, { 队伍类型: null, 队伍级别: null, '负责人/姓名': '吴强', '负责人/联系电话': '13957200002' }),
        team('八里店镇', '八里店镇蓝天救援队', 25, { 区县: '南浔区', 队伍类型: '社会力量' }),
      ],
    })
    const state = await importFile(county, 'annex2', WUXING, file)
    expect(state).toMatchObject({ status: 'previewed', totalRows: 3, errorRows: 1 })
    const [problem] = (await previewRows(county, state.id, 'error'))[0].problems
    expect(problem).toMatchObject({ column: 'county', value: '南浔区' })
    expect(problem.message).toContain('是湖州市南浔区，不在本次导入的区划“湖州市吴兴区”范围内')
    expect((await commit(county, state.id)).json()).toMatchObject({ team: { created: 2, updated: 0, unchanged: 0 }, person: { created: 4 } })
    const teams = await app.db.selectFrom('resource as r').innerJoin('team as t', 't.resourceId', 'r.id')
      .innerJoin('person as p', 'p.id', 'r.responsiblePersonId').innerJoin('person as c', 'c.id', 'r.liaisonPersonId')
      .select(['r.name', 'r.regionCode', 'r.address', 't.level', 't.teamType', 't.headcount', 't.specialities', 'p.name as leader', 'p.post', 'c.landline'])
      .where('r.kind', '=', 'team').orderBy('r.regionCode').execute()
    expect(teams).toEqual([
      { name: '织里镇综合应急救援队', regionCode: ZHILI, address: '织里镇人民政府', level: 'township', teamType: 'grassroots', headcount: 32, specialities: ['综合', '防汛抗旱'], leader: '姚国强', post: '队长', landline: '0572-3022222' },
      { name: '八里店镇综合应急救援队', regionCode: BALIDIAN, address: '八里店镇人民政府', level: 'township', teamType: 'grassroots', headcount: 30, specialities: ['综合', '防汛抗旱'], leader: '吴强', post: '队长', landline: '0572-3022222' },
    ])
    const again = await importFile(county, 'annex2', WUXING, file)
    expect((await previewRows(county, again.id)).map((r) => r.outcome)).toEqual(['unchanged', 'unchanged', 'error'])
    expect((await commit(county, again.id)).json()).toMatchObject({ team: { created: 0, updated: 0, unchanged: 2 } })
  })

  it('attaches annex 3 lines to the named team (written once over its rows) and names unknown teams', async () => {
    const file = await tempFile('队伍装备.csv')
    const line = (teamName: string | null, name: string, unit: string, quantity: string): MessyRecord => ({
      队伍名称: teamName, 装备物资名称: name, 单位: unit, 数量: quantity, 存放地点: '队部仓库', 状态: '完好', 负责人: '姚国强', 联系电话: '13957200001',
    })
    await writeMessyLedger(file, {
      format: 'csv-utf8-bom', seed: 5,
      columns: ['序号', '队伍名称', '装备物资名称', '规格型号', '单位', '数量', '存放地点', '状态', '负责人', '联系电话', '备注'],
      rows: [
        line('织里镇综合应急救援队', '冲锋舟', '艘', '2'),
        line(null, '救生衣', '件', '６０'),
        line('八里店镇综合应急救援队', '抽水泵', '台', '4台'),
        line('长兴县应急救援队', '发电机', '台', '1'),
      ],
    })
    const state = await importFile(county, 'annex3', WUXING, file)
    expect(state).toMatchObject({ status: 'previewed', totalRows: 4, errorRows: 1 })
    const rows = await previewRows(county, state.id)
    expect(rows[1].data).toMatchObject({ teamName: '织里镇综合应急救援队', quantity: 60 })
    expect(rows[3].problems[0].message).toBe(`第 ${rows[3].rowNo} 行“队伍名称”列的值“长兴县应急救援队”在“湖州市吴兴区”的队伍中找不到，请先导入附件2或在队伍名录中新增`)
    expect((await commit(county, state.id)).json()).toMatchObject({ supply: { created: 3 } })
    const lines = await app.db.selectFrom('supply as s').innerJoin('resource as t', 't.id', 's.teamId')
      .select(['s.name', 's.regionCode', 't.name as team', 's.quantity', 's.isEquipment']).orderBy('s.id').execute()
    expect(lines).toEqual([
      { name: '冲锋舟', regionCode: ZHILI, team: '织里镇综合应急救援队', quantity: 2, isEquipment: true },
      { name: '救生衣', regionCode: ZHILI, team: '织里镇综合应急救援队', quantity: 60, isEquipment: true },
      { name: '抽水泵', regionCode: BALIDIAN, team: '八里店镇综合应急救援队', quantity: 4, isEquipment: true },
    ])
  })

  it('rolls everything back when the commit fails, and marks the import failed with the reason', async () => {
    const file = await tempFile('队伍装备2.xlsx')
    await writeMessyLedger(file, {
      format: 'xlsx', columns: ['序号', '队伍名称', '装备物资名称', '单位', '数量'],
      rows: [{ 队伍名称: '八里店镇综合应急救援队', 装备物资名称: '发电机', 单位: '台', 数量: 2 }, { 队伍名称: '织里镇综合应急救援队', 装备物资名称: '油锯', 单位: '台', 数量: 3 }],
    })
    const state = await importFile(county, 'annex3', WUXING, file)
    expect(state.validRows).toBe(2)
    const before = { supply: await count('supply'), moves: await count('stockMovement'), people: await count('person') }
    // The team disappears between preview and commit.
    await app.db.deleteFrom('supply').where('name', '=', '抽水泵').execute()
    await app.db.deleteFrom('resource').where('name', '=', '八里店镇综合应急救援队').execute()
    const res = await commit(county, state.id)
    expect(res.statusCode).toBe(422)
    const generator = (await previewRows(county, state.id)).find((r) => r.data.name === '发电机')!
    expect(res.json().message).toBe(`提交失败，已全部撤销，没有写入任何数据：第 ${generator.rowNo} 行“队伍名称”列的值“八里店镇综合应急救援队”的队伍在预览之后已被删除，请改正后重新上传`)
    expect({ supply: await count('supply'), moves: await count('stockMovement'), people: await count('person') })
      .toEqual({ ...before, supply: before.supply - 1, moves: before.moves - 1 })
    expect(await app.db.selectFrom('supply').select('id').where('name', '=', '油锯').execute()).toEqual([])
    const after = (await county.request({ url: `/api/ledgers/imports/${state.id}` })).json()
    expect(after).toMatchObject({ status: 'failed', message: res.json().message })
    expect((await commit(county, state.id)).statusCode).toBe(409)
  })
})

describe('contact lists (annexes 5 and 6)', () => {
  it('reads a GBK CSV of township heads and liaisons, matching people already known', async () => {
    const file = await tempFile('附件5.csv')
    const person = (county: string, town: string, head: [string, string, string, string | null], liaison: [string, string, string, string | null, string | null]): MessyRecord => ({
      区县: county, '乡镇（街道）': town,
      '负责人/姓名': head[0], '负责人/职务': head[1], '负责人/手机': head[2], '负责人/座机': head[3],
      '联络人/姓名': liaison[0], '联络人/职务': liaison[1], '联络人/手机': liaison[2], '联络人/座机': liaison[3], '联络人/微信号': liaison[4],
    })
    await writeMessyLedger(file, {
      format: 'csv-gbk', seed: 9, messiness: { titleRows: true, footers: true, fullWidth: true },
      title: '乡镇（街道）应急相关负责人及联络人员名单', fillUnit: '吴兴区应急管理局',
      columns: ['序号', '区县', '乡镇（街道）', { group: '负责人', columns: ['姓名', '职务', '手机', '座机'] }, { group: '联络人', columns: ['姓名', '职务', '手机', '座机', '微信号'] }, '备注'],
      rows: [
        person('吴兴区', '织里镇', ['沈建华', '党委副书记', '13857200002', '0572-3012345'], ['钱小红', '应急办主任', '13957211111', null, 'qxh']),
        person('吴兴区', '八里店', ['吴强', '镇长', '13957200002', null], ['周敏', '应急办科员', '13957233333', null, null]),
        person('吴兴区', '妙西镇', ['王芳', '镇长', '1385720', null], ['李娜', '科员', '13957244444', null, null]),
      ],
    })
    const people = await count('person')
    const state = await importFile(county, 'annex5', WUXING, file)
    expect(state).toMatchObject({ status: 'previewed', totalRows: 3, validRows: 2, errorRows: 1 })
    expect(state.meta?.fillUnit).toBe('吴兴区应急管理局')
    const rows = await previewRows(county, state.id)
    // 沈建华 and 钱小红 (keepers in annex 4, she without a mobile) and 吴强 (a team leader) are known; 周敏 is not.
    expect(rows.map((r) => r.outcome)).toEqual(['update', 'create', 'error'])
    expect(rows[2].problems[0]).toMatchObject({ column: 'headMobile', columnLabel: '负责人/手机', value: '1385720' })
    expect((await commit(county, state.id)).json()).toMatchObject({ person: { created: 1, updated: 3, unchanged: 0 } })
    expect(await count('person')).toBe(people + 1)
    const heads = await app.db.selectFrom('person').select(['name', 'regionCode', 'post', 'landline', 'roles'])
      .where(sql<boolean>`roles @> array['head']`).orderBy('regionCode').execute()
    expect(heads).toEqual([
      { name: '沈建华', regionCode: ZHILI, post: '党委副书记', landline: '0572-3012345', roles: ['head'] },
      { name: '吴强', regionCode: BALIDIAN, post: '镇长', landline: null, roles: ['head'] },
    ])
    const liaison = await app.db.selectFrom('person').select(['mobile', 'landline', 'wechat', 'roles']).where('name', '=', '钱小红').execute()
    expect(liaison).toEqual([{ mobile: '13957211111', landline: '0572-3012345', wechat: 'qxh', roles: ['liaison'] }])
    const again = await importFile(county, 'annex5', WUXING, file)
    expect((await previewRows(county, again.id)).map((r) => r.outcome)).toEqual(['unchanged', 'unchanged', 'error'])
  })

  it('finds 渡江村 in 扬州 by its short name and asks about the ambiguous 渡江', async () => {
    const file = await tempFile('附件6.xlsx')
    const row = (town: string, village: string, head: string, mobile: string): MessyRecord => ({
      '乡镇（街道）': town, '村（社区）': village, '负责人/姓名': head, '负责人/职务': '书记', '负责人/手机': mobile,
    })
    await writeMessyLedger(file, {
      format: 'xlsx', seed: 2, messiness: { titleRows: true, mergedTown: true },
      columns: ['序号', '乡镇（街道）', '村（社区）', { group: '负责人', columns: ['姓名', '职务', '手机'] }, { group: '联络人', columns: ['姓名', '职务', '手机', '微信号'] }, '备注'],
      rows: [
        row('文峰街道', '渡江村', '朱永林', '13952700001'),
        row('文峰街道', '渡江社区', '孙丽', '13952700002'),
        row('文峰街道', '渡江', '赵强', '13952700003'),
        row('仙女镇', '龙川社区', '钱进', '13952700004'),
      ],
    })
    const state = await importFile(guangling, 'annex6', GUANGLING, file)
    expect(state).toMatchObject({ totalRows: 4, validRows: 2, errorRows: 2 })
    const rows = await previewRows(guangling, state.id)
    expect(rows.slice(0, 2).map((r) => (r.data.target as { regionCode: string }).regionCode)).toEqual(['321002003200', '321002003012'])
    expect(rows[2].problems[0]).toMatchObject({ column: 'village', value: '渡江' })
    expect(rows[2].problems[0].message).toContain('能对应多个村（社区）（扬州市广陵区文峰街道渡江社区居委会、扬州市广陵区文峰街道渡江村委会）')
    expect(rows[3].problems[0]).toMatchObject({ column: 'township', value: '仙女镇' })
    expect(rows[3].problems[0].message).toContain('不在本次导入的区划“扬州市广陵区”范围内')
    expect((await commit(guangling, state.id)).json()).toMatchObject({ person: { created: 2 } })
    expect(await app.db.selectFrom('person').select(['name', 'regionCode']).where('regionCode', 'like', `${WENFENG.slice(0, 9)}%`).orderBy('name').execute())
      .toEqual([{ name: '孙丽', regionCode: '321002003012' }, { name: '朱永林', regionCode: '321002003200' }])
  })
})

describe('village supplies (annex 7)', () => {
  it('reads full-width quantities and units from a UTF-8 CSV and keeps villages apart', async () => {
    const file = await tempFile('附件7.csv')
    const line = (village: string, name: string, unit: string | null, quantity: string): MessyRecord => ({
      '乡镇（街道）': '文峰街道', '村（社区）': village, 物资装备名称: name, 单位: unit, 数量: quantity, 存放地点: '村委会仓库', 状态: '完好',
    })
    await writeMessyLedger(file, {
      format: 'csv-utf8', seed: 11, messiness: { titleRows: true, subtotals: true, mergedTown: true },
      columns: ['序号', '乡镇（街道）', '村（社区）', '物资装备名称', '规格型号', '单位', '数量', '存放地点', '状态', '负责人', '联系电话', '备注'],
      rows: [line('渡江村', '铁锹', '把', '２０'), line('渡江村', '雨衣', null, '15套'), line('渡江社区', '手电筒', '个', '10'), line('渡江村', '沙袋', '袋', '100个')],
    })
    const state = await importFile(guangling, 'annex7', GUANGLING, file)
    expect(state).toMatchObject({ totalRows: 4, validRows: 3, errorRows: 1 })
    const rows = await previewRows(guangling, state.id)
    expect(rows[3].problems[0].message).toBe(`第 ${rows[3].rowNo} 行“数量”列的值“100个”带的单位“个”与“单位”列的“袋”不一致`)
    expect((await commit(guangling, state.id)).json()).toMatchObject({ supply: { created: 3 }, storagePoint: { created: 2 } })
    const lines = await app.db.selectFrom('supply').select(['regionCode', 'name', 'unit', 'quantity']).where('regionCode', 'like', '321002003%').orderBy('id').execute()
    expect(lines).toEqual([
      { regionCode: '321002003200', name: '铁锹', unit: '把', quantity: 20 },
      { regionCode: '321002003200', name: '雨衣', unit: '套', quantity: 15 },
      { regionCode: '321002003012', name: '手电筒', unit: '个', quantity: 10 },
    ])
  })
})
