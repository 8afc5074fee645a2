import fs from 'node:fs/promises'
import path from 'node:path'
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { verifyChain } from '../features/audit/verify.js'
import { hashPassword } from '../features/auth/passwords.js'
import {
  openClusterDb, processesUsing, serverEnv, startServerProcess, waitGone, waitHealthy, type ServerEnv, type ServerProcess,
} from '../testing/server-process.js'
import { createDb, type Db } from './database.js'
import { startEmbeddedPostgres } from './embedded.js'
import { readPidFile } from './postmaster.js'

// Servers really die here: SIGKILL of the server, SIGKILL of its PostgreSQL. Between the kills,
// keepers book stock movements as fast as they can, so a kill lands inside transactions.

const PASSWORD = 'Crash-Test-Passw0rd!'
const REGION = '330502000000'
const KEEPERS = 4

const cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {})
})

/** A server on the environment; whatever happens, it and its PostgreSQL are gone after the test. */
function launch(env: ServerEnv): ServerProcess {
  const server = startServerProcess(env)
  cleanups.push(async () => {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL')
    await server.exited
  })
  return server
}

function ownDataDir(env: ServerEnv) {
  cleanups.push(async () => {
    // A postmaster orphaned by a failed assertion must not outlive the test.
    const pid = await readPidFile(path.join(env.SHOUWANG_DATA_DIR, 'pg'))
    if (pid) {
      try { process.kill(pid.pid, 'SIGINT') } catch { /* gone */ }
      await waitGone(pid.pid, 10_000)
    }
    await fs.rm(env.SHOUWANG_DATA_DIR, { recursive: true, force: true })
  })
}

type Api = (method: string, url: string, body?: unknown) => Promise<Response>

/** A county manager, written straight into the server's database, signed in over HTTP. */
async function signedIn(server: ServerProcess, env: ServerEnv): Promise<Api> {
  const db = await openClusterDb(env.SHOUWANG_DATA_DIR)
  await db.insertInto('appUser').values({
    username: 'keeper', displayName: '保管员', role: 'county_manager', regionCode: REGION, passwordHash: await hashPassword(PASSWORD),
  }).execute()
  await db.destroy()
  const res = await fetch(`${server.baseUrl}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'keeper', password: PASSWORD }),
  })
  if (res.status !== 200) throw new Error(`登录失败：${res.status} ${await res.text()}`)
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  const { csrfToken } = await res.json()
  return (method, url, body) => fetch(`${server.baseUrl}${url}`, {
    method,
    headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
}

type Keeper = { supplyId: number; acked: number; unknown: number; statuses: Map<number, number>; refusals: Array<{ status: number; body: string }> }

/**
 * Books 出库 of 1 against a supply line until told to stop, each against the version it saw.
 * `acked` counts 200s (committed for sure); `unknown` counts answers after which the movement
 * may or may not have committed (the database went away around the commit).
 */
function keep(api: Api, supplyId: number, version: number, until: { stop: boolean; onNetworkError: 'stop' | 'retry' }): { keeper: Keeper; done: Promise<void> } {
  const keeper: Keeper = { supplyId, acked: 0, unknown: 0, statuses: new Map(), refusals: [] }
  const done = (async () => {
    while (!until.stop) {
      const res = await api('POST', `/api/supplies/${supplyId}/movements`, { kind: 'out', quantity: 1, reason: '崩溃测试出库', version }).catch(() => null)
      if (res === null) {
        keeper.unknown++
        if (until.onNetworkError === 'stop') return
      } else {
        keeper.statuses.set(res.status, (keeper.statuses.get(res.status) ?? 0) + 1)
        if (res.status === 200) {
          keeper.acked++
          version = (await res.json()).version
          continue
        }
        keeper.unknown++
        if (keeper.refusals.length < 5) keeper.refusals.push({ status: res.status, body: await res.text() })
        else await res.text()
      }
      // Unsure whether it went through: look at the line again before booking more.
      for (;;) {
        if (until.stop) return
        const line = await api('GET', `/api/supplies/${supplyId}`).catch(() => null)
        if (line) keeper.statuses.set(line.status, (keeper.statuses.get(line.status) ?? 0) + 1)
        if (line?.status === 200) { version = (await line.json()).version; break }
        await line?.text()
        if (line === null && until.onNetworkError === 'stop') return
        await new Promise((r) => setTimeout(r, 100))
      }
    }
  })()
  return { keeper, done }
}

async function createSupplies(api: Api): Promise<Array<{ id: number; version: number }>> {
  const lines: Array<{ id: number; version: number }> = []
  for (let i = 1; i <= KEEPERS; i++) {
    const res = await api('POST', '/api/supplies', { regionCode: REGION, name: `编织袋（崩溃测试 ${i}）`, unit: '条', quantity: 100_000 })
    if (res.status !== 201) throw new Error(`新增物资失败：${res.status} ${await res.text()}`)
    const s = await res.json()
    lines.push({ id: s.id, version: s.version })
  }
  return lines
}

/** Waits for `ok` while the server runs; fails early, with its output, if the server died. */
async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs: number, server: ServerProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await ok())) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) throw new Error(`服务意外退出（等待${what}时）：\n${server.output()}`)
    if (Date.now() > deadline) throw new Error(`等待超时：${what}\n${server.output()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/**
 * Nothing half-written: every line's balance is the sum of its movements, every movement has its
 * audit entry, the audit chain holds, and every movement answered 200 is there.
 */
async function expectWhole(db: Db, keepers: Keeper[]) {
  for (const k of keepers) {
    const { rows: [line] } = await sql<{ quantity: number; movements: number; booked: number; outs: number; audits: number }>`
      select s.quantity,
        (select count(*) from stock_movement m where m.supply_id = s.id) as movements,
        (select coalesce(sum(m.delta), 0) from stock_movement m where m.supply_id = s.id) as booked,
        (select count(*) from stock_movement m where m.supply_id = s.id and m.kind = 'out') as outs,
        (select count(*) from audit_log a where a.entity = 'supply' and a.entity_id = s.id::text and a.action = 'supply.stock_moved') as audits
      from supply s where s.id = ${k.supplyId}`.execute(db)
    expect(line.quantity, `物资 ${k.supplyId}`).toBe(line.booked)
    expect(line.quantity).toBe(100_000 - line.outs)
    expect(line.audits, `物资 ${k.supplyId} 的出库与审计条数`).toBe(line.outs)
    expect(line.outs).toBeGreaterThanOrEqual(k.acked)
    expect(line.outs).toBeLessThanOrEqual(k.acked + k.unknown)
  }
  const chain = await verifyChain(db)
  expect(chain.ok, JSON.stringify(chain.brokenAt)).toBe(true)
}

describe('a server killed with SIGKILL mid-write', () => {
  it('leaves its PostgreSQL behind; the next start stops that one, starts clean and lost nothing committed', async () => {
    const env = await serverEnv()
    ownDataDir(env)
    const clusterDir = path.join(env.SHOUWANG_DATA_DIR, 'pg')
    const first = launch(env)
    await waitHealthy(first)
    const api = await signedIn(first, env)
    const lines = await createSupplies(api)
    const control = { stop: false, onNetworkError: 'stop' as const }
    const keeping = lines.map((l) => keep(api, l.id, l.version, control))
    await until('出库开始', () => keeping.reduce((n, k) => n + k.keeper.acked, 0) >= 40, 30_000, first)

    first.child.kill('SIGKILL')
    await first.exited
    await Promise.all(keeping.map((k) => k.done))
    control.stop = true
    // What kill -9 does to a server: its PostgreSQL lives on without it.
    const orphan = await readPidFile(clusterDir)
    expect(orphan).not.toBeNull()
    expect((await processesUsing(clusterDir)).length).toBeGreaterThan(0)

    const second = launch(env)
    await waitHealthy(second)
    expect(second.output()).toContain(`进程 ${orphan!.pid}`)
    expect(await waitGone(orphan!.pid, 1000)).toBe(true)

    const db = await openClusterDb(env.SHOUWANG_DATA_DIR)
    try {
      await expectWhole(db, keeping.map((k) => k.keeper))
    } finally {
      await db.destroy()
    }
    // The session survived the crash with the rest of the data, and the server takes writes again.
    const line = await (await api('GET', `/api/supplies/${lines[0].id}`)).json()
    const again = await api('POST', `/api/supplies/${lines[0].id}/movements`, { kind: 'in', quantity: 5, reason: '重启后入库', version: line.version })
    expect(again.status).toBe(200)
    expect((await again.json()).quantity).toBe(line.quantity + 5)
    expect(await second.stop()).toBe(0)
    expect(await processesUsing(clusterDir)).toEqual([])
  }, 90_000)
})

describe('PostgreSQL killed with SIGKILL under a running server', () => {
  it('is restarted by the server, which answers 503 meanwhile and never 500, then stops on SIGTERM and starts again', async () => {
    const env = await serverEnv()
    ownDataDir(env)
    const clusterDir = path.join(env.SHOUWANG_DATA_DIR, 'pg')
    const server = launch(env)
    await waitHealthy(server)
    const api = await signedIn(server, env)
    const lines = await createSupplies(api)
    const control = { stop: false, onNetworkError: 'retry' as const }
    const keeping = lines.map((l) => keep(api, l.id, l.version, control))
    const acked = () => keeping.reduce((n, k) => n + k.keeper.acked, 0)
    await until('出库开始', () => acked() >= 40, 30_000, server)

    const postmaster = (await readPidFile(clusterDir))!.pid
    process.kill(postmaster, 'SIGKILL')
    const before = acked()
    await until('数据库重启', () => server.output().includes('内置 PostgreSQL 已重新启动'), 30_000, server)
    await until('重启后继续出库', () => acked() >= before + 40, 30_000, server)
    control.stop = true
    await Promise.all(keeping.map((k) => k.done))

    expect(server.child.exitCode).toBeNull()
    expect((await readPidFile(clusterDir))!.pid).not.toBe(postmaster)
    const statuses = new Map<number, number>()
    for (const k of keeping) for (const [s, n] of k.keeper.statuses) statuses.set(s, (statuses.get(s) ?? 0) + n)
    const refusals = keeping.flatMap((k) => k.keeper.refusals)
    expect([...statuses.keys()].filter((s) => s >= 500 && s !== 503), JSON.stringify(refusals)).toEqual([])
    expect(statuses.get(503)).toBeGreaterThan(0)
    for (const r of refusals.filter((x) => x.status === 503)) {
      expect(JSON.parse(r.body)).toEqual({ code: 'DB_UNAVAILABLE', message: '数据库暂时不可用，正在恢复，请稍后重试', details: [] })
    }

    const db = await openClusterDb(env.SHOUWANG_DATA_DIR)
    try {
      await expectWhole(db, keeping.map((k) => k.keeper))
    } finally {
      await db.destroy()
    }

    // SIGTERM: the port and the database stop, cleanly.
    expect(await server.stop()).toBe(0)
    await expect(fs.stat(path.join(clusterDir, 'postmaster.pid'))).rejects.toMatchObject({ code: 'ENOENT' })
    expect(await processesUsing(clusterDir)).toEqual([])

    const next = launch(env)
    await waitHealthy(next)
    expect(next.output()).not.toContain('遗留')
    expect(await next.stop()).toBe(0)
  }, 90_000)
})

describe('an external database (DATABASE_URL) that is away', () => {
  it('is waited for at start, answered 503 for while it is gone, and reconnected: queries, LISTEN and the workers', async () => {
    // A PostgreSQL of its own stands in for the external server, so the test may stop it.
    const external = await serverEnv()
    ownDataDir(external)
    const pgPort = Number(external.SHOUWANG_PG_PORT)
    let database = await startEmbeddedPostgres({ dataDir: external.SHOUWANG_DATA_DIR, port: pgPort, supervise: false })
    const url = database.url
    await database.stop()
    cleanups.push(() => database.stop())

    const env = await serverEnv({ DATABASE_URL: url })
    ownDataDir(env)
    const server = launch(env)
    await until('等待外部数据库', () => server.output().includes('正在等待外部数据库'), 30_000, server)
    expect(server.output()).not.toContain(url) // the password stays out of the log
    database = await startEmbeddedPostgres({ dataDir: external.SHOUWANG_DATA_DIR, port: pgPort, supervise: false })
    await waitHealthy(server)

    await database.stop()
    const down = await fetch(`${server.baseUrl}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'nobody', password: PASSWORD }),
    })
    expect(down.status).toBe(503)
    expect((await down.json()).code).toBe('DB_UNAVAILABLE')
    expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(503)

    database = await startEmbeddedPostgres({ dataDir: external.SHOUWANG_DATA_DIR, port: pgPort, supervise: false })
    const back = new Date()
    await waitHealthy(server)
    const db = createDb(url, 1)
    try {
      // The event bus listens again, the worker instance holds its connection again, and the job
      // runner is back at work: the ladder's recurring tick runs again.
      await until('后台连接恢复', async () => {
        const { rows } = await sql<{ listens: number; workers: number; ticked: number }>`
          select
            (select count(*) from pg_stat_activity where query = 'listen shouwang_events') as listens,
            (select count(*) from pg_stat_activity where application_name = 'shouwang-worker') as workers,
            (select count(*) from job where key = 'recurring:warning.ladder' and run_at > ${back}) as ticked`.execute(db)
        return rows[0].listens === 1 && rows[0].workers === 1 && rows[0].ticked === 1
      }, 30_000, server)
    } finally {
      await db.destroy()
    }
    const login = await fetch(`${server.baseUrl}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'nobody', password: PASSWORD }),
    })
    expect(login.status).toBe(401)
    expect(server.child.exitCode).toBeNull()
    expect(await server.stop()).toBe(0)
  }, 90_000)
})
