import path from 'node:path'
import type { Page, Response } from 'playwright-core'
import { check, logIn, newPage, type JourneyContext } from './lib.js'

type FeatureReply = {
  features: Array<{ properties: { cluster?: boolean; count?: number; layer?: string; byLayer?: Record<string, number> } }>
}

const isFeatures = (r: Response) => r.url().includes('/api/map/features?')

/** Records per layer that a features reply stands for. */
function recordsByLayer(reply: FeatureReply): Map<string, number> {
  const by = new Map<string, number>()
  for (const { properties: p } of reply.features) {
    const parts = p.cluster ? Object.entries(p.byLayer ?? {}) : [[p.layer ?? '', 1] as const]
    for (const [layer, n] of parts) by.set(layer, (by.get(layer) ?? 0) + n)
  }
  return by
}

/** What the page says it has drawn, once its latest request has settled. */
async function drawnRecords(page: Page): Promise<number> {
  const counter = page.locator('[data-testid="map-feature-count"][data-loading="false"]')
  await counter.waitFor()
  return Number(await counter.getAttribute('data-records'))
}

type StoragePointList = { items: Array<{ name: string; lng: number | null; lat: number | null }> }

/**
 * 新增点位 → 储备点, a click on the map, a name in the drawer, save: the record exists with the
 * clicked position and the map asks for its features again.
 */
async function placeStoragePoint(page: Page, ctx: JourneyContext) {
  const name = `地图新增储备点${Date.now() % 100000}`
  await page.getByTestId('map-place-open').click()
  await page.getByTestId('map-place-storage_point').click()
  await page.getByTestId('map-placing').waitFor()
  // Right of the layer panel, left of the nearest panel: open map.
  const box = await page.getByTestId('map-canvas').boundingBox()
  check(box, '找不到地图画布')
  await page.mouse.click(box.x + box.width * 0.55, box.y + box.height * 0.6)
  await page.getByTestId('map-place-marker').waitFor()
  await page.getByTestId('resource-name').fill(name)
  const [saved, reloaded] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/resources/storage_point') && r.request().method() === 'POST'),
    page.waitForResponse(isFeatures),
    page.getByTestId('resource-save').click(),
  ])
  check(saved.status() === 200 || saved.status() === 201, `保存新储备点失败：HTTP ${saved.status()} ${await saved.text()}`)
  check(reloaded.status() === 200, `保存后重新读取地图要素失败：HTTP ${reloaded.status()}`)
  const res = await page.request.get(`${ctx.baseUrl}/api/resources/storage_point?q=${encodeURIComponent(name)}`)
  check(res.status() === 200, `查询新储备点失败：HTTP ${res.status()}`)
  const found = ((await res.json()) as StoragePointList).items.find((i) => i.name === name)
  check(found, `列表中没有新增的储备点“${name}”`)
  // The demo county lies in 湖州市; the click was in the middle of its view.
  check(found.lng != null && found.lng > 119 && found.lng < 121 && found.lat != null && found.lat > 30 && found.lat < 31.5,
    `新储备点的位置应为点击处（湖州市内），实为 ${found.lng}, ${found.lat}`)
  await page.getByTestId('map-place-marker').waitFor({ state: 'detached' })
}

/**
 * A county user opens 应急一张图: the map renders with no network basemap, resources of the county
 * are drawn, a layer switched off leaves the map, the nearest 救生衣 ≥ 200 to a village of the
 * county are found, listed and drawn, and a new storage point is placed by clicking the map.
 */
export default async function mapJourney(ctx: JourneyContext) {
  const { page } = await newPage(ctx)
  const pageErrors: string[] = []
  page.on('pageerror', (e) => pageErrors.push(e.message))
  await logIn(page, ctx, 'demo-county')

  const firstLoad = page.waitForResponse(isFeatures)
  await page.goto(`${ctx.baseUrl}/map`)
  await page.locator('[data-testid="map-canvas"][data-ready="true"] canvas').waitFor()
  const first = await firstLoad
  check(first.status() === 200, `读取地图要素失败：HTTP ${first.status()} ${await first.text()}`)
  const byLayer = recordsByLayer(await first.json())
  const before = await drawnRecords(page)
  check(before > 0, '地图上没有画出任何资源（演示数据应有带位置的记录）')

  // The layer with most records in view goes off; what is drawn must shrink by about that much.
  const [layer, inLayer] = [...byLayer.entries()].sort((a, b) => b[1] - a[1])[0]
  const reload = page.waitForResponse(isFeatures)
  await page.getByTestId(`map-layer-${layer}`).locator('input[type="checkbox"]').uncheck()
  const second = await reload
  check(!second.url().includes(layer), `关闭图层后请求仍包含 ${layer}：${second.url()}`)
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid="map-feature-count"]')?.getAttribute('data-records') !== String(n), before,
  )
  const after = await drawnRecords(page)
  check(after < before, `关闭图层 ${layer}（${inLayer} 条）后，地图上的记录数应减少：前 ${before}，后 ${after}`)
  await page.screenshot({ path: path.join(ctx.artifactsDir, 'map.png') })

  // 附近资源 at a village of the county, found by typing part of a name.
  await page.getByTestId('nearest-open').click()
  const [found] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/regions/search')),
    page.getByTestId('nearest-village').locator('input').fill('村'),
  ])
  check(found.status() === 200, `搜索村社区失败：HTTP ${found.status()}`)
  const option = page.locator('.ant-select-item-option').first()
  await option.waitFor()
  const villageName = (await option.innerText()).trim()
  await option.click()
  await page.getByTestId('nearest-preset-救生衣≥200').click()
  const [nearest] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/nearest')),
    page.getByTestId('nearest-search').click(),
  ])
  check(nearest.status() === 200, `在“${villageName}”查找最近的救生衣失败：HTTP ${nearest.status()} ${await nearest.text()}`)
  await page.getByTestId('nearest-holding').first().waitFor()
  const holdings = await page.getByTestId('nearest-holding').count()
  check(holdings >= 1, `在“${villageName}”附近应找到至少一处救生衣`)
  const text = await page.getByTestId('nearest-results').innerText()
  check(/公里|米/.test(text), `结果应列出距离，实为：${text.slice(0, 200)}`)
  // Let the map fit the results before the picture.
  await page.waitForTimeout(800)
  await page.screenshot({ path: path.join(ctx.artifactsDir, 'map-nearest.png') })

  await placeStoragePoint(page, ctx)

  check(pageErrors.length === 0, `页面脚本出错：${pageErrors.join('；')}`)
}
