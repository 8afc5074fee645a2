import fs from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { startPeers, type Peers } from '../src/server/testing/peers/index.js'
import { check, logIn, newPage, parseLogins, startBuiltServer, type JourneyContext, type RunningServer } from './lib.js'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
// The token's own alphabet (features/warnings/delivery/tokens.ts): base-36 parts and a base64url signature.
const CONFIRM_LINK = /\/c\/([0-9A-Za-z._-]+)/

/** The plain number a board counter shows (`data-value`), for waiting on it to move. */
async function boardNumber(page: Page, key: string): Promise<number> {
  return Number(await page.getByTestId(`board-${key}`).getAttribute('data-value'))
}

/**
 * Draws up an orange flood warning for one township of the demo county in the editor: event
 * type, level, the township, the texts; waits for the recipient preview to count someone.
 */
async function draftWarning(page: Page, ctx: JourneyContext): Promise<number> {
  await page.goto(`${ctx.baseUrl}/warnings`)
  await page.getByTestId('warning-create').click()
  const editor = page.getByTestId('warning-editor')
  await editor.locator('#eventType').fill('暴雨')
  await editor.getByText('二级（橙色）').click()
  // The region tree opens at the county with its townships loaded; take the first township.
  await editor.getByTestId('warning-regions').click()
  const township = page.locator('.ant-select-tree-node-content-wrapper').nth(1)
  await township.waitFor()
  const townshipName = (await township.innerText()).trim()
  await township.click()
  await page.keyboard.press('Escape')
  check(await editor.locator('#areaDesc').inputValue() === townshipName, `“可能影响的范围”应随所选乡镇自动填写为“${townshipName}”`)
  check((await editor.locator('#headline').inputValue()).includes('暴雨橙色预警'), '标题应按发布单位、事件类型和级别自动生成')
  await editor.locator('#description').fill('预计未来 6 小时内将出现 50 毫米以上强降雨，山洪、地质灾害风险高。')
  await editor.locator('#instruction').fill('立即转移危险区域群众，加强巡查，24 小时值班，及时报告险情。')
  const preview = page.locator('[data-testid="warning-preview"][data-loading="false"]')
  await preview.waitFor()
  const total = Number(await preview.getAttribute('data-total'))
  check(total > 0, `${townshipName}的预计送达人数应大于 0，实为 ${total}`)
  return total
}

/**
 * The browser test of 预警落实到人: a county officer drafts an orange warning for a township and
 * submits it, a second county officer approves it (four eyes: the drafter is offered no
 * 审批发布), the board fills with recipients, a person opens the confirm link from their SMS on
 * a phone without logging in and taps 已收到, and the officer's board shows it without a reload.
 * Its own server runs with the loopback SMS, voice and mail peers, which the shared one lacks.
 */
export default async function warningsJourney(ctx: JourneyContext) {
  let peers: Peers | null = null
  let server: RunningServer | null = null
  const callbacks: Array<{ path: string; status: number }> = []
  try {
    peers = await startPeers({ autoReceipt: true, onCallback: (path, _body, result) => { callbacks.push({ path, status: result.status }) } })
    server = await startBuiltServer(repoRoot, { ...peers.env(), SHOUWANG_GATEWAY_TIMEOUT_MS: '3000' })
    peers.setCallbackUrl(`${server.baseUrl}/api/gateway`)
    const local: JourneyContext = { ...ctx, baseUrl: server.baseUrl, logins: parseLogins(server.output()) }
    // Nothing configured: the gateway is given the secret the server generated, as an operator would.
    peers.setCallbackSecret(await callbackSecretFromSettings(local))
    await issueAndConfirm(local, peers)
    for (let i = 0; i < 100 && !callbacks.some((c) => c.path === '/sms/receipt'); i++) await new Promise((r) => setTimeout(r, 100))
    check(callbacks.some((c) => c.path === '/sms/receipt'), '短信网关应已回传送达回执')
    check(callbacks.every((c) => c.status === 200), `以回调密钥签名的回执应被接受，实为 ${JSON.stringify(callbacks.slice(0, 5))}`)
  } finally {
    if (server) {
      const code = await server.stop()
      await fs.rm(server.dataDir, { recursive: true, force: true })
      check(code === 0, `预警测试的服务收到 SIGTERM 后未正常退出（退出码 ${code}）：\n${server.output().split('\n').slice(-30).join('\n')}`)
    }
    await peers?.close()
  }
}

/** The system administrator opens 网关回调 and reads the callback secret to give the gateways. */
async function callbackSecretFromSettings(ctx: JourneyContext): Promise<string> {
  const { context, page } = await newPage(ctx)
  try {
    await logIn(page, ctx, 'demo-admin')
    await page.goto(`${ctx.baseUrl}/gateway-settings`)
    await page.getByTestId('gateway-show').click()
    const secret = (await page.getByTestId('gateway-secret').innerText()).trim()
    check(/^[0-9a-f]{64}$/.test(secret), `“网关回调”页面应显示 64 位十六进制的回调密钥，实为“${secret}”`)
    return secret
  } finally {
    await context.close()
  }
}

async function issueAndConfirm(ctx: JourneyContext, peers: Peers) {
  const pageErrors: string[] = []
  const drafting = await newPage(ctx)
  drafting.page.on('pageerror', (e) => pageErrors.push(`起草：${e.message}`))
  await logIn(drafting.page, ctx, 'demo-county')
  const expected = await draftWarning(drafting.page, ctx)
  const editor = drafting.page.getByTestId('warning-editor')
  check(await editor.getByTestId('warning-approve').count() === 0, '起草人不应看到“审批发布”（双人审批：须由另一位审批人发布）')
  await editor.getByTestId('warning-submit').click()
  await editor.waitFor({ state: 'hidden' })
  await drafting.context.close()

  // The second county officer approves from the list.
  const { page } = await newPage(ctx)
  page.on('pageerror', (e) => pageErrors.push(e.message))
  await logIn(page, ctx, 'demo-approver')
  await page.goto(`${ctx.baseUrl}/warnings`)
  await page.getByTestId('warning-approve-row').click()
  await page.getByTestId('issue-confirm').waitFor()
  check((await page.getByTestId('issue-confirm').innerText()).includes(`预计送达 ${expected} 人`), `审批确认框应写明预计送达 ${expected} 人`)
  await page.getByTestId('issue-confirm-ok').click()
  await page.waitForURL(/\/boards\/\d+$/)
  const warningId = Number(new URL(page.url()).pathname.split('/').pop())

  // The fan-out runs as a job after the approval commits: the board fills in by itself.
  await page.getByTestId('board-numbers').waitFor()
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="board-numbers"]')?.getAttribute('data-recipients')) > 0, undefined, { timeout: 30_000 })
  const recipients = Number(await page.getByTestId('board-numbers').getAttribute('data-recipients'))
  check(recipients === expected, `看板上的接收人数应等于发布前预计的 ${expected} 人，实为 ${recipients}`)
  await page.getByTestId('board-live').filter({ hasText: '实时' }).waitFor()

  const sms = await peers.sms.waitFor(1, 30_000)
  const link = sms.map((m) => CONFIRM_LINK.exec(m.text)).find(Boolean)
  check(link, `短信中应有确认链接，实为：${sms[0]?.text}`)
  const token = link[1]
  check(token.startsWith(`${warningId.toString(36)}.`), `确认链接应属于刚发布的预警 ${warningId}：${token}`)
  const before = await boardNumber(page, 'acknowledged')

  // A phone with no session: the link alone opens the warning and confirms it.
  const phone = await ctx.browser.newContext({
    locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  })
  phone.setDefaultTimeout(15_000)
  const mobile = await phone.newPage()
  mobile.on('pageerror', (e) => pageErrors.push(`确认页：${e.message}`))
  await mobile.goto(`${ctx.baseUrl}/c/${token}`)
  await mobile.getByTestId('confirm-button').waitFor()
  check(await mobile.getByTestId('confirm-level').getAttribute('data-level') === '2', '确认页应以橙色显示二级预警')
  check((await mobile.getByTestId('confirm-headline').innerText()).includes('暴雨橙色预警'), '确认页应显示预警标题')
  await mobile.getByTestId('confirm-button').tap()
  await mobile.getByTestId('confirm-done').waitFor()
  check((await mobile.getByTestId('confirm-done').innerText()).includes('已确认'), '点击“已收到”后应显示“已确认”')
  await mobile.screenshot({ path: path.join(ctx.artifactsDir, 'warnings-confirm.png'), fullPage: true })

  // A forged link says so rather than failing silently.
  await mobile.goto(`${ctx.baseUrl}/c/${token.slice(0, -3)}xyz`)
  await mobile.getByTestId('confirm-failed').waitFor()
  check(await mobile.getByTestId('confirm-failed').getAttribute('data-status') === '400', '伪造的确认链接应提示“链接无效”')
  await phone.close()

  // The officer's board moves without a reload: the live stream brings the confirmation.
  await page.waitForFunction(
    (n) => Number(document.querySelector('[data-testid="board-acknowledged"]')?.getAttribute('data-value')) > n, before, { timeout: 20_000 },
  )
  const after = await boardNumber(page, 'acknowledged')
  check(after === before + 1, `确认后看板的“已确认”应从 ${before} 变为 ${before + 1}，实为 ${after}`)
  await page.screenshot({ path: path.join(ctx.artifactsDir, 'warnings-board.png'), fullPage: true })

  check(pageErrors.length === 0, `页面脚本出错：${pageErrors.join('；')}`)
}
