import fs from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import {
  freePorts, listening, processesUsing, repoRoot, serverEnv, startServerProcess, waitGone, waitHealthy, type ServerEnv, type ServerProcess,
} from '../testing/server-process.js'
import { readPidFile } from './postmaster.js'

// Starts that must fail say why in both languages and leave nothing running; a stop through
// npm must reach the server. Each case runs the real server as a child process.

const isRoot = process.getuid?.() === 0

const cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {})
})

function launch(env: ServerEnv, command?: string[], cwd?: string): ServerProcess {
  const server = startServerProcess(env, command, cwd)
  cleanups.push(async () => {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL')
    await server.exited
  })
  return server
}

async function environment(extra: Record<string, string> = {}): Promise<ServerEnv> {
  const env = await serverEnv(extra)
  cleanups.push(async () => {
    const pid = await readPidFile(path.join(env.SHOUWANG_DATA_DIR, 'pg'))
    if (pid) {
      try { process.kill(pid.pid, 'SIGINT') } catch { /* gone */ }
      await waitGone(pid.pid, 10_000)
    }
    await fs.chmod(env.SHOUWANG_DATA_DIR, 0o755).catch(() => {})
    await fs.rm(env.SHOUWANG_DATA_DIR, { recursive: true, force: true })
  })
  return env
}

async function parentOf(pid: number): Promise<number> {
  return Number(/^PPid:\s+(\d+)/m.exec(await fs.readFile(`/proc/${pid}/status`, 'utf8'))![1])
}

/** Holds a loopback port the way another program would. */
async function occupy(port: number): Promise<void> {
  const srv = await new Promise<net.Server>((resolve, reject) => {
    const s = net.createServer().listen(port, '127.0.0.1', () => resolve(s)).on('error', reject)
  })
  cleanups.push(() => new Promise((resolve) => srv.close(resolve)))
}

/** A start that must fail: non-zero, saying what is wrong and what to do in both languages, leaving nothing running. */
async function expectRefusedStart(env: ServerEnv, zh: string | RegExp, en: string | RegExp, othersRunning = false): Promise<string> {
  const server = launch(env)
  const code = await server.exited
  const output = server.output()
  expect(code, output).toBe(1)
  expect(output).toContain('守望无法启动：')
  expect(output).toContain('Shouwang cannot start: ')
  expect(output).toMatch(zh)
  expect(output).toMatch(en)
  expect(output).not.toContain('triggerUncaughtException')
  if (!othersRunning) expect(await processesUsing(path.join(env.SHOUWANG_DATA_DIR, 'pg'))).toEqual([])
  return output
}

describe('a start that cannot succeed', () => {
  it('names the taken PostgreSQL port and the taken HTTP port, and stops what it started', async () => {
    const env = await environment()
    await occupy(Number(env.SHOUWANG_PG_PORT))
    await expectRefusedStart(env, `内置 PostgreSQL 的端口 ${env.SHOUWANG_PG_PORT} 已被其他程序占用`, `Port ${env.SHOUWANG_PG_PORT} of the embedded PostgreSQL is already in use`)

    const [pgPort] = await freePorts(1)
    const httpTaken = { ...env, SHOUWANG_PG_PORT: String(pgPort) }
    await occupy(Number(env.PORT))
    await expectRefusedStart(httpTaken, `端口 ${env.PORT} 已被其他程序占用`, `Port ${env.PORT} is already in use`)
    await expect(fs.stat(path.join(env.SHOUWANG_DATA_DIR, 'pg', 'postmaster.pid'))).rejects.toMatchObject({ code: 'ENOENT' })
  }, 60_000)

  it('names a data directory it cannot write', async () => {
    const env = await environment()
    // As root PostgreSQL runs as the postgres user, who cannot enter a mode-700 directory of root's.
    await fs.chmod(env.SHOUWANG_DATA_DIR, isRoot ? 0o700 : 0o500)
    await expectRefusedStart(env, `数据目录 ${env.SHOUWANG_DATA_DIR} 无法读写`, `The data directory ${env.SHOUWANG_DATA_DIR} cannot be written`)
  }, 60_000)

  it('names a damaged cluster and says to restore a backup', async () => {
    const env = await environment()
    const first = launch(env)
    await waitHealthy(first)
    expect(await first.stop()).toBe(0)
    const control = path.join(env.SHOUWANG_DATA_DIR, 'pg', 'global', 'pg_control')
    // Past the system identifier and the format versions, so PostgreSQL reads it and finds it damaged.
    const bytes = await fs.readFile(control)
    bytes.fill(0x5a, 16, 256)
    await fs.writeFile(control, bytes)
    await expectRefusedStart(env, /数据库文件已损坏[\s\S]*npm run restore/, /damaged[\s\S]*npm run restore/)
  }, 60_000)

  it('refuses a second server on the same data directory and leaves the first one running', async () => {
    const env = await environment()
    const first = launch(env)
    await waitHealthy(first)
    const [port, pgPort] = await freePorts(2)
    const output = await expectRefusedStart({ ...env, PORT: String(port), SHOUWANG_PG_PORT: String(pgPort) },
      `正被另一个运行中的守望进程（进程 ${first.child.pid}`, `in use by another running Shouwang process (PID ${first.child.pid}`, true)
    expect(output).not.toContain('正在停止')
    const health = await fetch(`${first.baseUrl}/api/health`)
    expect(health.status).toBe(200)
    expect(await first.stop()).toBe(0)
  }, 60_000)
})

describe('npm start', () => {
  it('passes SIGTERM to the server: the port and the database stop within 10 s', async () => {
    // The real start scripts of package.json, run by npm in a package whose built server is a
    // shim loading the sources: the build is not what is tested, the signal path is.
    const pkg = JSON.parse(await fs.readFile(path.join(repoRoot, 'package.json'), 'utf8'))
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shouwang-npm-start-'))
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }))
    await fs.writeFile(path.join(dir, 'package.json'), JSON.stringify({
      name: 'shouwang-start-check', private: true, type: 'module',
      scripts: { prestart: pkg.scripts.prestart, start: pkg.scripts.start },
    }))
    await fs.mkdir(path.join(dir, 'dist', 'server'), { recursive: true })
    await fs.writeFile(path.join(dir, 'dist', 'server', 'main.js'), [
      `import { register } from ${JSON.stringify(pathToFileURL(path.join(repoRoot, 'node_modules/tsx/dist/esm/api/index.mjs')).href)}`,
      'register()',
      `await import(${JSON.stringify(pathToFileURL(path.join(repoRoot, 'src/server/main.ts')).href)})`,
    ].join('\n'))

    const env = await environment({ SHOUWANG_SKIP_BUILD: '1', npm_config_update_notifier: 'false' })
    const npm = launch(env, ['npm', 'start'], dir)
    await waitHealthy(npm)
    const clusterDir = path.join(env.SHOUWANG_DATA_DIR, 'pg')
    const postmaster = (await readPidFile(clusterDir))!.pid
    // The server is npm's own child (the shell exec'd it), so npm's forwarded signal reaches it.
    const server = await parentOf(postmaster)
    cleanups.push(async () => { try { process.kill(server, 'SIGKILL') } catch { /* gone */ } })
    expect(await parentOf(server)).toBe(npm.child.pid)

    npm.child.kill('SIGTERM')
    const deadline = Date.now() + 10_000
    while (Date.now() < deadline && ((await listening(Number(env.PORT))) || !(await waitGone(postmaster, 0)))) {
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(await listening(Number(env.PORT)), npm.output()).toBe(false)
    expect(await waitGone(postmaster, 0)).toBe(true)
    await npm.exited
    expect(await processesUsing(env.SHOUWANG_DATA_DIR)).toEqual([])
    await expect(fs.stat(path.join(clusterDir, 'postmaster.pid'))).rejects.toMatchObject({ code: 'ENOENT' })
  }, 60_000)
})
