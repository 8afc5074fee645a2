import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { writeMessyLedger, type MessyRecord } from '../src/server/features/ledgers/fixtures/messy-ledger.js'
import { check, logIn, newPage, type JourneyContext } from './lib.js'

type RegionRow = { code: string; name: string; fullName: string }

// Annex 4 as a township fills it in (附件4 乡镇（企业）应急救援装备和物资储备明细表).
const ANNEX4_COLUMNS = [
  '序号', '乡镇（街道）', '物资名称', '规格型号', '单位', '数量', '存放地点', '储备方式', '状态', '购置日期', '有效期至', '负责人', '联系电话', '备注',
]
// A township of the county next door: its row must be refused, not written elsewhere.
const OUTSIDE_TOWNSHIP = '南浔镇'

/** This year's ledger of the township: its own stock, kept in its villages, plus one stray row. */
function ledgerRows(township: string, villages: string[]): MessyRecord[] {
  const place = (i: number) => `${villages[i % villages.length] ?? township}仓库`
  const row = (holder: string, name: string, spec: string | null, unit: string, quantity: number, i: number, extra: MessyRecord = {}): MessyRecord => ({
    '乡镇（街道）': holder, 物资名称: name, 规格型号: spec, 单位: unit, 数量: quantity, 存放地点: place(i),
    储备方式: '实物储备', 状态: '完好', 负责人: '沈建华', 联系电话: '13857200002', ...extra,
  })
  return [
    row(township, '救生衣', '成人款', '件', 120, 0, { 购置日期: '2024-05-01', 有效期至: '2029-05-01' }),
    row(township, '冲锋舟', '5.2米', '艘', 2, 1),
    row(township, '编织袋', '60×90cm', '条', 3000, 2, { 储备方式: '协议储备' }),
    row(township, '应急帐篷', '12㎡', '顶', 20, 3, { 状态: '待修' }),
    row(OUTSIDE_TOWNSHIP, '沙袋', null, '只', 500, 4),
  ]
}

/** Opens a page of the 应急资源 submenu by its label. */
async function openResourcePage(page: Page, label: string) {
  // Not exact: a menu item's accessible name starts with its icon's label.
  const item = page.getByRole('menuitem', { name: label })
  if (!(await item.isVisible())) await page.getByRole('menuitem', { name: '应急资源' }).click()
  await item.click()
}

/** Opens 汇总统计 and returns the supply line count the page shows, checked against the API. */
async function rolledUpLines(page: Page): Promise<number> {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/rollup/supplies') && r.request().method() === 'GET'),
    openResourcePage(page, '汇总统计'),
  ])
  check(res.status() === 200, `汇总统计加载失败：HTTP ${res.status()} ${await res.text()}`)
  const reply = await res.json()
  const shown = page.getByTestId('rollup-lines')
  await shown.waitFor()
  const value = Number(await shown.getAttribute('data-value'))
  check(value === reply.total.lines, `汇总统计页面显示 ${value} 条，接口返回 ${reply.total.lines} 条`)
  return value
}

/** A layout nobody here designed: the place column is headed 所在片区, and the rest in other words. */
const ODD_COLUMNS = ['序号', '所在片区', '品名', '现有库存', '计量', '放置地点', '管理员', '管理员电话']

function oddRows(villages: string[], round: number): MessyRecord[] {
  const items: Array<[string, string, number]> = [['铁锹', '把', 40], ['雨衣', '套', 25], ['手电筒', '个', 18]]
  return items.map(([name, unit, quantity], i) => ({
    所在片区: villages[i % villages.length], 品名: name, 现有库存: quantity + round, 计量: unit, 放置地点: `${villages[i % villages.length]}仓库`,
    管理员: '陆文', 管理员电话: '13957200011',
  }))
}

/** The page scrolls sideways: something is wider than the phone. */
async function overflowsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1)
}

/**
 * On a phone (390 px), the same officer uploads a ledger whose place column nobody here would
 * recognise: the import stops at the column-mapping step, one column wide; the officer maps the
 * column once, confirms, and the next file of that layout is read without asking.
 */
async function oddLayoutOnPhone(ctx: JourneyContext, villages: string[], dir: string) {
  const context = await ctx.browser.newContext({
    locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
  })
  context.setDefaultTimeout(15_000)
  const page = await context.newPage()
  await logIn(page, ctx, 'demo-township')
  await page.goto(`${ctx.baseUrl}/ledgers`)
  await page.getByTestId('ledger-annex').waitFor()
  await page.getByText('附件4 乡镇（企业）应急救援装备和物资储备明细表').first().waitFor()

  const upload = async (round: number) => {
    const file = path.join(dir, `片区物资台账（第${round}批）.xlsx`)
    await writeMessyLedger(file, {
      format: 'xlsx', columns: ODD_COLUMNS, rows: oddRows(villages, round), seed: 20 + round, messiness: { titleRows: true },
      title: '片区应急物资台账', fillUnit: '应急办', fillDate: `2025年${round}月`,
    })
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/ledgers/annex4/imports') && r.request().method() === 'POST'),
      page.getByTestId('ledger-upload').locator('input[type=file]').setInputFiles(file),
    ])
    check(res.status() === 202, `上传台账失败：HTTP ${res.status()} ${await res.text()}`)
  }

  await upload(1)
  await page.locator('[data-testid="ledger-import"][data-status="mapping"]').waitFor({ timeout: 60_000 })
  const mapping = page.getByTestId('ledger-mapping')
  await mapping.waitFor()
  check((await mapping.innerText()).includes('没有找到说明每行属于哪个区划的列'), '列对应步骤应说明缺少说明区划的列')
  check(!(await overflowsSideways(page)), '列对应步骤在 390 像素宽的手机上不应左右滚动')
  await page.screenshot({ path: path.join(ctx.artifactsDir, 'ledger-mapping-phone.png'), fullPage: true })

  // 所在片区 holds the villages.
  const area = page.locator('[data-testid="ledger-mapping-column"][data-label="所在片区"]')
  await area.getByTestId('ledger-mapping-select').click()
  await area.locator('input').fill('村（社区）')
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="村（社区）（说明区划）"]').click()
  await page.getByTestId('ledger-mapping-placement').getByText('由表格中说明区划的列确定').click()
  const [remapped] = await Promise.all([
    page.waitForResponse((r) => /\/api\/ledgers\/imports\/\d+\/mapping$/.test(r.url())),
    page.getByTestId('ledger-mapping-submit').click(),
  ])
  check(remapped.status() === 202, `提交列对应失败：HTTP ${remapped.status()} ${await remapped.text()}`)
  await page.locator('[data-testid="ledger-import"][data-status="previewed"]').waitFor({ timeout: 60_000 })
  await page.waitForFunction(() => !document.querySelector('[data-testid="ledger-preview-summary"]')?.textContent?.includes('…'))
  const summary = await page.getByTestId('ledger-preview-summary').innerText()
  check(/有效\s*3/.test(summary), `按新的对应关系读取后应有 3 行有效，实为：${summary.replace(/\s+/g, ' ')}`)
  check(!(await overflowsSideways(page)), '预览在 390 像素宽的手机上不应左右滚动')
  await page.getByTestId('ledger-commit').click()
  const [committed] = await Promise.all([
    page.waitForResponse((r) => /\/api\/ledgers\/imports\/\d+\/commit$/.test(r.url())),
    page.locator('.ant-popconfirm .ant-btn-primary').click(),
  ])
  check(committed.status() === 200, `确认导入失败：HTTP ${committed.status()} ${await committed.text()}`)
  await page.getByTestId('ledger-import-result').waitFor()

  // The next file of the layout: straight to the preview, the column read as mapped.
  await upload(2)
  await page.locator('[data-testid="ledger-import"][data-status="previewed"]').waitFor({ timeout: 60_000 })
  check(await page.getByTestId('ledger-mapping').count() === 0, '同样表头的第二个文件不应再询问列的对应关系')
  await page.waitForFunction(() => !document.querySelector('[data-testid="ledger-preview-summary"]')?.textContent?.includes('…'))
  const second = await page.getByTestId('ledger-preview-summary').innerText()
  check(/有效\s*3/.test(second) && /将更新\s*3/.test(second), `第二个文件应沿用对应关系，3 行数量有变：${second.replace(/\s+/g, ' ')}`)
  await page.screenshot({ path: path.join(ctx.artifactsDir, 'ledger-second-file-phone.png'), fullPage: true })
  await context.close()
}

/**
 * A township user imports this year's annex 4: the preview names the stray row by row and
 * column, confirming writes the rest, and the roll-up counts the new lines. Then, on a phone, a
 * ledger in a layout nobody designed: mapped once, and the next file of it read without asking.
 */
export default async function ledgerImport(ctx: JourneyContext) {
  const { page } = await newPage(ctx)
  await logIn(page, ctx, 'demo-township')

  // The township and its villages, as the signed-in user may see them.
  const rootRes = await page.request.get(`${ctx.baseUrl}/api/regions/root`)
  check(rootRes.ok(), `读取本人辖区失败：HTTP ${rootRes.status()}`)
  const township: RegionRow = await rootRes.json()
  const childrenRes = await page.request.get(`${ctx.baseUrl}/api/regions/${township.code}/children`)
  check(childrenRes.ok(), `读取下级区划失败：HTTP ${childrenRes.status()}`)
  const villages = ((await childrenRes.json()) as RegionRow[]).map((v) => v.name)
  check(villages.length > 0, `${township.name}没有下级村（社区）`)

  const before = await rolledUpLines(page)

  // The ledger file, messy as offices make them: title rows, merged town, 小计/合计, units in numbers.
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ledger-e2e-'))
  const file = path.join(dir, `${township.name}附件4（2025年）.xlsx`)
  const rows = ledgerRows(township.name, villages)
  await writeMessyLedger(file, {
    format: 'xlsx', columns: ANNEX4_COLUMNS, rows, seed: 5,
    title: `${township.name}应急救援装备和物资储备明细表`, fillUnit: `${township.name}人民政府`, fillDate: '2025年11月',
    messiness: { titleRows: true, mergedTown: true, subtotals: true, footers: true, fullWidth: true, unitsInQuantity: true, dateStyles: true },
  })

  try {
    await openResourcePage(page, '台账导入导出')
    const annexSelect = page.getByTestId('ledger-annex')
    await annexSelect.waitFor()
    await page.getByText('附件4 乡镇（企业）应急救援装备和物资储备明细表').first().waitFor()

    const [upload] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/ledgers/annex4/imports') && r.request().method() === 'POST'),
      page.getByTestId('ledger-upload').locator('input[type=file]').setInputFiles(file),
    ])
    check(upload.status() === 202, `上传台账失败：HTTP ${upload.status()} ${await upload.text()}`)

    // The preview: four rows to add, the stray township named with its row and column.
    const panel = page.locator('[data-testid="ledger-import"][data-status="previewed"]')
    await panel.waitFor({ timeout: 60_000 })
    const summary = await page.getByTestId('ledger-preview-summary').innerText()
    check(/有效\s*4/.test(summary) && /有问题（将跳过）\s*1/.test(summary), `预览应为有效 4 行、有问题 1 行，实为：${summary.replace(/\s+/g, ' ')}`)
    const problems = page.getByTestId('ledger-problems')
    await problems.getByText(OUTSIDE_TOWNSHIP).first().waitFor()
    const problemText = await problems.innerText()
    check(/第 \d+ 行/.test(problemText) && problemText.includes('乡镇（街道）') && problemText.includes('不在'),
      `问题列表应指出第几行“乡镇（街道）”列的“${OUTSIDE_TOWNSHIP}”不在本辖区，实为：${problemText.replace(/\s+/g, ' ')}`)
    await page.waitForFunction(() => !document.querySelector('[data-testid="ledger-preview-summary"]')?.textContent?.includes('…'))
    await page.screenshot({ path: path.join(ctx.artifactsDir, 'ledger-preview.png'), fullPage: true })

    // Confirm: one transaction writes the valid rows.
    await page.getByTestId('ledger-commit').click()
    const [commit] = await Promise.all([
      page.waitForResponse((r) => /\/api\/ledgers\/imports\/\d+\/commit$/.test(r.url())),
      // antd spaces out two-character labels (导 入), so the button is found by its role in the popover.
      page.locator('.ant-popconfirm .ant-btn-primary').click(),
    ])
    check(commit.status() === 200, `确认导入失败：HTTP ${commit.status()} ${await commit.text()}`)
    const written = await commit.json()
    check(written.supply?.created === 4, `应新增 4 条物资，实为：${JSON.stringify(written)}`)
    await page.getByTestId('ledger-import-result').waitFor()
    await page.getByTestId('ledger-history').getByText('已导入').first().waitFor()
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }

  const after = await rolledUpLines(page)
  check(after === before + 4, `导入后汇总统计应为 ${before} + 4 = ${before + 4} 条，实为 ${after} 条`)
  await page.getByTestId('rollup-chart').waitFor()
  await page.screenshot({ path: path.join(ctx.artifactsDir, 'rollup-after.png'), fullPage: true })

  const phoneDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ledger-e2e-phone-'))
  try {
    await oddLayoutOnPhone(ctx, villages.slice(0, 2), phoneDir)
  } finally {
    await fs.rm(phoneDir, { recursive: true, force: true })
  }
}
