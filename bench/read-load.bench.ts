/**
 * Many officers opening the resource pages at once, on province-scale data: 浙江's division tree,
 * 1,000,000 supply lines (three in ten of them in one county, as a big county holds them), 200,000
 * people, 40,000 resources. A city user (杭州市) and a county user (the dense county) each ask eight
 * kinds of request: the supply list (walking its first five pages), the supply and resource
 * roll-ups, completeness, freshness, attention, the team list and the people list.
 *
 * The server listens on loopback; the load comes from autocannon in another process, every kind of
 * request on its own connections at once (the mix). The baseline asks the same questions as raw
 * SQL through pg, from another process, with as many requests in flight and as many database
 * connections as the server has: a roll-up, completeness, freshness or attention question is the
 * grouping over the records themselves (the statements the product runs without its tallies), a
 * list page the key-ordered page with the names it shows and a count up to 1001. Per kind: the median under
 * load against the baseline's (goal ≤ 1.5×); the roll-ups' and supply list's p95 asked one at a
 * time (goal ≤ 50 ms); the mix's requests per second and p99 (reported).
 *
 * Smaller runs while developing: READ_LOAD_LINES=100000 READ_LOAD_PEOPLE=20000 READ_LOAD_SECONDS=5
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { CamelCasePlugin, Kysely, PostgresDialect, type CompiledQuery } from 'kysely'
import pg from 'pg'
import { buildApp } from '../src/server/app.js'
import type { Db } from '../src/server/db/database.js'
import { scopeOf } from '../src/server/db/scope.js'
import type { Database } from '../src/server/db/types.js'
import { hashPassword } from '../src/server/features/auth/passwords.js'
import { loadRegions } from '../src/server/features/regions/load.js'
import { listAttention } from '../src/server/features/rollup/attention.js'
import { listCompleteness } from '../src/server/features/rollup/completeness.js'
import { rollupFreshness } from '../src/server/features/rollup/freshness.js'
import { rollupResources, rollupSupplies } from '../src/server/features/rollup/queries.js'
import { benchDatabase, record, round, time, PROVINCE_SUPPLY_CTE } from './lib.js'

const LINES = Number(process.env.READ_LOAD_LINES ?? 1_000_000)
const PEOPLE = Number(process.env.READ_LOAD_PEOPLE ?? 200_000)
const RESOURCES = Math.round(LINES / 25)
const SECONDS = Number(process.env.READ_LOAD_SECONDS ?? 20)
const WARMUP_SECONDS = Math.max(2, Math.round(SECONDS / 5))
/** Requests in flight per kind and user: 8 kinds × 2 users × 2 = 32 at once. */
const IN_FLIGHT = 2
/** Database connections on both sides: the server's pool (createDb) and the baseline's. */
const DB_CONNECTIONS = 10
const UNLOADED_RUNS = 40
const RATIO_GOAL = 1.5
const P95_GOAL_MS = 50
/** Share of the lines (and people, resources) in the dense county. */
const DENSE_SHARE = 0.3
const CITY = '330100000000' // 杭州市
const PASSWORD = 'Bench-Passw0rd!'

/** One request of a kind: an HTTP path for the product, the statements it stands for on the raw side. */
type Variant = { path: string; statements: Array<{ sql: string; parameters: readonly unknown[] }> }
type Kind = { name: string; title: string; user: 'city' | 'county'; variants: Variant[] }
type Plan = { mode: 'http' | 'sql'; url: string; cookies: Record<string, string>; seconds: number; warmup: number; kinds: Kind[] }
type Latencies = Record<string, number[]>

const SELF = fileURLToPath(import.meta.url)

// ---------------------------------------------------------------- the load, in its own process

async function client(planFile: string, outFile: string): Promise<void> {
  const plan: Plan = JSON.parse(await fs.readFile(planFile, 'utf8'))
  const run = plan.mode === 'http' ? httpLoad : sqlLoad
  await run(plan, plan.warmup)
  const started = process.hrtime.bigint()
  const latencies = await run(plan, plan.seconds)
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  await fs.writeFile(outFile, JSON.stringify({ seconds, latencies }))
}

/** autocannon, one instance per kind and user, all at once; each instance's responses are its kind's. */
async function httpLoad(plan: Plan, seconds: number): Promise<Latencies> {
  const { default: autocannon } = await import('autocannon')
  const latencies: Latencies = {}
  await Promise.all(plan.kinds.map((k) => new Promise<void>((resolve, reject) => {
    const times: number[] = (latencies[`${k.name}:${k.user}`] = [])
    let failed = 0
    const instance = autocannon({
      url: plan.url,
      connections: IN_FLIGHT,
      duration: seconds,
      headers: { cookie: plan.cookies[k.user] },
      requests: k.variants.map((v) => ({ method: 'GET', path: v.path })),
    }, (err: Error | null) => {
      if (err) reject(err)
      else if (failed > 0) reject(new Error(`${k.name} (${k.user}): ${failed} responses were not 200`))
      else resolve()
    })
    instance.on('response', (_c: unknown, status: number, _b: unknown, ms: number) => {
      if (status === 200) times.push(ms)
      else failed++
    })
  })))
  return latencies
}

/** The same kinds as raw SQL: per kind and user as many workers as connections above, each a request at a time. */
async function sqlLoad(plan: Plan, seconds: number): Promise<Latencies> {
  const pool = new pg.Pool({ connectionString: plan.url, max: DB_CONNECTIONS })
  pool.on('error', () => {})
  const latencies: Latencies = {}
  const until = Date.now() + seconds * 1000
  await Promise.all(plan.kinds.flatMap((k) => {
    const times: number[] = (latencies[`${k.name}:${k.user}`] = [])
    let next = 0
    return Array.from({ length: IN_FLIGHT }, async () => {
      while (Date.now() < until) {
        const v = k.variants[next++ % k.variants.length]
        const start = process.hrtime.bigint()
        await Promise.all(v.statements.map((s) => pool.query(s.sql, s.parameters as unknown[])))
        times.push(Number(process.hrtime.bigint() - start) / 1e6)
      }
    })
  }))
  await pool.end()
  return latencies
}

// ---------------------------------------------------------------- the run

async function main(): Promise<void> {
  const { db, url, close } = await benchDatabase()
  const pool = new pg.Pool({ connectionString: url, max: 4 })
  pool.on('error', () => {})
  let app: Awaited<ReturnType<typeof buildApp>> | null = null
  try {
    const loaded = await time(() => loadRegions(db, '33'))
    console.log(`浙江区划：${loaded.result.rows} 条，${(loaded.ms / 1000).toFixed(1)} 秒`)
    const county = await denseCounty(pool)
    const filled = await time(() => fill(pool, county))
    console.log(`数据：${LINES} 条物资（${county.name} ${Math.round(LINES * DENSE_SHARE)} 条）、${PEOPLE} 名人员、${RESOURCES} 条资源，${(filled.ms / 1000).toFixed(1)} 秒`)

    app = await buildApp({ db, embedded: true, logLevel: 'silent', webRoot: '/nonexistent' })
    await app.listen({ port: 0, host: '127.0.0.1' })
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
    const cookies = { city: await signIn(db, base, 'city_manager', CITY), county: await signIn(db, base, 'county_manager', county.code) }
    const regionOf = { city: CITY, county: county.code }
    const kinds = await planKinds(db, url, base, cookies, regionOf)

    // Asked one at a time: the page as one officer sees it.
    const unloaded: Record<string, { product: number[]; raw: number[] }> = {}
    const rawPool = new pg.Pool({ connectionString: url, max: DB_CONNECTIONS })
    rawPool.on('error', () => {})
    for (const k of kinds) {
      const product: number[] = []
      const raw: number[] = []
      for (let i = 0; i < UNLOADED_RUNS + 3; i++) {
        const v = k.variants[i % k.variants.length]
        const p = await time(() => get(base + v.path, cookies[k.user]))
        const r = await time(() => Promise.all(v.statements.map((s) => rawPool.query(s.sql, s.parameters as unknown[]))))
        // The first rounds warm the caches and the prepared plans.
        if (i >= 3) { product.push(p.ms); raw.push(r.ms) }
      }
      unloaded[`${k.name}:${k.user}`] = { product, raw }
    }
    await rawPool.end()

    const product = await load({ mode: 'http', url: base, cookies, seconds: SECONDS, warmup: WARMUP_SECONDS, kinds })
    const raw = await load({ mode: 'sql', url, cookies, seconds: SECONDS, warmup: WARMUP_SECONDS, kinds })

    const sizes = `${LINES} supply lines, ${PEOPLE} people, ${RESOURCES} resources; ${county.name} ${Math.round(LINES * DENSE_SHARE)} lines`
    let failed = false
    const names = [...new Set(kinds.map((k) => k.name))]
    for (const name of names) {
      const title = kinds.find((k) => k.name === name)!.title
      const pick = (l: Latencies) => kinds.filter((k) => k.name === name).flatMap((k) => l[`${k.name}:${k.user}`])
      const mine = stats(pick(product.latencies))
      const theirs = stats(pick(raw.latencies))
      const ratio = mine.p50 / theirs.p50
      const alone = Object.fromEntries((['city', 'county'] as const).map((u) => [u, stats(unloaded[`${name}:${u}`].product)]))
      const aloneRaw = Object.fromEntries((['city', 'county'] as const).map((u) => [u, stats(unloaded[`${name}:${u}`].raw)]))
      const p95Gated = ['supplies', 'supply-rollup', 'resource-rollup'].includes(name)
      const worstP95 = Math.max(alone.city.p95, alone.county.p95)
      if (ratio > RATIO_GOAL) failed = true
      if (p95Gated && worstP95 > P95_GOAL_MS) failed = true
      await record({
        name: `read-load.${name}`, value: mine.p50, unit: 'ms (p50 under load)', baseline: theirs.p50, ratio,
        goal: `ratio ≤ ${RATIO_GOAL}`,
        dataSize: `${title}; under load p95 ${round(mine.p95)} ms (raw ${round(theirs.p95)} ms), ${mine.n} vs ${theirs.n} requests in ${SECONDS} s; ` +
          `one at a time p95 city ${round(alone.city.p95)} / county ${round(alone.county.p95)} ms (raw ${round(aloneRaw.city.p95)} / ${round(aloneRaw.county.p95)} ms)` +
          `${p95Gated ? `, goal ≤ ${P95_GOAL_MS} ms` : ''}; ${sizes}`,
      })
      if (p95Gated) {
        await record({
          name: `read-load.unloaded.${name}`, value: worstP95, unit: 'ms (p95, one at a time)', baseline: Math.max(aloneRaw.city.p95, aloneRaw.county.p95),
          ratio: worstP95 / Math.max(aloneRaw.city.p95, aloneRaw.county.p95), goal: `≤ ${P95_GOAL_MS}`, dataSize: `${title}, worse of city and county user; ${sizes}`,
        })
      }
    }
    const all = stats(Object.values(product.latencies).flat())
    const allRaw = stats(Object.values(raw.latencies).flat())
    await record({
      name: 'read-load.mix', value: all.n / product.seconds, unit: 'req/s', baseline: allRaw.n / raw.seconds,
      ratio: (allRaw.n / raw.seconds) / (all.n / product.seconds),
      goal: 'report', dataSize: `p99 ${round(all.p99)} ms (raw ${round(allRaw.p99)} ms), p50 ${round(all.p50)} ms; ${kinds.length} kinds × ${IN_FLIGHT} in flight ` +
        `(${kinds.length * IN_FLIGHT} at once) for ${SECONDS} s on ${os.cpus().length} cores shared with the load tool; ${sizes}`,
    })
    if (failed) {
      console.error(`有请求类型比原始 SQL 慢了 ${RATIO_GOAL} 倍以上，或汇总、物资列表单独请求的 p95 超过 ${P95_GOAL_MS} 毫秒`)
      process.exitCode = 1
    }
  } finally {
    await app?.close()
    await pool.end()
    await close()
  }
}

/** The load in a child process; its latencies per kind and user. */
async function load(plan: Plan): Promise<{ seconds: number; latencies: Latencies }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shouwang-read-load-'))
  try {
    const planFile = path.join(dir, 'plan.json')
    const outFile = path.join(dir, 'out.json')
    await fs.writeFile(planFile, JSON.stringify(plan))
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--client', planFile, outFile], { stdio: 'inherit' })
      child.on('error', reject)
      child.on('exit', (c) => resolve(c ?? 1))
    })
    if (code !== 0) throw new Error(`${plan.mode} load exited with ${code}`)
    return JSON.parse(await fs.readFile(outFile, 'utf8'))
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
}

function stats(times: number[]): { n: number; p50: number; p95: number; p99: number } {
  const sorted = [...times].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99) }
}

// ---------------------------------------------------------------- data

/** The county of 杭州 with the most villages: it gets three in ten lines, people and resources. */
async function denseCounty(pool: pg.Pool): Promise<{ code: string; name: string }> {
  const { rows: [c] } = await pool.query<{ code: string; name: string }>(`
    select r.code, r.name from region r
    where r.level = 'county' and r.code like '3301%'
    order by (select count(*) from region v where v.code like left(r.code, 6) || '%' and v.level = 'village') desc, r.code
    limit 1`)
  return c
}

/** `places` of the province and of the dense county, and the row's place: dense for a share of g. */
const PLACES = (county: string) => `
    places as (
      select array_agg(code order by code) as codes, count(*)::int as n
      from region where code like '33%' and level in ('township', 'village')
    ), dense as (
      select array_agg(code order by code) as codes, count(*)::int as n
      from region where code like '${county.slice(0, 6)}%' and level in ('township', 'village')
    )`
const placeOf = (g: string) => `case when (${g} % 10) < ${Math.round(DENSE_SHARE * 10)}
      then d.codes[1 + ((${g}::bigint * 7919) % d.n)::int] else p.codes[1 + ((${g}::bigint * 7919) % p.n)::int] end`

async function fill(pool: pg.Pool, county: { code: string }): Promise<void> {
  // The twenty things ledgers list, without the benchmarks' shared `places` (ours has the dense county too).
  const items = PROVINCE_SUPPLY_CTE.slice(PROVINCE_SUPPLY_CTE.indexOf('items ('))
  // One statement for the lines, as an import of a whole province would go: the tallies are kept by
  // statement triggers, one grouped upsert each.
  await pool.query(`
    with ${PLACES(county.code)}, ${items}
    insert into supply (region_code, class_code, name, unit, is_equipment, condition, quantity, expires_on,
      maintenance_cycle_days, maintained_on, confirmed_at)
    select ${placeOf('g')}, it.class_code, it.name, it.unit, it.is_equipment,
      case when g % 53 = 0 then 'repair' when g % 97 = 0 then 'scrapped' else 'good' end,
      (g * 31) % 500,
      case when not it.is_equipment and g % 7 = 0 then current_date + ((g % 400) - 100) end,
      case when it.is_equipment then 180 end,
      case when it.is_equipment and g % 3 > 0 then current_date - (g % 240) end,
      now() - make_interval(days => g % 400)
    from generate_series(0, ${LINES - 1}) as g
    cross join places p cross join dense d
    join items it on it.i = g % 20`)

  // Units: a 应急站 per township, a 村委会 per village; leading groups per township.
  await pool.query(`
    insert into unit (region_code, name, kind)
    select code, name || case when level = 'township' then '应急管理站' else '村民委员会' end,
      case when level = 'township' then 'township_station' else 'village_committee' end
    from region where code like '33%' and level in ('township', 'village')`)
  await pool.query(`
    insert into leading_group (region_code, name)
    select code, name || '应急领导小组' from region where code like '33%' and level = 'township' and code::bigint % 3 > 0`)

  // People over the places, roles as villages name them; every third at their village's committee.
  await pool.query(`
    with ${PLACES(county.code)}
    insert into person (region_code, unit_id, name, post, mobile, roles)
    select x.code, case when g % 3 = 0 then (select u.id from unit u where u.region_code = x.code limit 1) end,
      '责任人' || g, '书记', '139' || lpad(g::text, 8, '0'),
      array[(array['head', 'liaison', 'informant', 'grid_worker'])[1 + (g / 7) % 4]]
    from generate_series(0, ${PEOPLE - 1}) as g cross join places p cross join dense d
    cross join lateral (select ${placeOf('g')} as code) x`)

  // Resources with their detail rows: teams, shelters, risk points, storage points, experts.
  await pool.query(`
    with ${PLACES(county.code)},
    rows as (
      insert into resource (kind, region_code, name, status, confirmed_at)
      select (array['team', 'shelter', 'risk_point', 'storage_point', 'expert'])[1 + g % 5], ${placeOf('g')},
        '资源' || g, case when g % 29 = 0 then 'inactive' else 'active' end, now() - make_interval(days => (g * 7) % 400)
      from generate_series(0, ${RESOURCES - 1}) as g cross join places p cross join dense d
      returning id, kind)
    , t as (insert into team (resource_id, level, team_type, headcount, insured)
      select id, case when id % 2 = 0 then 'township' else 'village' end, 'grassroots', 5 + (id % 40), id % 4 > 0 from rows where kind = 'team')
    , s as (insert into shelter (resource_id, effective_area_m2, capacity)
      select id, 1500, 100 + (id % 900) from rows where kind = 'shelter')
    , r as (insert into risk_point (resource_id, hazard_type, level, state)
      select id, (array['山洪', '地质灾害', '内涝', '森林火险'])[1 + id % 4], case when id % 9 = 0 then 'major' else 'general' end,
        case when id % 5 = 0 then 'eliminated' else 'monitoring' end from rows where kind = 'risk_point')
    , sp as (insert into storage_point (resource_id) select id from rows where kind = 'storage_point')
    insert into expert (resource_id, domain) select id, 'natural' from rows where kind = 'expert'`)
  await pool.query('analyze')
}

// ---------------------------------------------------------------- sessions and requests

async function signIn(db: Db, base: string, role: 'city_manager' | 'county_manager', regionCode: string): Promise<string> {
  const username = `bench_${role}`
  await db.insertInto('appUser').values({
    username, displayName: `压测${role}`, role, regionCode, passwordHash: await hashPassword(PASSWORD),
  }).execute()
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }),
  })
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`)
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
}

const agent = new http.Agent({ keepAlive: true })

function get(url: string, cookie: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent, headers: { cookie } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8')
        if (res.statusCode !== 200) reject(new Error(`${url} → ${res.statusCode} ${body.slice(0, 200)}`))
        else resolve(JSON.parse(body))
      })
    }).on('error', reject)
  })
}

/** A Kysely instance that records the statements it runs: the raw side replays them through pg. */
function recording(url: string): { db: Db; take: () => CompiledQuery[]; close: () => Promise<void> } {
  const pool = new pg.Pool({ connectionString: url, max: 4 })
  let taken: CompiledQuery[] = []
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin({ maintainNestedObjectKeys: true })],
    log: (event) => { if (event.level === 'query') taken.push(event.query) },
  })
  return {
    db,
    take: () => { const t = taken; taken = []; return t },
    close: () => db.destroy(),
  }
}

/**
 * The kinds of request and their variants. List kinds walk their first five pages (the cursors
 * are fetched first); their raw side is the same key-ordered page through the same joins, with a
 * count up to 1001. Roll-up kinds are raw as the statements the product runs when it groups the
 * records themselves (`{ rows: true }`): the question answered without the tallies.
 */
async function planKinds(db: Db, url: string, base: string, cookies: Record<'city' | 'county', string>, regionOf: Record<'city' | 'county', string>): Promise<Kind[]> {
  const rec = recording(url)
  const kinds: Kind[] = []
  try {
    for (const user of ['city', 'county'] as const) {
      const region = regionOf[user]
      const scope = scopeOf(region)
      const prefix = `${scope.prefix}%`
      const scanned = async (name: string, title: string, path: string, run: () => Promise<unknown>) => {
        rec.take()
        await run()
        const statements = rec.take().map((q) => ({ sql: q.sql, parameters: q.parameters }))
        kinds.push({ name, title, user, variants: [{ path, statements }] })
      }
      await scanned('supply-rollup', '物资装备汇总', '/api/rollup/supplies', () => rollupSupplies(rec.db, scope, undefined, {}, { rows: true }))
      await scanned('resource-rollup', '应急资源汇总', '/api/rollup/resources', () => rollupResources(rec.db, scope, undefined, { rows: true }))
      await scanned('completeness', '应排尽排（第 1 页）', '/api/rollup/completeness', () => listCompleteness(rec.db, scope, {}, { rows: true }))
      await scanned('freshness', '数据更新情况', '/api/rollup/freshness', () => rollupFreshness(rec.db, scope, undefined, { rows: true }))
      await scanned('attention', '到期与状态', '/api/rollup/attention', () => listAttention(rec.db, scope, {}, { rows: true }))

      const pages = async (path: string, rawPage: (after: unknown[] | null) => Variant['statements']) => {
        const variants: Variant[] = []
        let after: string | null = null
        let key: unknown[] | null = null
        for (let i = 0; i < 5; i++) {
          const p = `${path}${after ? `&after=${after}` : ''}`
          const page = await get(base + p, cookies[user]) as { items: Array<Record<string, unknown>>; next: string | null }
          variants.push({ path: p, statements: rawPage(key) })
          if (!page.next) break
          after = page.next
          // The cursor holds the last row's place as text: [order name, ...values].
          key = (JSON.parse(Buffer.from(page.next, 'base64url').toString('utf8')) as unknown[]).slice(1)
        }
        return variants
      }
      const capped = (table: string, extra = '') =>
        ({ sql: `select count(*)::int as n from (select 1 from ${table} where region_code like $1${extra} limit 1001) c`, parameters: [prefix] })
      kinds.push({
        name: 'supplies', title: '物资装备列表（前 5 页）', user,
        variants: await pages('/api/supplies?pageSize=20', (key) => [{
          // The names a page shows as scalar subqueries, as the product asks them: a nine-table join
          // costs more to plan than the page costs to read.
          sql: `select s.*, (select full_name from region where code = s.region_code) as region_name,
              (select name from supply_class where code = s.class_code) as class_name,
              (select name from supply_class where code = left(s.class_code, 1) || '000000') as top_class_name,
              (select name from resource where id = s.storage_point_id) as storage_point_name,
              (select name from resource where id = s.team_id) as team_name,
              (select name from unit where id = s.holder_unit_id) as holder_unit_name,
              (select row(p.id, p.name, p.post, p.mobile) from person p where p.id = s.responsible_person_id) as responsible,
              (select row(p.id, p.name, p.post, p.mobile) from person p where p.id = s.liaison_person_id) as liaison
            from supply s
            where s.region_code like $1 ${key ? 'and (s.region_code, s.name, s.id) > ($2, $3, $4::bigint)' : ''}
            order by s.region_code, s.name, s.id limit 21`,
          parameters: key ? [prefix, ...key] : [prefix],
        }, capped('supply')]),
      })
      kinds.push({
        name: 'teams', title: '救援队伍列表（前 5 页）', user,
        variants: await pages('/api/resources/team?pageSize=20', (key) => [{
          sql: `select x.*, g.full_name as region_name, u.name as owner_unit_name, rp.name as rp_name, rp.mobile as rp_mobile,
              lp.name as lp_name, lp.mobile as lp_mobile, t.*
            from resource x join region g on g.code = x.region_code left join unit u on u.id = x.owner_unit_id
            left join person rp on rp.id = x.responsible_person_id left join person lp on lp.id = x.liaison_person_id
            left join team t on t.resource_id = x.id
            where x.kind = 'team' and x.region_code like $1 ${key ? 'and (x.region_code, x.name, x.id) > ($2, $3, $4::bigint)' : ''}
            order by x.region_code, x.name, x.id limit 21`,
          parameters: key ? [prefix, ...key] : [prefix],
        }, capped('resource', ` and kind = 'team'`)]),
      })
      kinds.push({
        name: 'people', title: '人员名录（前 5 页）', user,
        variants: await pages('/api/people?pageSize=20', (key) => [{
          sql: `select p.*, r.full_name as region_name, un.name as unit_name
            from person p join region r on r.code = p.region_code left join unit un on un.id = p.unit_id
            where p.region_code like $1 ${key ? 'and (p.region_code, p.id) > ($2, $3::bigint)' : ''}
            order by p.region_code, p.id limit 21`,
          parameters: key ? [prefix, ...key] : [prefix],
        }, capped('person')]),
      })
    }
  } finally {
    await rec.close()
  }
  // The product's answers and the raw statements must be the same questions: a roll-up read
  // from the tallies equals the one grouped from the rows (tallies.test.ts checks that in depth).
  for (const user of ['city', 'county'] as const) {
    const scope = scopeOf(regionOf[user])
    const [a, b] = await Promise.all([rollupSupplies(db, scope, undefined), rollupSupplies(db, scope, undefined, {}, { rows: true })])
    if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`supply roll-up of ${regionOf[user]}: tallies and rows differ`)
  }
  return kinds
}

// Last, so that every constant above is initialised: the same file is the benchmark and its load.
if (process.argv[2] === '--client') {
  await client(process.argv[3], process.argv[4])
} else {
  await main()
}
