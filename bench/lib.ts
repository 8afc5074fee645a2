import { spawn } from 'node:child_process'
import fs from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { createDb, type Db } from '../src/server/db/database.js'
import { startEmbeddedPostgres } from '../src/server/db/embedded.js'
import { migrateToLatest } from '../src/server/db/migrations.js'

/** One measured figure. `ratio` is value / baseline: how far the product is from the raw way. */
export type BenchResult = {
  name: string
  value: number
  unit: string
  /** The same work done the raw way (hand-written SQL, plain file reading), same unit. */
  baseline: number | null
  ratio: number | null
  /** What the value should stay under, same unit, e.g. "< 60". */
  goal: string
  /** What the case ran on, e.g. "665281 rows". */
  dataSize: string
  /** Filled in by record(). */
  measuredAt?: string
}

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url))
export const RESULTS_FILE = path.join(BENCH_DIR, 'results.json')

export async function readResults(): Promise<BenchResult[]> {
  try {
    return JSON.parse(await fs.readFile(RESULTS_FILE, 'utf8'))
  } catch {
    return []
  }
}

/** Adds a result to bench/results.json, replacing an earlier one of the same name. */
export async function record(result: BenchResult): Promise<void> {
  const results = (await readResults()).filter((r) => r.name !== result.name)
  results.push({ ...result, measuredAt: new Date().toISOString() })
  results.sort((a, b) => a.name.localeCompare(b.name))
  await fs.writeFile(RESULTS_FILE, JSON.stringify(results, null, 2) + '\n')
  console.log(`${result.name}: ${round(result.value)} ${result.unit}` +
    (result.baseline !== null ? `（基线 ${round(result.baseline)}，比值 ${round(result.ratio ?? 0)}）` : '') + `，目标 ${result.goal}`)
}

export function round(n: number): number {
  return Math.round(n * 100) / 100
}

/** Milliseconds `fn` takes, and what it returned. */
export async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = process.hrtime.bigint()
  const result = await fn()
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result }
}

/** Median of `runs` timings in ms, after `warmup` untimed runs. */
export async function medianMs(fn: () => Promise<unknown>, runs = 7, warmup = 2): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn()
  const times: number[] = []
  for (let i = 0; i < runs; i++) times.push((await time(fn)).ms)
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]
}

/** Peak resident memory of this process so far, in MB. */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024 // maxRSS is in kilobytes
}

/** Peak resident memory (VmHWM) of another process on Linux, in MB; null once it has gone. */
export async function peakRssMbOf(pid: number): Promise<number | null> {
  try {
    const status = await fs.readFile(`/proc/${pid}/status`, 'utf8')
    const m = /VmHWM:\s+(\d+) kB/.exec(status)
    return m ? Number(m[1]) / 1024 : null
  } catch {
    return null
  }
}

/**
 * Runs a command to its end and reports its time and peak RSS, sampled from /proc while it
 * runs (Node cannot read the rusage of a finished child).
 */
export async function runMeasured(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; ms: number; peakRssMb: number | null }> {
  const start = process.hrtime.bigint()
  const child = spawn(cmd, args, { stdio: 'inherit', env })
  let peak: number | null = null
  const sample = async () => {
    const now = child.pid ? await peakRssMbOf(child.pid) : null
    if (now !== null) peak = Math.max(peak ?? 0, now)
  }
  const timer = setInterval(() => void sample(), 200)
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)))
  })
  clearInterval(timer)
  return { code, ms: Number(process.hrtime.bigint() - start) / 1e6, peakRssMb: peak }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    }).on('error', reject)
  })
}

/**
 * Waits until no other client is connected to the database at `url`. pg's Pool.end() resolves
 * before its sockets have closed; stopping the server in that gap makes it send "terminating
 * connection" to an idle client, which the pool re-emits as an unhandled error.
 */
export async function waitForOtherConnections(url: string, timeoutMs = 5000): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  client.on('error', () => {})
  await client.connect()
  try {
    for (const until = Date.now() + timeoutMs; Date.now() < until;) {
      const { rows } = await client.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity
         where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`)
      if (rows[0].n === 0) return
      await new Promise((r) => setTimeout(r, 20))
    }
  } finally {
    await client.end()
  }
}

/**
 * A throw-away embedded PostgreSQL at the latest schema, in a temp directory removed on close.
 * `db` is the product's Kysely instance; `pool` a plain pg pool for the hand-written baselines.
 */
export async function benchDatabase(): Promise<{ db: Db; pool: pg.Pool; url: string; close: () => Promise<void> }> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'shouwang-bench-'))
  // As root the server runs as the postgres user, who must be able to enter the directory.
  await fs.chmod(dataDir, 0o755)
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false })
  const db = createDb(server.url)
  const pool = new pg.Pool({ connectionString: server.url, max: 2 })
  pool.on('error', () => {})
  await migrateToLatest(db)
  return {
    db,
    pool,
    url: server.url,
    close: async () => {
      await db.destroy()
      await pool.end()
      await waitForOtherConnections(server.url)
      await server.stop()
      await fs.rm(dataDir, { recursive: true, force: true })
    },
  }
}

/**
 * `with places …, items …` for benchmarks that fill 浙江 (regions '33' loaded) with supply
 * lines: `places` holds its township and village codes, `items` twenty things ledgers list
 * (name, unit, top class, equipment or not) numbered 0–19 for `g % 20`.
 */
export const PROVINCE_SUPPLY_CTE = `with places as (
      select array_agg(code order by code) as codes, count(*)::int as n
      from region where code like '33%' and level in ('township', 'village')
    ), items (i, name, unit, class_code, is_equipment) as (values
      (0, '救生衣', '件', '2000000', false), (1, '救生圈', '个', '2000000', false), (2, '冲锋舟', '艘', '2000000', true),
      (3, '发电机', '台', '2000000', true), (4, '抽水泵', '台', '2000000', true), (5, '对讲机', '部', '2000000', true),
      (6, '应急灯', '个', '2000000', false), (7, '雨衣', '件', '2000000', false), (8, '帐篷', '顶', '1000000', false),
      (9, '棉被', '床', '1000000', false), (10, '折叠床', '张', '1000000', false), (11, '矿泉水', '箱', '1000000', false),
      (12, '方便面', '箱', '1000000', false), (13, '编织袋', '条', '3000000', false), (14, '沙袋', '个', '3000000', false),
      (15, '铁锹', '把', '3000000', false), (16, '土工布', '平方米', '3000000', false), (17, '木桩', '根', '3000000', false),
      (18, '警戒带', '卷', '9000000', false), (19, '喊话器', '个', '9000000', false)
    )`
