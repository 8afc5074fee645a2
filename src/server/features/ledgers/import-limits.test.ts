import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_HEADCOUNT, MAX_QUANTITY, MAX_SPECIALITIES, TEXT_LIMITS } from '../../../domain/field-limits.js'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { writeMessyLedger, type MessyColumn, type MessyRecord } from './fixtures/messy-ledger.js'
import { commit, importFile, previewRows, tempFile, type PreviewRow } from './test-upload.js'

/**
 * The preview promises what the commit can keep: every limit the database (and the forms, which
 * share domain/field-limits.ts) enforces is a problem of its row and column in the preview, a
 * commit of the rows called valid goes through, and a refusal the preview could not foresee
 * still names the row, in Chinese, and writes nothing.
 */

const WUXING = '330502000000'
const ZHILI = '330502100000'
const GUANGLING = '321002000000'

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

const count = async (table: 'supply' | 'resource' | 'person' | 'stockMovement' | 'unit') =>
  Number((await app.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)

/** The one problem of a row, as [column, message]. */
function problemOf(rows: PreviewRow[], rowNo: number): [string, string] {
  const row = rows.find((r) => r.rowNo === rowNo)!
  expect(row.outcome, JSON.stringify(row.problems)).toBe('error')
  expect(row.problems, JSON.stringify(row.problems)).toHaveLength(1)
  return [row.problems[0].column, row.problems[0].message]
}

// An astral character is one character to PostgreSQL and to the forms, two UTF-16 units to JS.
const ASTRAL = '𠀀'
const N = (n: number, ch = '物') => ch.repeat(n)

describe('supply lines (annex 4)', () => {
  const COLUMNS: MessyColumn[] = ['物资名称', '规格型号', '单位', '数量', '存放地点', '乡镇（街道）/企业', '负责人', '联系电话', '备注']
  const line = (extra: MessyRecord): MessyRecord => ({ 物资名称: '救生衣', 规格型号: '成人款', 单位: '件', 数量: 10, 存放地点: '织里镇仓库', 负责人: '沈建华', 联系电话: '13857200002', ...extra })

  it('flags every value the database would refuse by row and column, and commits the rest without fail', async () => {
    const file = await tempFile('超长.xlsx')
    const atLimits = {
      物资名称: N(TEXT_LIMITS.name, ASTRAL), 规格型号: N(TEXT_LIMITS.specification), 单位: N(TEXT_LIMITS.supplyUnit, '箱'),
      数量: MAX_QUANTITY, 存放地点: N(TEXT_LIMITS.name, '库'), '乡镇（街道）/企业': `${N(TEXT_LIMITS.name - 4, '甲')}有限公司`,
      负责人: N(TEXT_LIMITS.personName, '沈'), 备注: N(TEXT_LIMITS.note, '注'),
    }
    const rows: MessyRecord[] = [
      line({ 物资名称: N(1200, '救') }),
      line({ 物资名称: '雨衣', 规格型号: N(TEXT_LIMITS.specification + 1) }),
      line({ 物资名称: '雨靴', 单位: N(TEXT_LIMITS.supplyUnit + 1, '双') }),
      line({ 物资名称: '手电', 存放地点: N(TEXT_LIMITS.name + 1, '库') }),
      line({ 物资名称: '绳索', 备注: N(TEXT_LIMITS.note + 1, '注') }),
      line({ 物资名称: '沙袋', 数量: MAX_QUANTITY * 2 }),
      line({ 物资名称: '帐篷', 负责人: N(TEXT_LIMITS.personName + 1, '沈') }),
      // 90 characters, but NFKC unfolds each into 18: too long as the line's identity.
      line({ 物资名称: N(90, '\ufdfa') }),
      line({ 物资名称: '编织袋', 数量: -5 }),
      // 乡镇（街道）/企业 fills down over blanks: the rows below it name their own.
      line({ 物资名称: '头灯', '乡镇（街道）/企业': `${N(TEXT_LIMITS.name - 3, '甲')}有限公司` }),
      line(atLimits),
      line({ 物资名称: '冲锋舟', 规格型号: '5.2米', 单位: '艘', 数量: 2 }),
      line({ 物资名称: '冲锋舟', 规格型号: '5.2米', 单位: '艘', 数量: 3 }),
    ]
    const layout = await writeMessyLedger(file, { format: 'xlsx', columns: COLUMNS, rows })
    const r = layout.dataRows
    const state = await importFile(township, 'annex4', ZHILI, file)
    expect(state).toMatchObject({ status: 'previewed', totalRows: rows.length, validRows: 2, errorRows: rows.length - 2 })
    const preview = await previewRows(township, state.id)
    expect(problemOf(preview, r[0])).toEqual(['name', `第 ${r[0]} 行“物资名称”列的值“${N(20, '救')}…”有 1200 个字符，超过 100 个字符的上限，请缩短`])
    expect(problemOf(preview, r[1])).toEqual(['specification', expect.stringMatching(new RegExp(`^第 ${r[1]} 行“规格型号”列的值“物+…”有 201 个字符，超过 200 个字符的上限`))])
    expect(problemOf(preview, r[2])).toEqual(['unit', `第 ${r[2]} 行“单位”列的值“${N(11, '双')}”有 11 个字符，超过 10 个字符的上限，请缩短`])
    expect(problemOf(preview, r[3])[0]).toBe('storagePlace')
    expect(problemOf(preview, r[4])[0]).toBe('note')
    expect(problemOf(preview, r[5])).toEqual(['quantity', `第 ${r[5]} 行“数量”列的值“2000000000000”不能大于 1000000000000`])
    expect(problemOf(preview, r[6])).toEqual(['keeperName', expect.stringContaining('有 51 个字符，超过 50 个字符的上限')])
    expect(problemOf(preview, r[7])).toEqual(['name', expect.stringMatching(/列的值“ﷺ+…”含有展开后过长的字符（作为识别依据共 \d+ 字节，上限 2400 字节）/)])
    expect(problemOf(preview, r[8])).toEqual(['quantity', expect.stringContaining('不能为负数')])
    expect(problemOf(preview, r[9])).toEqual(['holder', expect.stringContaining(`“乡镇（街道）/企业”列的值“${N(20, '甲')}…”有 101 个字符，超过 100 个字符的上限`)])
    expect(preview.find((p) => p.rowNo === r[10])!.outcome).toBe('create')
    expect(preview.find((p) => p.rowNo === r[11])!.outcome).toBe('create')
    // The same line twice in one file is one line: the second names the first.
    expect(problemOf(preview, r[12])).toEqual(['name', `第 ${r[12]} 行“物资名称”列的值“冲锋舟”与第 ${r[11]} 行是同一条记录，请合并为一行后再导入`])

    const res = await commit(township, state.id)
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json().supply).toEqual({ created: 2, updated: 0, unchanged: 0 })
    const stored = await app.db.selectFrom('supply as s').innerJoin('resource as p', 'p.id', 's.storagePointId')
      .innerJoin('unit as u', 'u.id', 's.holderUnitId').innerJoin('person as k', 'k.id', 's.responsiblePersonId')
      .select([
        sql<number>`char_length(s.name)`.as('name'), sql<number>`char_length(s.specification)`.as('spec'), sql<number>`char_length(s.unit)`.as('unit'),
        's.quantity', sql<number>`char_length(p.name)`.as('place'), sql<number>`char_length(u.name)`.as('holder'),
        sql<number>`char_length(k.name)`.as('keeper'), sql<number>`char_length(s.note)`.as('note'),
      ])
      .where('s.quantity', '=', MAX_QUANTITY).execute()
    expect(stored).toEqual([{ name: 100, spec: 200, unit: 10, quantity: MAX_QUANTITY, place: 100, holder: 100, keeper: 50, note: 500 }])
  })

  it('still names the row, in Chinese, and writes nothing when the database refuses what the preview accepted', async () => {
    const file = await tempFile('故障.xlsx')
    const layout = await writeMessyLedger(file, {
      format: 'xlsx', columns: COLUMNS,
      rows: Array.from({ length: 40 }, (_, i) => line({ 物资名称: i === 27 ? '故障物资' : `物资${i}`, 存放地点: '轧村仓库' })),
    })
    const state = await importFile(township, 'annex4', ZHILI, file)
    expect(state.validRows).toBe(40)
    const before = { supply: await count('supply'), resource: await count('resource'), person: await count('person'), moves: await count('stockMovement') }
    // A rule the preview cannot know about: added to the database after the preview.
    await sql`alter table supply add constraint test_refuses_one_line check (name <> '故障物资')`.execute(app.db)
    try {
      const res = await commit(township, state.id)
      expect(res.statusCode).toBe(422)
      expect(res.json()).toMatchObject({
        code: 'IMPORT_COMMIT_FAILED',
        message: `提交失败，已全部撤销，没有写入任何数据：第 ${layout.dataRows[27]} 行不符合数据约束（如数量、人数不能为负数），请改正该行后重新上传`,
        details: [{ row: layout.dataRows[27] }],
      })
      expect(res.json().message).not.toMatch(/[A-Za-z]{4,}/)
    } finally {
      await sql`alter table supply drop constraint test_refuses_one_line`.execute(app.db)
    }
    expect({ supply: await count('supply'), resource: await count('resource'), person: await count('person'), moves: await count('stockMovement') }).toEqual(before)
    const after = (await township.request({ url: `/api/ledgers/imports/${state.id}` })).json()
    expect(after).toMatchObject({ status: 'failed', message: expect.stringContaining(`第 ${layout.dataRows[27]} 行`) })
  })
})

describe('teams (annex 2)', () => {
  const TEAMS: MessyColumn[] = [
    '区县', '乡镇（街道）', '队伍名称', '队伍类型', '队伍级别', '专业类别', '人数',
    { group: '负责人', columns: ['姓名', '职务', '联系电话'] }, { group: '联络人', columns: ['姓名', '联系电话'] }, '驻地', '备注',
  ]
  const team = (name: string, extra: MessyRecord = {}): MessyRecord => ({
    区县: '吴兴区', '乡镇（街道）': '织里镇', 队伍名称: name, 队伍类型: '基层', 队伍级别: '乡镇级', 专业类别: '综合、防汛抗旱', 人数: 30,
    '负责人/姓名': '姚国强', '负责人/职务': '队长', '负责人/联系电话': '13957200001', '联络人/姓名': '陆文', '联络人/联系电话': '0572-3022222',
    驻地: '织里镇人民政府', ...extra,
  })

  it('flags headcounts out of range, too many or too long specialities and long texts; commits a team at every limit', async () => {
    const file = await tempFile('队伍超限.xlsx')
    const specialities = (n: number, len: number) => Array.from({ length: n }, (_, i) => `${N(len - 1, '专')}${String.fromCharCode(0x4e00 + i)}`).join('、')
    const rows = [
      team(N(TEXT_LIMITS.name + 1, '队')),
      team('负人数队', { 人数: -3 }),
      team('超人数队', { 人数: MAX_HEADCOUNT + 1 }),
      team('多专业队', { 专业类别: specialities(MAX_SPECIALITIES + 1, 2) }),
      team('长专业队', { 专业类别: N(TEXT_LIMITS.speciality + 1, '专') }),
      team('长职务队', { '负责人/职务': N(TEXT_LIMITS.post + 1, '职') }),
      team('长驻地队', { 驻地: N(TEXT_LIMITS.address + 1, '址') }),
      team('长联络人队', { '联络人/姓名': N(TEXT_LIMITS.personName + 1, '陆') }),
      team(N(TEXT_LIMITS.name, '满'), {
        人数: MAX_HEADCOUNT, 专业类别: specialities(MAX_SPECIALITIES, TEXT_LIMITS.speciality), '负责人/职务': N(TEXT_LIMITS.post, '职'),
        驻地: N(TEXT_LIMITS.address, '址'), 备注: N(TEXT_LIMITS.note, '注'), '联络人/姓名': N(TEXT_LIMITS.personName, '陆'),
      }),
    ]
    const layout = await writeMessyLedger(file, { format: 'xlsx', columns: TEAMS, rows })
    const r = layout.dataRows
    const state = await importFile(county, 'annex2', WUXING, file)
    expect(state).toMatchObject({ totalRows: rows.length, validRows: 1 })
    const preview = await previewRows(county, state.id)
    expect(problemOf(preview, r[0])).toEqual(['name', expect.stringContaining('“队伍名称”列的值“')])
    expect(problemOf(preview, r[1])).toEqual(['headcount', `第 ${r[1]} 行“人数”列的值“-3”不能小于 0`])
    expect(problemOf(preview, r[2])).toEqual(['headcount', `第 ${r[2]} 行“人数”列的值“1000001”不能大于 1000000`])
    expect(problemOf(preview, r[3])).toEqual(['specialities', expect.stringContaining('列出了 21 个专业，最多 20 个')])
    expect(problemOf(preview, r[4])).toEqual(['specialities', expect.stringContaining('有 21 个字符，超过 20 个字符的上限')])
    expect(problemOf(preview, r[5])).toEqual(['leaderPost', expect.stringContaining('“负责人/职务”列的值“')])
    expect(problemOf(preview, r[6])).toEqual(['address', expect.stringContaining('有 201 个字符，超过 200 个字符的上限')])
    expect(problemOf(preview, r[7])).toEqual(['liaisonName', expect.stringContaining('有 51 个字符，超过 50 个字符的上限')])
    const res = await commit(county, state.id)
    expect(res.statusCode, res.body).toBe(200)
    const stored = await app.db.selectFrom('resource as r').innerJoin('team as t', 't.resourceId', 'r.id')
      .select(['t.headcount', sql<number>`cardinality(t.specialities)`.as('specialities'), sql<number>`char_length(r.address)`.as('address')])
      .where('r.kind', '=', 'team').execute()
    expect(stored).toEqual([{ headcount: MAX_HEADCOUNT, specialities: MAX_SPECIALITIES, address: TEXT_LIMITS.address }])
  })
})

describe('contact lists (annex 6)', () => {
  it('flags long names, posts and WeChat ids of heads and liaisons', async () => {
    const file = await tempFile('附件6超长.xlsx')
    const row = (village: string, extra: MessyRecord): MessyRecord => ({
      '乡镇（街道）': '文峰街道', '村（社区）': village, '负责人/姓名': '朱永林', '负责人/职务': '书记', '负责人/手机': '13952700001', ...extra,
    })
    const layout = await writeMessyLedger(file, {
      format: 'xlsx',
      columns: ['乡镇（街道）', '村（社区）', { group: '负责人', columns: ['姓名', '职务', '手机'] }, { group: '联络人', columns: ['姓名', '职务', '手机', '微信号'] }],
      rows: [
        row('渡江村', { '负责人/姓名': N(TEXT_LIMITS.personName + 1, '朱') }),
        row('渡江村', { '负责人/职务': N(TEXT_LIMITS.post + 1, '书') }),
        row('渡江村', { '联络人/姓名': '孙丽', '联络人/微信号': N(TEXT_LIMITS.wechat + 1, 'w') }),
        row('渡江村', { '联络人/姓名': '赵强', '联络人/微信号': N(TEXT_LIMITS.wechat, 'w') }),
      ],
    })
    const r = layout.dataRows
    const state = await importFile(guangling, 'annex6', GUANGLING, file)
    const preview = await previewRows(guangling, state.id)
    expect(problemOf(preview, r[0])[0]).toBe('headName')
    expect(problemOf(preview, r[1])[0]).toBe('headPost')
    expect(problemOf(preview, r[2])).toEqual(['liaisonWechat', `第 ${r[2]} 行“联络人/微信号”列的值“${N(20, 'w')}…”有 51 个字符，超过 50 个字符的上限，请缩短`])
    expect(preview.find((p) => p.rowNo === r[3])!.outcome).toBe('create')
    expect((await commit(guangling, state.id)).statusCode).toBe(200)
  })
})
