import { existsSync } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { chromium, type Browser } from 'playwright-core'
import { parseLogins, startBuiltServer, watchCspViolations, type Journey, type JourneyContext, type RunningServer } from './lib.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const repoRoot = path.resolve(here, '..')
const artifactsDir = path.join(repoRoot, 'test-results')
// Debian's chromium: a browser download (npx playwright install) is neither needed nor possible offline.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
]
const JOURNEY_TIMEOUT_MS = 120_000

const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1)

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`超过 ${ms / 1000} 秒未完成`)), ms)
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

/** What the browser showed when a journey failed: one screenshot per open page. */
async function screenshotOpenPages(browser: Browser, journey: string) {
  let n = 0
  for (const context of browser.contexts()) {
    for (const page of context.pages()) {
      const file = path.join(artifactsDir, `${journey}-failure-${++n}.png`)
      await page.screenshot({ path: file, fullPage: true }).then(
        () => console.log(`    截图：${path.relative(repoRoot, file)}（页面 ${page.url()}）`),
        () => {},
      )
    }
  }
}

async function runJourneys(files: string[], ctx: JourneyContext, csp: { take: () => string[] }): Promise<string[]> {
  const failed: string[] = []
  for (const file of files) {
    const name = file.replace(/\.e2e\.ts$/, '')
    const started = Date.now()
    csp.take()
    try {
      const journey: Journey = (await import(pathToFileURL(path.join(here, file)).href)).default
      await withTimeout(journey(ctx), JOURNEY_TIMEOUT_MS)
      const violations = csp.take()
      if (violations.length > 0) {
        const shown = violations.slice(0, 5).map((v) => v.slice(0, 240)).join('\n      ')
        throw new Error(`页面违反了内容安全策略（Content-Security-Policy）${violations.length} 处：\n      ${shown}`)
      }
      console.log(`  ✓ ${name}（${seconds(started)} 秒）`)
    } catch (err) {
      failed.push(name)
      console.log(`  ✗ ${name}（${seconds(started)} 秒）：${err instanceof Error ? err.message : String(err)}`)
      // A blocked script or style is often why a journey could not go on.
      for (const v of csp.take().slice(0, 5)) console.log(`    内容安全策略拦截：${v.slice(0, 240)}`)
      await screenshotOpenPages(ctx.browser, name)
    } finally {
      for (const context of ctx.browser.contexts()) await context.close().catch(() => {})
    }
  }
  return failed
}

/**
 * Browser journeys against the built server: a fresh data directory, the demo accounts its first
 * start prints, Debian's chromium. Prints `e2e: N passed, N failed`; exits 1 on any failure.
 * Arguments filter journeys by file name (`npm run test:e2e -- login`).
 */
async function main(filters: string[]): Promise<number> {
  if (!existsSync(path.join(repoRoot, 'dist/server/main.js'))) {
    console.error('e2e：未找到 dist/server/main.js，请先运行 npm run build')
    return 1
  }
  if (!existsSync(CHROMIUM)) {
    console.error(`e2e：未找到浏览器 ${CHROMIUM}，请安装 Debian 的 chromium 与 fonts-wqy-microhei（.ci/run 会自动安装）`)
    return 1
  }
  const files = (await fs.readdir(here))
    .filter((f) => f.endsWith('.e2e.ts') && (filters.length === 0 || filters.some((x) => f.includes(x))))
    .sort()
  if (files.length === 0) {
    console.error('e2e：没有找到浏览器测试（e2e/*.e2e.ts）')
    return 1
  }
  await fs.mkdir(artifactsDir, { recursive: true })

  const started = Date.now()
  let server: RunningServer
  try {
    server = await startBuiltServer(repoRoot)
  } catch (err) {
    console.error(`e2e：${err instanceof Error ? err.message : String(err)}`)
    return 1
  }
  console.log(`e2e：服务已就绪 ${server.baseUrl}（${seconds(started)} 秒），运行 ${files.length} 个浏览器测试`)
  let browser: Browser | null = null
  const names = files.map((f) => f.replace(/\.e2e\.ts$/, ''))
  let failed = names
  let stoppedCleanly = true
  try {
    const logins = parseLogins(server.output())
    if (Object.keys(logins).length === 0) throw new Error('服务首次启动时没有打印演示登录信息')
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
    const csp = watchCspViolations(browser)
    failed = await runJourneys(files, { baseUrl: server.baseUrl, logins, browser, artifactsDir }, csp)
  } catch (err) {
    console.error(`e2e：${err instanceof Error ? err.message : String(err)}`)
  } finally {
    await browser?.close().catch(() => {})
    const code = await server.stop()
    if (code !== 0) {
      console.error(`e2e：服务收到 SIGTERM 后未正常退出（退出码 ${code}）`)
      stoppedCleanly = false
    }
    if (failed.length > 0 || !stoppedCleanly) console.log(`服务输出：\n${server.output().split('\n').slice(-60).join('\n')}`)
    await fs.rm(server.dataDir, { recursive: true, force: true })
  }
  if (failed.length > 0) console.log(`e2e：失败的浏览器测试：${failed.join('、')}`)
  console.log(`e2e: ${names.length - failed.length} passed, ${failed.length} failed`)
  return failed.length > 0 || !stoppedCleanly ? 1 : 0
}

// A journey's stray promise (a wait outlived by its page) must not end the whole run.
process.on('unhandledRejection', (err) => console.log(`    （忽略未处理的异步错误：${err instanceof Error ? err.message.split('\n')[0] : String(err)}）`))
process.exit(await main(process.argv.slice(2)))
