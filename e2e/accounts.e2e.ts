import path from 'node:path'
import type { Page } from 'playwright-core'
import { check, logIn, newPage, type JourneyContext } from './lib.js'

/** Picks `label` in the antd Select whose test id is `testId`. */
async function choose(page: Page, testId: string, label: string) {
  await page.getByTestId(testId).click()
  await page.locator('.ant-select-item-option').filter({ hasText: new RegExp(`^${label}$`) }).click()
}

/**
 * 三权分立 in the browser. The system administrator creates an account and is shown a one-time
 * password he did not choose; its owner signs in with it and sees nothing but the forced
 * change screen until he sets his own. Then the security administrator asks to make that
 * account an auditor, which only files a request, and the system administrator approves it.
 */
export default async function accounts(ctx: JourneyContext) {
  const username = `e2e.${Date.now() % 100000}`
  const admin = (await newPage(ctx)).page
  await logIn(admin, ctx, 'demo-admin')
  await admin.getByRole('menuitem', { name: '用户管理' }).click()
  await admin.getByTestId('user-create').click()
  await admin.getByTestId('user-username').fill(username)
  await admin.getByTestId('user-display-name').fill('端到端测试')
  await choose(admin, 'user-role', '只读')
  const [created] = await Promise.all([
    admin.waitForResponse((r) => r.url().endsWith('/api/users') && r.request().method() === 'POST'),
    admin.getByRole('button', { name: /创\s*建/ }).click(),
  ])
  check(created.status() === 201, `创建账号失败：HTTP ${created.status()} ${await created.text()}`)
  const { oneTimePassword } = await created.json()
  const shown = (await admin.getByTestId('one-time-password').innerText()).trim()
  check(shown === oneTimePassword, `页面应显示一次性口令 ${oneTimePassword}，实为“${shown}”`)
  await admin.getByRole('button', { name: '我已记下' }).click()

  // The owner: the one-time password opens only the change screen.
  const owner = (await newPage(ctx)).page
  await owner.goto(`${ctx.baseUrl}/`)
  await owner.getByTestId('login-username').fill(username)
  await owner.getByTestId('login-password').fill(oneTimePassword)
  await owner.getByTestId('login-submit').click()
  await owner.getByTestId('first-password').waitFor()
  await owner.getByTestId('password-initial-notice').waitFor()
  check(await owner.getByTestId('current-user').count() === 0, '修改一次性口令之前不应显示系统页面')
  await owner.screenshot({ path: path.join(ctx.artifactsDir, 'accounts-first-password.png'), fullPage: true })
  await owner.getByTestId('password-old').fill(oneTimePassword)
  await owner.getByTestId('password-new').fill('Owner-Passw0rd!')
  await owner.getByTestId('password-confirm').fill('Owner-Passw0rd!')
  const [changed] = await Promise.all([
    owner.waitForResponse((r) => r.url().endsWith('/api/auth/password')),
    owner.getByTestId('password-submit').click(),
  ])
  check(changed.status() === 200, `修改口令失败：HTTP ${changed.status()} ${await changed.text()}`)
  await owner.getByTestId('current-user').waitFor()

  // The security administrator's grant of the auditor role only files a request.
  const security = (await newPage(ctx)).page
  await logIn(security, ctx, 'demo-security')
  await security.getByRole('menuitem', { name: '用户管理' }).click()
  await security.getByTestId('users-search').locator('input').fill(username)
  await security.getByTestId('users-search').locator('input').press('Enter')
  const row = security.getByTestId('users-table').locator('tr', { hasText: username })
  await row.getByText('分配角色').click()
  await choose(security, 'assign-role', '审计管理员')
  const [asked] = await Promise.all([
    security.waitForResponse((r) => r.url().endsWith('/role') && r.request().method() === 'PUT'),
    security.getByRole('button', { name: /确\s*定/ }).click(),
  ])
  check(asked.status() === 202, `授予审计管理员角色应提交审批（HTTP 202），实为 HTTP ${asked.status()} ${await asked.text()}`)

  // The system administrator approves it under the approvals tab.
  await admin.getByRole('tab', { name: '管理员账号变更审批' }).click()
  const request = admin.getByTestId('approvals-table').locator('tr', { hasText: username })
  await request.getByTestId('approval-approve').click()
  const [approved] = await Promise.all([
    admin.waitForResponse((r) => r.url().includes('/api/users/approvals/') && r.url().endsWith('/approve')),
    admin.getByRole('button', { name: /批\s*准/ }).last().click(),
  ])
  check(approved.status() === 200, `批准失败：HTTP ${approved.status()} ${await approved.text()}`)
  check((await approved.json()).user.role === 'auditor', '批准后账号应为审计管理员')
  await request.waitFor({ state: 'detached' })
}
