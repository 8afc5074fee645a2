import path from 'node:path'
import { check, logIn, newPage, type JourneyContext } from './lib.js'

type Holding = { contact: { personId: number; role: string; name: string; phone: string | null } | null }
type NearestReply = { distanceNote: string; results: Array<{ holdings: Holding[] }> }

/**
 * A duty officer (值班员) on a phone, 390 × 844: the demo banner shows; on 应急一张图 they find the
 * nearest 冲锋舟 to a village, the first result names the storage keeper with a masked number,
 * one tap reveals it (audited) and turns it into a tel: link — the second tap calls. The audit
 * administrator then reads that reveal in the log, by the keeper's name.
 */
export default async function nearestJourney(ctx: JourneyContext) {
  const context = await ctx.browser.newContext({
    locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
  })
  context.setDefaultTimeout(15_000)
  const page = await context.newPage()
  const pageErrors: string[] = []
  page.on('pageerror', (e) => pageErrors.push(e.message))

  await logIn(page, ctx, 'demo-duty')
  await page.getByTestId('demo-banner').waitFor()
  check((await page.getByTestId('demo-banner').innerText()).includes('演示数据'), '演示数据提示条应写明“演示数据”')

  await page.goto(`${ctx.baseUrl}/map`)
  await page.locator('[data-testid="map-canvas"][data-ready="true"] canvas').waitFor()
  await page.getByTestId('nearest-open').tap()
  await page.getByTestId('nearest-village').locator('input').fill('村')
  const option = page.locator('.ant-select-item-option').first()
  await option.waitFor()
  await option.click()
  await page.getByTestId('nearest-preset-冲锋舟≥5').tap()
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/nearest')),
    page.getByTestId('nearest-search').tap(),
  ])
  check(answer.status() === 200, `查找最近的冲锋舟失败：HTTP ${answer.status()} ${await answer.text()}`)
  const reply = (await answer.json()) as NearestReply
  const first = reply.results[0]?.holdings[0]
  check(first?.contact, '最近的冲锋舟应列出联系人')
  check(first.contact.role === 'keeper', `应先列出保管员，实为 ${first.contact.role}`)
  check((await page.getByTestId('nearest-distance-note').innerText()).includes('直线距离'), '结果应说明距离为直线距离')

  const holding = page.getByTestId('nearest-holding').first()
  const contact = holding.getByTestId('call-contact').first()
  check((await contact.innerText()).includes('保管员'), `第一条结果的联系人应写明“保管员”：${await contact.innerText()}`)
  check(/^1\d{2}\*{4}\d{4}$/.test((await holding.getByTestId('masked-phone').innerText()).trim()), '查看前电话应脱敏')
  check(await holding.locator('a[href^="tel:"]').count() === 0, '查看号码之前不应有拨号链接')

  const [revealed] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/api/people/${first.contact!.personId}/reveal`)),
    holding.getByTestId('reveal-phone').tap(),
  ])
  check(revealed.status() === 200, `查看完整号码失败：HTTP ${revealed.status()}`)
  const call = holding.getByTestId('call-phone')
  await call.waitFor()
  const href = await call.getAttribute('href')
  check(href && /^tel:1\d{10}$/.test(href), `查看后应是可一键拨打的 tel: 链接，实为 ${href}`)
  const box = await call.boundingBox()
  check(box && box.x >= 0 && box.x + box.width <= 390, '拨号按钮应完整显示在 390 像素宽的屏幕内')
  await page.screenshot({ path: path.join(ctx.artifactsDir, 'nearest-phone.png') })
  check(pageErrors.length === 0, `页面脚本出错：${pageErrors.join('；')}`)

  // The reveal is in the audit log, by name.
  const auditor = await newPage(ctx)
  await logIn(auditor.page, ctx, 'demo-auditor')
  await auditor.page.goto(`${ctx.baseUrl}/audit`)
  const row = auditor.page.locator('[data-testid="audit-table"] tr', { hasText: '查看人员完整电话' }).first()
  await row.waitFor()
  const text = await row.innerText()
  check(text.includes(first.contact.name), `审计日志应按姓名记下查看了谁的电话（${first.contact.name}），实为：${text}`)
  check(/区|镇|街道/.test(text), `审计日志应写出区划名称：${text}`)
}
