import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../app.js'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { HEARTBEAT_LAPSE_MS, INTERRUPTED_MESSAGE, PARSE_TIMEOUT_MS, recoverStaleImports } from './import-cleanup.js'
import { uploadsRoot } from './read/temp-files.js'
import { commit, upload, waitParsed } from './test-upload.js'

/**
 * Imports that cannot finish are given up with a message (at start, and when their parse stops
 * beating or runs too long), any import not committed can be deleted within the jurisdiction,
 * and upload folders of dead processes are removed at start.
 */

const WUXING = '330502000000'
const ZHILI = '330502100000'
const BALIDIAN = '330502101000'

let app: FastifyInstance
let county: Session
let township: Session
let neighbour: Session
let tmp: string

beforeAll(async () => {
  tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'import-cleanup-test-'))
  process.env.TMPDIR = tmp
  app = await testApp()
  county = await signIn(app, { role: 'county_manager', regionCode: WUXING })
  township = await signIn(app, { role: 'township_manager', regionCode: ZHILI })
  neighbour = await signIn(app, { role: 'township_manager', regionCode: BALIDIAN })
})
afterAll(async () => {
  await app.close()
  await fs.promises.rm(tmp, { recursive: true, force: true })
})

const CSV = Buffer.from('乡镇（街道）,物资名称,数量,单位\r\n织里镇,救生衣,10,件\r\n织里镇,冲锋舟,2,艘\r\n')

/** An import as a killed process leaves it: still 'parsing', with rows saved so far. */
async function strandedImport(opts: { createdAgoMs?: number; heartbeatAgoMs?: number | null } = {}): Promise<number> {
  const { id } = await app.db.insertInto('ledgerImport').values({
    annex: 'annex4', fileName: '织里镇物资.xlsx', fileSha256: '0'.repeat(64), regionCode: ZHILI, status: 'parsing',
    createdAt: new Date(Date.now() - (opts.createdAgoMs ?? 0)),
    summary: opts.heartbeatAgoMs == null ? null : JSON.stringify({ heartbeatAt: new Date(Date.now() - opts.heartbeatAgoMs).toISOString() }),
  }).returning('id').executeTakeFirstOrThrow()
  await app.db.insertInto('ledgerImportRow').values({ importId: id, rowNo: 2, data: JSON.stringify({ name: '救生衣' }), outcome: 'create' }).execute()
  return id
}

const statusOf = async (id: number) => (await app.db.selectFrom('ledgerImport').select(['status', 'message']).where('id', '=', id).executeTakeFirst()) ?? null
const rowsOf = async (id: number) => (await app.db.selectFrom('ledgerImportRow').select('rowNo').where('importId', '=', id).execute()).length

/** A dead process's id: one above every live one is free for a moment. */
function deadPid(): number {
  for (let pid = 4_000_000; pid > 1000; pid -= 7919) {
    try {
      process.kill(pid, 0)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') return pid
    }
  }
  throw new Error('no free pid')
}

describe('imports a dead process left behind', () => {
  it('are given up when the server starts, with the message, their rows and the temp folders of dead processes gone', async () => {
    const id = await strandedImport({ heartbeatAgoMs: 1000 })
    const dead = path.join(uploadsRoot(), `${deadPid()}-abcdef`)
    const mine = path.join(uploadsRoot(), `${process.pid}-inflight`)
    for (const dir of [dead, mine]) {
      await fs.promises.mkdir(dir, { recursive: true })
      await fs.promises.writeFile(path.join(dir, 'upload'), 'x')
    }
    // The server starting again on the same (embedded) database.
    const restarted = await buildApp({ db: app.db, embedded: true, logLevel: 'silent', webRoot: '/nonexistent' })
    try {
      await restarted.ready()
    } finally {
      await restarted.close()
    }
    expect(await statusOf(id)).toEqual({ status: 'failed', message: '解析中断（服务重启或超时），请重新上传' })
    expect(await rowsOf(id)).toBe(0)
    const shown = (await township.request({ url: `/api/ledgers/imports/${id}` })).json()
    expect(shown).toMatchObject({ status: 'failed', message: INTERRUPTED_MESSAGE, totalRows: 0 })
    const audit = await app.db.selectFrom('auditLog').select(['actorName', 'regionCode', 'after']).where('action', '=', 'ledger.import_interrupted')
      .where('entityId', '=', String(id)).execute()
    expect(audit).toEqual([{ actorName: '系统', regionCode: ZHILI, after: expect.objectContaining({ status: 'failed', fileName: '织里镇物资.xlsx' }) }])
    // A folder of a process that is gone is removed; one of a process still running (ours) is not.
    expect(fs.existsSync(dead)).toBe(false)
    expect(fs.existsSync(mine)).toBe(true)
    await fs.promises.rm(mine, { recursive: true })

    // Given up, it can be deleted instead of waiting for ever.
    const del = await township.request({ method: 'DELETE', url: `/api/ledgers/imports/${id}` })
    expect(del.statusCode, del.body).toBe(200)
    expect(await statusOf(id)).toBeNull()
  })

  it('are given up by the sweep when the heartbeat stops or the parse runs too long, and not before', async () => {
    const alive = await strandedImport({ heartbeatAgoMs: 5_000, createdAgoMs: 60_000 })
    const silent = await strandedImport({ heartbeatAgoMs: HEARTBEAT_LAPSE_MS + 10_000, createdAgoMs: HEARTBEAT_LAPSE_MS + 20_000 })
    const neverBeat = await strandedImport({ heartbeatAgoMs: null, createdAgoMs: HEARTBEAT_LAPSE_MS + 10_000 })
    const tooLong = await strandedImport({ heartbeatAgoMs: 5_000, createdAgoMs: PARSE_TIMEOUT_MS + 60_000 })
    const given = await recoverStaleImports(app.db)
    expect(given.sort((a, b) => a - b)).toEqual([silent, neverBeat, tooLong])
    expect(await statusOf(alive)).toEqual({ status: 'parsing', message: null })
    expect(await rowsOf(alive)).toBe(1)
    for (const id of given) expect(await statusOf(id)).toEqual({ status: 'failed', message: INTERRUPTED_MESSAGE })
    expect(await recoverStaleImports(app.db)).toEqual([])
    await app.db.deleteFrom('ledgerImport').where('id', '=', alive).execute()
  })

  it('tells the user who commits one that is still parsing that it may be deleted', async () => {
    const id = await strandedImport({ heartbeatAgoMs: 1000 })
    const res = await commit(township, id)
    expect(res.statusCode).toBe(409)
    expect(res.json().message).toBe('该批次仍在解析，请等解析完成、核对预览后再提交（解析中断的批次会被标记为失败，可删除后重新上传）')
    expect((await township.request({ method: 'DELETE', url: `/api/ledgers/imports/${id}` })).statusCode).toBe(200)
  })
})

describe('deleting an import', () => {
  it('deletes a previewed or failed one with its rows and audits it; keeps a committed one; stays in the jurisdiction', async () => {
    const res = await upload(township, 'annex4', ZHILI, '物资.csv', CSV)
    const { id } = await waitParsed(township, res.json().importId)
    expect(await rowsOf(id)).toBe(2)
    // Not the neighbouring township's, and not for a read-only account.
    const outside = await neighbour.request({ method: 'DELETE', url: `/api/ledgers/imports/${id}` })
    expect(outside.statusCode).toBe(404)
    expect(outside.json().message).toBe(`导入批次“${id}”不存在或不在您的辖区内`)
    const viewer = await signIn(app, { role: 'viewer', regionCode: ZHILI })
    expect((await viewer.request({ method: 'DELETE', url: `/api/ledgers/imports/${id}` })).statusCode).toBe(403)
    expect(await statusOf(id)).toMatchObject({ status: 'previewed' })

    // The county above may delete it.
    const del = await county.request({ method: 'DELETE', url: `/api/ledgers/imports/${id}` })
    expect(del.statusCode, del.body).toBe(200)
    expect(await statusOf(id)).toBeNull()
    expect(await rowsOf(id)).toBe(0)
    const audit = await app.db.selectFrom('auditLog').select(['actorName', 'regionCode', 'before']).where('action', '=', 'ledger.import_deleted')
      .where('entityId', '=', String(id)).executeTakeFirstOrThrow()
    expect(audit).toMatchObject({ regionCode: ZHILI, before: { fileName: '物资.csv', status: 'previewed', totalRows: 2 } })
    expect(audit.actorName).toContain('county_manager')
    expect((await township.request({ url: `/api/ledgers/imports/${id}` })).statusCode).toBe(404)

    const again = await upload(township, 'annex4', ZHILI, '物资.csv', CSV)
    const committed = await waitParsed(township, again.json().importId)
    expect((await commit(township, committed.id)).statusCode).toBe(200)
    const refused = await township.request({ method: 'DELETE', url: `/api/ledgers/imports/${committed.id}` })
    expect(refused.statusCode).toBe(409)
    expect(refused.json()).toMatchObject({ code: 'IMPORT_COMMITTED', message: '导入批次“物资.csv”已经导入，不能删除：它是写入数据的记录' })
    expect(await statusOf(committed.id)).toMatchObject({ status: 'committed' })
  })

  it('stops a parse still running when its import is deleted, leaving no rows and no temp file', async () => {
    const big = Buffer.from(`物资名称,数量,单位\r\n${Array.from({ length: 20_000 }, (_, i) => `物资${i},${i},件`).join('\r\n')}\r\n`)
    const res = await upload(township, 'annex4', ZHILI, '大台账.csv', big)
    const id = res.json().importId as number
    const del = await township.request({ method: 'DELETE', url: `/api/ledgers/imports/${id}` })
    expect(del.statusCode, del.body).toBe(200)
    // The parse ends on its own once it notices; its upload folder goes with it.
    let left = await fs.promises.readdir(uploadsRoot()).catch(() => [] as string[])
    for (let i = 0; i < 500 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 20))
      left = await fs.promises.readdir(uploadsRoot()).catch(() => [] as string[])
    }
    expect(left).toEqual([])
    expect(await statusOf(id)).toBeNull()
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ledger_import_row where import_id = ${id}`.execute(app.db)
    expect(rows[0].n).toBe(0)
  })
})
