import path from 'node:path'
import { check, newPage, type JourneyContext } from './lib.js'

const COUNTY = { code: '330502000000', name: '吴兴区' }
// The other counties of 湖州市: a county user must not see their names anywhere.
const SIBLINGS = ['南浔区', '德清县', '长兴县', '安吉县']

/**
 * A county user signs in, opens a directory page, and sees their own county at the root of the
 * region tree and nothing of the counties next door, not even by searching for one.
 */
export default async function loginAsCounty(ctx: JourneyContext) {
  const password = ctx.logins['demo-county']
  check(password, '服务启动输出中没有 demo-county 的演示口令')
  const { page } = await newPage(ctx)

  await page.goto(`${ctx.baseUrl}/`)
  await page.getByTestId('login-username').fill('demo-county')
  await page.getByTestId('login-password').fill(password)
  const [login] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/auth/login')),
    page.getByTestId('login-submit').click(),
  ])
  check(login.status() === 200, `登录失败：HTTP ${login.status()} ${await login.text()}`)
  const { user } = await login.json()

  const topBar = (await page.getByTestId('current-user').innerText()).trim()
  check(topBar.includes(user.displayName), `顶栏应显示当前用户“${user.displayName}”，实为“${topBar}”`)

  // The region tree stands beside the directory pages.
  await page.getByRole('menuitem', { name: '组织机构' }).click()
  const tree = page.getByTestId('region-tree')
  await tree.waitFor()
  const root = tree.locator('[data-code]').first()
  await root.waitFor()
  const rootCode = await root.getAttribute('data-code')
  const rootName = (await root.innerText()).trim()
  check(rootCode === COUNTY.code && rootName.includes(COUNTY.name), `区划树的根应为 ${COUNTY.name}（${COUNTY.code}），实为 ${rootName}（${rootCode}）`)

  // Searching finds places of one's own county, and none of the county next door.
  const searchBox = page.getByTestId('region-search').locator('input')
  const searchFor = async (text: string): Promise<Array<{ name: string }>> => {
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/regions/search') && r.url().includes(encodeURIComponent(text))),
      searchBox.fill(text),
    ])
    check(res.status() === 200, `区划搜索“${text}”失败：HTTP ${res.status()}`)
    return (await res.json()).items
  }
  const own = await searchFor('月河')
  check(own.some((r) => r.name === '月河街道'), `搜索“月河”应找到本县的月河街道，实得：${own.map((r) => r.name).join('、') || '无'}`)
  const next = await searchFor('南浔')
  check(next.length === 0, `搜索“南浔”不应找到邻县区划，实得：${next.map((r) => r.name).join('、')}`)

  // Let lazy panels settle, then read the whole DOM, hidden parts included.
  await page.waitForLoadState('networkidle')
  const html = await page.content()
  const leaked = SIBLINGS.filter((name) => html.includes(name))
  check(leaked.length === 0, `县级用户的页面上出现了其他县区：${leaked.join('、')}`)

  await searchBox.fill('')

  await page.screenshot({ path: path.join(ctx.artifactsDir, 'login-county.png'), fullPage: true })
}
