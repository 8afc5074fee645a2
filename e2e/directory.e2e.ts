import path from 'node:path'
import { check, logIn, newPage, type JourneyContext } from './lib.js'

/**
 * A county officer adds a person to the directory with a phone typed the way people type it,
 * sees the number masked in the list, edits the person (the version travels with the form),
 * reveals the number, and deletes the person again.
 */
export default async function directoryPerson(ctx: JourneyContext) {
  const { page } = await newPage(ctx)
  await logIn(page, ctx, 'demo-county')
  await page.getByRole('menuitem', { name: '人员通讯录' }).click()
  await page.getByTestId('people-table').waitFor()

  const name = `测试联络员${Date.now() % 100000}`
  await page.getByTestId('person-create').click()
  await page.getByTestId('person-name').fill(name)
  await page.getByTestId('person-mobile').fill('138 5720 9999')
  const [created] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/people') && r.request().method() === 'POST'),
    page.getByTestId('person-save').click(),
  ])
  check(created.status() === 201 || created.status() === 200, `新增人员失败：HTTP ${created.status()} ${await created.text()}`)
  const person = await created.json()
  check(person.mobile === '138****9999', `列表与回复中的手机号应为掩码 138****9999，实为 ${person.mobile}`)

  // Find the new row and edit it: the drawer sends the version it loaded.
  await page.getByTestId('people-search').locator('input').fill(name)
  await page.getByTestId('people-search').locator('input').press('Enter')
  const row = page.getByTestId('people-table').locator('tr', { hasText: name })
  await row.waitFor()
  await row.getByText('编辑').click()
  await page.getByTestId('person-form').waitFor()
  await page.getByLabel('职务').fill('防汛联络员')
  const [updated] = await Promise.all([
    page.waitForResponse((r) => r.url().includes(`/api/people/${person.id}`) && r.request().method() === 'PUT'),
    page.getByTestId('person-save').click(),
  ])
  check(updated.status() === 200, `修改人员失败：HTTP ${updated.status()} ${await updated.text()}`)
  check((await updated.json()).version > person.version, '修改后版本号应增加')
  await row.getByText('防汛联络员').waitFor()

  // The county manager may reveal the full number; the server audits each reveal.
  const [revealed] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/api/people/${person.id}/reveal`)),
    row.getByTestId('reveal-phone').click(),
  ])
  check(revealed.status() === 200, `查看完整号码失败：HTTP ${revealed.status()}`)
  await row.getByText('13857209999').waitFor()
  await page.screenshot({ path: path.join(ctx.artifactsDir, 'directory-person.png'), fullPage: true })

  await row.getByText('删除').click()
  const [deleted] = await Promise.all([
    page.waitForResponse((r) => r.url().includes(`/api/people/${person.id}`) && r.request().method() === 'DELETE'),
    page.getByRole('button', { name: /确\s*定|删\s*除/ }).last().click(),
  ])
  check(deleted.status() === 200 || deleted.status() === 204, `删除人员失败：HTTP ${deleted.status()} ${await deleted.text()}`)
  await row.waitFor({ state: 'detached' })
}
