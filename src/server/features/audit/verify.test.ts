import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../db/database.js'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { chainHash, GENESIS_HASH, recordAudit, SYSTEM_ACTOR, type AuditEntry, type ChainedFields } from './record.js'
import { pruneAudit } from './retention.js'
import { verifyChain } from './verify.js'

let app: FastifyInstance
let auditor: Session

/** Each describe gets its own database: tampering and pruning must not leak into other cases. */
function ownDatabase() {
  beforeAll(async () => { app = await testApp() })
  afterAll(async () => { await app.close() })
}

const DAY = 86_400_000

/** Appends an entry as recordAudit does, but dated in the past: the only way to get old entries. */
async function appendDated(db: Db, daysAgo: number, action: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const last = await trx.selectFrom('auditLog').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst()
    const prevHash = last?.hash ?? GENESIS_HASH
    const fields: ChainedFields = {
      at: new Date(Date.now() - daysAgo * DAY).toISOString(), actorId: null, actorName: '系统', ip: null,
      action, entity: 'test', entityId: String(daysAgo), regionCode: null, before: null, after: { daysAgo },
    }
    const row = await trx.insertInto('auditLog')
      .values({ ...fields, before: null, after: JSON.stringify(fields.after), prevHash, hash: chainHash(prevHash, fields) })
      .returning('id').executeTakeFirstOrThrow()
    return row.id
  })
}

const record = (db: Db, entry: AuditEntry) =>
  db.transaction().execute((trx) => recordAudit(trx, SYSTEM_ACTOR, entry))

/** Runs `change` with the append-only guard off, as someone with the database's owner rights could. */
async function bypassingGuard(db: Db, change: () => Promise<unknown>) {
  await sql`alter table audit_log disable trigger audit_log_guard`.execute(db)
  try { await change() } finally { await sql`alter table audit_log enable trigger audit_log_guard`.execute(db) }
}

const countEntries = async (db: Db) =>
  (await db.selectFrom('auditLog').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n

const verify = async () => {
  const res = await auditor.request({ url: '/api/audit/verify' })
  expect(res.statusCode).toBe(200)
  return res.json()
}

describe('hash chain verification', () => {
  ownDatabase()
  beforeAll(async () => {
    auditor = await signIn(app, { role: 'auditor', regionCode: '330500000000' })
  })

  it('recomputes hashes exactly for values jsonb reorders and renormalises', async () => {
    await record(app.db, {
      action: 'test.values', entity: 'test', entityId: 42, regionCode: '330502000000',
      before: { z: 1, a: [3, { y: null, b: 'x' }], n: 0.1, big: 1e21, small: 1.2345678901234567e-7, neg: -0, int: 9007199254740991 },
      after: { text: '引号"与\\反斜杠\n换行 \u2028 😀', when: new Date('2024-02-29T12:34:56.789Z'), skipped: undefined, nested: { deep: { deeper: [true, false] } } },
    })
    await record(app.db, { action: 'test.scalar', entity: 'test', before: 'just text', after: 7.5 })
    const result = await verifyChain(app.db)
    expect(result).toMatchObject({ ok: true, checked: await countEntries(app.db) })
    expect(result.brokenAt).toBeUndefined()
  })

  it('finds an entry whose content was changed behind the guard', async () => {
    await record(app.db, { action: 'test.b', entity: 'test', after: { amount: 2 } })
    await record(app.db, { action: 'test.c', entity: 'test', after: { amount: 3 } })
    const target = await app.db.selectFrom('auditLog').select('id').where('action', '=', 'test.b').executeTakeFirstOrThrow()
    expect((await verify()).ok).toBe(true)

    await bypassingGuard(app.db, () => sql`update audit_log set after = '{"amount": 200}' where id = ${target.id}`.execute(app.db))
    const result = await verify()
    expect(result.ok).toBe(false)
    expect(result.brokenAt).toEqual({ id: target.id, reason: expect.stringContaining('改动') })

    await bypassingGuard(app.db, () => sql`update audit_log set after = '{"amount": 2}' where id = ${target.id}`.execute(app.db))
    expect((await verify()).ok).toBe(true)
  })

  it('finds a deleted entry at the entry that followed it', async () => {
    for (const action of ['test.d1', 'test.d2', 'test.d3']) await record(app.db, { action, entity: 'test' })
    const rows = await app.db.selectFrom('auditLog').selectAll().where('action', 'like', 'test.d_').orderBy('id').execute()
    await bypassingGuard(app.db, () => app.db.deleteFrom('auditLog').where('id', '=', rows[1].id).execute())
    expect((await verifyChain(app.db)).brokenAt).toEqual({ id: rows[2].id, reason: expect.stringContaining('删除') })

    const { before, after, ...rest } = rows[1]
    await app.db.insertInto('auditLog').values({ ...rest, before: JSON.stringify(before), after: JSON.stringify(after) }).execute()
    expect((await verifyChain(app.db)).ok).toBe(true)
  })

  it('walks the chain in batches', async () => {
    for (let i = 0; i < 25; i++) await record(app.db, { action: 'test.bulk', entity: 'test', after: { i } })
    expect(await verifyChain(app.db, {}, 4)).toMatchObject({ ok: true, checked: await countEntries(app.db) })
  })
})

describe('append-only guard', () => {
  ownDatabase()

  it('refuses to change an entry, in Chinese', async () => {
    await record(app.db, { action: 'test.a', entity: 'test' })
    await expect(sql`update audit_log set action = 'test.z'`.execute(app.db)).rejects.toThrow('审计日志不可修改')
  })

  it('refuses to delete an entry younger than six months', async () => {
    await expect(app.db.deleteFrom('auditLog').execute()).rejects.toThrow('审计日志须保存至少 6 个月')
    await appendDated(app.db, 179, 'test.young')
    await expect(app.db.deleteFrom('auditLog').where('action', '=', 'test.young').execute()).rejects.toThrow('6 个月')
  })
})

describe('time ranges and retention', () => {
  ownDatabase()
  const ids: Record<number, number> = {}
  beforeAll(async () => {
    // Oldest first, as a long-running deployment would have written them.
    for (const days of [400, 200, 100, 10, 1]) ids[days] = await appendDated(app.db, days, `test.d${days}`)
    await record(app.db, { action: 'test.now', entity: 'test' })
  })

  it('verifies a time range, linking its first entry to the one before', async () => {
    const from = new Date(Date.now() - 2 * DAY)
    const result = await verifyChain(app.db, { from, to: new Date(Date.now() - DAY / 2) })
    expect(result).toMatchObject({ ok: true, checked: 1, firstId: ids[1], lastId: ids[1] })
    // The entry before the range is part of the check: rewriting it breaks the link into the range.
    const original = await app.db.selectFrom('auditLog').select('hash').where('id', '=', ids[10]).executeTakeFirstOrThrow()
    await bypassingGuard(app.db, () => sql`update audit_log set hash = ${'f'.repeat(64)} where id = ${ids[10]}`.execute(app.db))
    expect((await verifyChain(app.db, { from })).brokenAt?.id).toBe(ids[1])
    await bypassingGuard(app.db, () => sql`update audit_log set hash = ${original.hash} where id = ${ids[10]}`.execute(app.db))
    expect((await verifyChain(app.db, { from })).ok).toBe(true)
  })

  it('prunes from the oldest end, never below 180 days, and the rest still verifies from its anchor', async () => {
    expect(await pruneAudit(app.db, 365)).toMatchObject({ deleted: 1, keepDays: 365, throughId: ids[400] })
    expect((await verifyChain(app.db)).ok).toBe(true)

    expect(await pruneAudit(app.db, 30)).toMatchObject({ deleted: 1, keepDays: 180, throughId: ids[200] })
    const left = await app.db.selectFrom('auditLog').select(['id', 'action', 'prevHash']).orderBy('id').execute()
    expect(left[0]).toMatchObject({ id: ids[100], action: 'test.d100' })
    expect(left[0].prevHash).not.toBe(GENESIS_HASH)

    expect(await verifyChain(app.db)).toMatchObject({ ok: true, firstId: ids[100], checked: left.length })
    const pruned = await app.db.selectFrom('auditLog').select('after').where('action', '=', 'audit.pruned').orderBy('id', 'desc').executeTakeFirstOrThrow()
    expect(pruned.after).toMatchObject({ deleted: 1, keepDays: 180, firstKeptId: ids[100], anchorHash: left[0].prevHash })

    expect(await pruneAudit(app.db, 30)).toMatchObject({ deleted: 0 })
  })
})

describe('retention of an idle log', () => {
  ownDatabase()

  it('keeps the newest entry even when every entry is old enough to go', async () => {
    await appendDated(app.db, 300, 'test.d300')
    const newest = await appendDated(app.db, 200, 'test.d200')
    expect(await pruneAudit(app.db, 180)).toMatchObject({ deleted: 1 })
    expect(await verifyChain(app.db)).toMatchObject({ ok: true, firstId: newest })
  })
})
