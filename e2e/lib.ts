import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import fs from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'

/** What every journey (`e2e/*.e2e.ts`, default export) is given. */
export type JourneyContext = {
  baseUrl: string
  /** Demo logins the server printed on its first start: username → password. */
  logins: Record<string, string>
  browser: Browser
  /** Where screenshots go (test-results/). */
  artifactsDir: string
}

export type Journey = (ctx: JourneyContext) => Promise<void>

/** Distinct free ports, held open together while picked so that no two come out the same. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => new Promise<net.Server>((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => resolve(srv)).on('error', reject)
  })))
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port)
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
  return ports
}

/** Lines like `  县级管理员（湖州市吴兴区）   用户名 demo-county   口令 Demo-xxxx7a`. */
export function parseLogins(output: string): Record<string, string> {
  const logins: Record<string, string> = {}
  for (const m of output.matchAll(/用户名 (\S+)\s+口令 (\S+)/g)) logins[m[1]] = m[2]
  return logins
}

export type RunningServer = {
  baseUrl: string
  dataDir: string
  output: () => string
  /** SIGTERM, then the exit code (SIGKILL after 20 s). */
  stop: () => Promise<number | null>
}

/**
 * Starts the built server (`dist/server/main.js`) on a fresh data directory, with free ports for
 * HTTP and the embedded PostgreSQL, and waits until /api/health reports the database ready.
 */
export async function startBuiltServer(repoRoot: string, env: Record<string, string> = {}): Promise<RunningServer> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'shouwang-e2e-'))
  // As root the embedded PostgreSQL runs as the postgres user, who must enter this directory.
  await fs.chmod(dataDir, 0o755)
  const [port, pgPort] = await freePorts(2)
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist/server/main.js')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      SHOUWANG_DATA_DIR: dataDir,
      SHOUWANG_PG_PORT: String(pgPort),
      SHOUWANG_DEMO: 'true',
      LOG_LEVEL: 'warn',
      ...env,
    },
  })
  let output = ''
  child.stdout.on('data', (d) => { output += d })
  child.stderr.on('data', (d) => { output += d })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  // Should the runner itself die, the server (and its PostgreSQL) must not live on without it.
  const orphanGuard = () => { child.kill('SIGTERM') }
  process.on('exit', orphanGuard)
  void exited.then(() => process.off('exit', orphanGuard))
  const baseUrl = `http://127.0.0.1:${port}`
  const server: RunningServer = {
    baseUrl,
    dataDir,
    output: () => output,
    stop: () => stopProcess(child, exited),
  }
  try {
    await waitHealthy(baseUrl, child, () => output)
  } catch (err) {
    await server.stop()
    throw err
  }
  return server
}

async function waitHealthy(baseUrl: string, child: ChildProcessWithoutNullStreams, output: () => string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`服务启动失败（退出码 ${child.exitCode}）：\n${output()}`)
    const res = await fetch(`${baseUrl}/api/health`).catch(() => null)
    if (res?.status === 200 && (await res.json()).database?.ok === true) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`服务在 ${timeoutMs / 1000} 秒内未就绪：\n${output()}`)
}

async function stopProcess(child: ChildProcessWithoutNullStreams, exited: Promise<number | null>): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  try {
    return await exited
  } finally {
    clearTimeout(timer)
  }
}

// Runs in every page before its own scripts: Chromium fires this event for each blocked load,
// inline script or style, eval and worker the Content-Security-Policy refuses.
const CSP_LISTENER = `document.addEventListener('securitypolicyviolation', (e) => {
  window.__shouwangCspViolation(e.effectiveDirective + ' 拦截了 ' + (e.blockedURI || 'inline') + '（' + e.sourceFile + ':' + e.lineNumber + '）')
})`

/**
 * Collects Content-Security-Policy violations from every page the browser opens (each context
 * made after this call, whether by a journey or by newPage): the pages' securitypolicyviolation
 * events and the console lines Chromium writes for them. `take()` hands over what was seen and
 * forgets it, so the runner can fail the journey that caused them — a page that still works
 * while the policy blocks part of it is a regression all the same.
 */
export function watchCspViolations(browser: Browser): { take: () => string[] } {
  const seen: string[] = []
  const newContext = browser.newContext.bind(browser)
  browser.newContext = async (options) => {
    const context = await newContext(options)
    await context.exposeBinding('__shouwangCspViolation', (_source, text: string) => { seen.push(text) })
    await context.addInitScript(CSP_LISTENER)
    context.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) seen.push(`${msg.text().slice(0, 300)}（${msg.location().url}）`)
    })
    return context
  }
  return { take: () => [...new Set(seen.splice(0))] }
}

/** A fresh browser context (own cookies) in Chinese, and its first page. */
export async function newPage(ctx: JourneyContext): Promise<{ context: BrowserContext; page: Page }> {
  const context = await ctx.browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1440, height: 900 } })
  context.setDefaultTimeout(15_000)
  return { context, page: await context.newPage() }
}

/** Fails the journey with a Chinese message a reader of the CI log understands. */
export function check(ok: unknown, message: string): asserts ok {
  if (!ok) throw new Error(message)
}

/** Signs in through the login form as a printed demo user; resolves once the app shell shows. */
export async function logIn(page: Page, ctx: JourneyContext, username: string): Promise<void> {
  const password = ctx.logins[username]
  check(password, `服务启动输出中没有用户 ${username} 的演示口令`)
  await page.goto(`${ctx.baseUrl}/`)
  await page.getByTestId('login-username').fill(username)
  await page.getByTestId('login-password').fill(password)
  await page.getByTestId('login-submit').click()
  await page.getByTestId('current-user').waitFor()
}
