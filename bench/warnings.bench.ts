/**
 * A province-wide warning: 浙江's division tree with 100,000 responsible people spread over its
 * townships and villages, one warning to all of them.
 *
 * 1. Fan-out: recipients and wave-1 deliveries created by the product's `warning.fanout` job,
 *    against a raw batched INSERT of the same rows (the ids read once, then unnest batches).
 * 2. Hand-off: the dispatcher gives every wave-1 SMS (personal confirm link included) to a
 *    loopback gateway, against plain HTTP POSTs of the same messages at the same concurrency.
 *    Goals: hand-off ≤ 1.5× the plain POSTs; issue (fan-out + hand-off) ≤ 20 s.
 * 3. Confirmations: people tapping their links (POST /api/confirm/:token over real HTTP, from
 *    another thread, 128 taps in flight), against a raw single-row UPDATE per confirmation at
 *    the same concurrency (no HTTP). Goal ≥ 2,000 per second.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import pg from 'pg'
import { DEFAULT_LADDERS } from '../src/domain/warnings/ladder.js'
import { buildApp } from '../src/server/app.js'
import { channelsOff } from '../src/server/channels/config.js'
import { adaptersFor, closeAdapters } from '../src/server/channels/index.js'
import { systemClock } from '../src/server/jobs/clock.js'
import { loadRegions } from '../src/server/features/regions/load.js'
import { createDispatcher } from '../src/server/features/warnings/delivery/dispatch.js'
import { fanOut } from '../src/server/features/warnings/delivery/fanout.js'
import { signConfirmToken } from '../src/server/features/warnings/delivery/tokens.js'
import { startSmsGateway } from '../src/server/testing/peers/sms-gateway.js'
import { benchDatabase, record, time } from './lib.js'
import { postAllInWorker } from './load-client.js'

// Smaller runs while developing: WARNINGS_BENCH_PEOPLE=10000 npm run bench -- warnings
const PEOPLE = Number(process.env.WARNINGS_BENCH_PEOPLE ?? 100_000)
const CONFIRMATIONS = Math.min(20_000, Math.floor(PEOPLE / 5))
const CONCURRENCY = 50
// Confirmations come from many phones at once: this many taps are in flight at any moment.
const PHONES_IN_FLIGHT = 128
const PROVINCE = '330000000000'
const HANDOFF_RATIO_GOAL = 1.5
const ISSUE_TO_HANDOFF_GOAL_S = 20

const { db, pool, url, close } = await benchDatabase()
const gateway = await startSmsGateway()
const rawGateway = await startSmsGateway()
let app: Awaited<ReturnType<typeof buildApp>> | null = null
try {
  const loaded = await time(() => loadRegions(db, '33'))
  console.log(`浙江区划：${loaded.result.rows} 条，${(loaded.ms / 1000).toFixed(1)} 秒`)

  // Responsible people in turn over every township and village, with the roles villages name.
  const filled = await time(() => pool.query(`
    with places as (
      select array_agg(code order by code) as codes, count(*)::int as n
      from region where code like '33%' and level in ('township', 'village')
    )
    insert into person (region_code, name, post, mobile, roles)
    select p.codes[1 + (g % p.n)], '责任人' || g, '书记', '139' || lpad(g::text, 8, '0'),
      array[(array['head', 'liaison', 'informant', 'grid_worker'])[1 + (g / p.n) % 4]]
    from generate_series(0, ${PEOPLE - 1}) as g cross join places p`))
  await pool.query('analyze person')
  console.log(`责任人：${filled.result.rowCount} 人，${(filled.ms / 1000).toFixed(1)} 秒`)

  // Wave 1 by SMS at any hour: at night the level-2 ladder would start with a voice call as well,
  // and the run would measure a different amount of work depending on when it was started.
  const ladder = { ...DEFAULT_LADDERS[2], wave1: ['inapp', 'sms'], nightStartsAtVoice: false }
  const newWarning = async (headline: string) => {
    const issuedAt = new Date()
    const row = await db.insertInto('warning').values({
      regionCode: PROVINCE, status: 'issued', identifier: null, eventClass: 'natural', eventType: '台风', level: 2,
      headline, description: '台风将于今夜登陆，沿海及山区有暴雨。', instruction: '责任人立即上岗到位。',
      areaDesc: '浙江省', senderName: '浙江省应急管理厅', onset: issuedAt, issuedAt,
      target: JSON.stringify({ regions: [PROVINCE], polygons: [], circles: [], roles: [], groupIds: [] }),
      channels: ['inapp', 'sms'], ladder: JSON.stringify(ladder),
    }).returning('id').executeTakeFirstOrThrow()
    return { id: row.id, issuedAt }
  }

  // 1. Fan-out.
  const warning = await newWarning('台风橙色预警')
  const fan = await time(() => fanOut(db, systemClock, { warningId: warning.id, revision: 1 }))
  const counts = fan.result
  if (!counts || counts.recipients !== PEOPLE) throw new Error(`fan-out reached ${counts?.recipients} of ${PEOPLE}`)
  const smsQueued = counts.byChannel.sms ?? 0
  if (smsQueued !== PEOPLE) throw new Error(`fan-out queued ${smsQueued} SMS, expected ${PEOPLE}`)

  const raw = await newWarning('台风橙色预警（基线）')
  const rawFan = await time(async () => {
    const people = await pool.query<{ id: string; region_code: string; level: string; mobile: string }>(`
      select p.id, p.region_code, r.level, p.mobile from person p join region r on r.code = p.region_code
      where p.region_code like '33%' and p.roles && array['head','liaison','informant','grid_worker']`)
    const now = new Date()
    for (let i = 0; i < people.rows.length; i += 10_000) {
      const batch = people.rows.slice(i, i + 10_000)
      const ids = batch.map((p) => p.id)
      await pool.query(`
        insert into warning_recipient (warning_id, person_id, region_code, region_level, reason, next_at, created_at)
        select $1, unnest($2::bigint[]), unnest($3::text[]), unnest($4::text[]), 'target', $5, $5`,
      [raw.id, ids, batch.map((p) => p.region_code), batch.map((p) => p.level), now])
      await pool.query(`
        insert into delivery (warning_id, person_id, channel, address, key, send_after, queued_at)
        select $1, p, 'sms', m, $5 || p, $4, $4 from unnest($2::bigint[], $3::text[]) as t(p, m)`,
      [raw.id, ids, batch.map((p) => p.mobile), now, `raw${raw.id}:`])
    }
    return people.rows.length
  })
  if (rawFan.result !== PEOPLE) throw new Error(`baseline reached ${rawFan.result}`)
  // The baseline's rows must not be sent by the dispatcher below.
  await pool.query(`update delivery set state = 'failed' where warning_id = $1`, [raw.id])

  await record({
    name: 'warnings.fanout', value: fan.ms / 1000, unit: 's', baseline: rawFan.ms / 1000, ratio: fan.ms / rawFan.ms,
    goal: `≤ ${ISSUE_TO_HANDOFF_GOAL_S} (with hand-off)`, dataSize: `${PEOPLE} people, ${counts.recipients} recipients, ${smsQueued} SMS`,
  })

  // 2. Hand-off of wave 1 to the loopback SMS gateway.
  const config = { ...channelsOff('https://yj.example.gov.cn'), sms: { url: gateway.url, token: null, timeoutMs: 10_000 } }
  const adapters = adaptersFor(config, { db, clock: systemClock })
  const dispatcher = createDispatcher({ db, clock: systemClock, publicBaseUrl: config.publicBaseUrl, adapters, concurrency: { sms: CONCURRENCY } })
  const handOff = await time(() => dispatcher.drain())
  await dispatcher.stop()
  closeAdapters(adapters)
  if (gateway.received.length !== PEOPLE) throw new Error(`gateway got ${gateway.received.length} of ${PEOPLE} SMS`)
  if (!gateway.received[0].text.includes('https://yj.example.gov.cn/c/')) throw new Error('SMS without a confirm link')

  const messages = gateway.received.map((m) => JSON.stringify({ key: `raw-${m.key}`, to: m.to, text: m.text }))
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY })
  const rawHandOff = await time(() => inParallel(messages.length, CONCURRENCY, (i) => post(rawGateway.url, messages[i], agent)))
  agent.destroy()
  if (rawGateway.received.length !== PEOPLE) throw new Error(`baseline gateway got ${rawGateway.received.length}`)

  await record({
    name: 'warnings.handoff', value: handOff.ms / 1000, unit: 's', baseline: rawHandOff.ms / 1000, ratio: handOff.ms / rawHandOff.ms,
    goal: `ratio ≤ ${HANDOFF_RATIO_GOAL}`, dataSize: `${PEOPLE} SMS, ${CONCURRENCY} in flight`,
  })
  await record({
    name: 'warnings.issue-to-handoff', value: (fan.ms + handOff.ms) / 1000, unit: 's',
    baseline: (rawFan.ms + rawHandOff.ms) / 1000, ratio: (fan.ms + handOff.ms) / (rawFan.ms + rawHandOff.ms),
    goal: `≤ ${ISSUE_TO_HANDOFF_GOAL_S}`, dataSize: `${PEOPLE} people across 浙江`,
  })
  if (handOff.ms / rawHandOff.ms > HANDOFF_RATIO_GOAL || (fan.ms + handOff.ms) / 1000 > ISSUE_TO_HANDOFF_GOAL_S) {
    console.error(`交接慢于直接 POST 的 ${HANDOFF_RATIO_GOAL} 倍，或从发布到全部交接超过 ${ISSUE_TO_HANDOFF_GOAL_S} 秒`)
    process.exitCode = 1
  }

  // 3. Confirmations through the public confirm link, on a listening server.
  app = await buildApp({ db, embedded: true, logLevel: 'silent', webRoot: '/nonexistent', channels: config })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/confirm/`
  const people = (await pool.query<{ person_id: string }>(
    `select person_id from warning_recipient where warning_id = $1 order by person_id limit ${CONFIRMATIONS * 2}`, [warning.id])).rows
  const tokens = await Promise.all(people.slice(0, CONFIRMATIONS).map((p) =>
    signConfirmToken(db, { warningId: warning.id, personId: Number(p.person_id) })))
  // The phones are another thread: their HTTP work must not count against the server's.
  const confirmed = await postAllInWorker(tokens.map((t) => base + t), PHONES_IN_FLIGHT)
  if (confirmed.failed > 0) throw new Error(`${confirmed.failed} confirmations failed, e.g. ${confirmed.firstError}`)
  const { rows: [{ n }] } = await pool.query<{ n: number }>(
    `select count(*)::int as n from warning_recipient where warning_id = $1 and state = 'acknowledged'`, [warning.id])
  if (n !== CONFIRMATIONS) throw new Error(`${n} of ${CONFIRMATIONS} confirmations recorded`)

  // The raw way: the same number of single-row updates of other recipients, same concurrency.
  const others = people.slice(CONFIRMATIONS).map((p) => Number(p.person_id))
  // As many connections as the product's pool has.
  const rawPool = new pg.Pool({ connectionString: url, max: 10 })
  const rawConfirmed = await time(() => inParallel(others.length, PHONES_IN_FLIGHT, (i) => rawPool.query(
    `update warning_recipient set state = 'acknowledged', acknowledged_at = now(), ack_channel = 'link'
     where warning_id = $1 and person_id = $2 and state = 'pending'`, [warning.id, others[i]])))
  await rawPool.end()
  const perSecond = CONFIRMATIONS / (confirmed.ms / 1000)
  const rawPerSecond = others.length / (rawConfirmed.ms / 1000)
  await record({
    name: 'warnings.confirmations', value: perSecond, unit: '/s', baseline: rawPerSecond, ratio: perSecond / rawPerSecond,
    goal: '≥ 2000', dataSize: `${CONFIRMATIONS} confirm links of ${PEOPLE} recipients, ${PHONES_IN_FLIGHT} in flight`,
  })
} finally {
  await app?.close()
  await gateway.close()
  await rawGateway.close()
  await close()
}

/** Runs task(0..n-1) with at most `width` at a time. */
async function inParallel(n: number, width: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await task(next++)
  }))
}

function post(url: string, body: string, agent: http.Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { 'content-length': Buffer.byteLength(body) }
    if (body) headers['content-type'] = 'application/json'
    const req = http.request(url, { method: 'POST', agent, headers }, (res) => {
      res.resume()
      res.on('end', () => (res.statusCode && res.statusCode < 300 ? resolve() : reject(new Error(`${url} → ${res.statusCode}`))))
    })
    req.on('error', reject)
    req.end(body)
  })
}
