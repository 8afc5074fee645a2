/**
 * The real server as a child process on a data directory of its own, for tests that kill it,
 * kill its PostgreSQL, stop it with signals and start it again: what a restart sees can only be
 * had from a process that really died.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createDb, type Db } from '../db/database.js'
import { readPidFile } from '../db/postmaster.js'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

/** Distinct free ports, held open together while picked so that no two come out the same. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => new Promise<net.Server>((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => resolve(srv)).on('error', reject)
  })))
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port)
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
  return ports
}

/** A temporary data directory; as root, the postgres user must be able to enter it. */
export async function tempDataDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shouwang-proc-'))
  await fs.chmod(dir, 0o755)
  return dir
}

export type ServerEnv = { SHOUWANG_DATA_DIR: string; PORT: string; SHOUWANG_PG_PORT: string } & Record<string, string>

/** Environment for a server on its own directory and ports, without demo data. */
export async function serverEnv(extra: Record<string, string> = {}): Promise<ServerEnv> {
  const [port, pgPort] = await freePorts(2)
  return {
    SHOUWANG_DATA_DIR: await tempDataDir(), PORT: String(port), SHOUWANG_PG_PORT: String(pgPort),
    SHOUWANG_DEMO: 'false', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...extra,
  }
}

export type ServerProcess = {
  child: ChildProcess
  baseUrl: string
  output: () => string
  /** The exit code, or the signal's name. */
  exited: Promise<number | string>
  /** SIGTERM unless already gone; then the exit code. */
  stop: () => Promise<number | string>
}

/** Spawns a command (the server by default) with the environment; output is collected. */
export function startServerProcess(env: ServerEnv, command: string[] = [process.execPath, '--import', 'tsx', 'src/server/main.ts'], cwd = repoRoot): ServerProcess {
  const child = spawn(command[0], command.slice(1), { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (d) => { output += d })
  child.stderr!.on('data', (d) => { output += d })
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)))
  return {
    child,
    baseUrl: `http://127.0.0.1:${env.PORT}`,
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      return exited
    },
  }
}

/** Waits until /api/health says the database answers; fails with the server's output. */
export async function waitHealthy(server: ServerProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(`服务已退出（${server.child.exitCode ?? server.child.signalCode}）：\n${server.output()}`)
    }
    const res = await fetch(`${server.baseUrl}/api/health`).catch(() => null)
    if (res?.status === 200 && (await res.json()).database?.ok === true) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`服务未能就绪：\n${server.output()}`)
}

/** The embedded cluster of a data directory, reached directly (while its postmaster runs). */
export async function openClusterDb(dataDir: string): Promise<Db> {
  const { password } = JSON.parse(await fs.readFile(path.join(dataDir, 'pg-credentials.json'), 'utf8'))
  const pid = await readPidFile(path.join(dataDir, 'pg'))
  if (!pid) throw new Error(`数据目录 ${dataDir} 上没有运行中的 PostgreSQL`)
  return createDb(`postgres://shouwang:${encodeURIComponent(password)}@127.0.0.1:${pid.port}/shouwang`, 2)
}

/** Live processes whose command line names the directory: a postgres left behind shows here. */
export async function processesUsing(dir: string): Promise<string[]> {
  const found: string[] = []
  for (const pid of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue
    const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => '')
    if (/^State:\s+Z/m.test(status)) continue
    const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')
    if (cmdline.includes(dir)) found.push(`${pid}: ${cmdline.replaceAll('\0', ' ')}`)
  }
  return found
}

/** Waits for a process to be gone (no /proc entry, or a zombie); a timeout of 0 looks once. */
export async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => null)
    if (status === null || /^State:\s+Z/m.test(status)) return true
    if (Date.now() >= deadline) return false
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Whether something accepts TCP connections on the loopback port. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => resolve(false))
  })
}
