import { spawn } from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { Migrator, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { createDb, type Db } from '../../db/database.js'
import { MIGRATIONS } from '../../db/migrations.js'
import { createTestDb } from '../../testing/test-app.js'
import { recordAudit, type Actor } from '../audit/record.js'
import { verifyChain } from '../audit/verify.js'
import { dump, DUMP_FORMAT } from './dump.js'
import { restore } from './restore.js'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..')
// Everything COPY's text format must escape, and what jsonb likes to reorder.
const AWKWARD = 'tab\there\nnew line\r\\ backslash \\. \\N null-looking\u0001 湖州「引号」 emoji 🌧'

let t: Awaited<ReturnType<typeof createTestDb>>
let dir: string
beforeAll(async () => {
  t = await createTestDb()
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shouwang-backup-'))
  await seed(t.db)
})
afterAll(async () => {
  await t.drop()
  await fs.rm(dir, { recursive: true, force: true })
})

const actor: Actor = { id: null, name: '测试', ip: '127.0.0.1' }

async function seed(db: Db) {
  const users = await db.insertInto('appUser').values([
    { username: 'wx-admin', displayName: AWKWARD, role: 'county_manager', regionCode: '330502000000', passwordHash: 'h1' },
    { username: 'nx-duty', displayName: '南浔值班员', role: 'duty', regionCode: '330503000000', passwordHash: 'h2', lockedUntil: new Date('2030-01-02T03:04:05.678Z') },
  ]).returning('id').execute()
  await db.insertInto('session').values({ id: 's1', userId: users[1].id, csrfToken: 'c', ip: null, userAgent: AWKWARD, lastSeenAt: new Date() }).execute()
  await db.insertInto('setting').values({ key: 'awkward', value: JSON.stringify({ z: AWKWARD, a: [1, 2.5, null, { y: true }] }) }).execute()
  for (const [i, u] of users.entries()) {
    await db.transaction().execute((trx) => recordAudit(trx, actor, {
      action: 'user.created', entity: 'user', entityId: u.id, regionCode: '330502000000',
      before: i === 0 ? null : { note: AWKWARD }, after: { username: `u${i}`, nested: { b: [1, { c: null }], a: '湖州' } },
    }))
  }
}

/** Every row of every public table as PostgreSQL's own text, sorted: equal means identical. */
async function snapshot(db: Db): Promise<Record<string, string[]>> {
  const { rows: tables } = await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = 'public' order by 1`.execute(db)
  const out: Record<string, string[]> = {}
  for (const { name } of tables) {
    const { rows } = await sql<{ r: string }>`select x::text as r from ${sql.table(name)} x order by 1`.execute(db)
    out[name] = rows.map((r) => r.r)
  }
  return out
}

describe('backup and restore', () => {
  it('restores every table exactly, keeps the audit chain intact and logs the restore on it', async () => {
    const before = await snapshot(t.db)
    const file = path.join(dir, 'nested', 'round-trip.sw.gz')
    const progress: string[] = []
    const header = await dump(t.url, file, (table, rows) => progress.push(`${table}:${rows}`))
    expect(header.migration).toBe(Object.keys(MIGRATIONS).at(-1))
    expect(header.tables.find((x) => x.name === 'app_user')?.rows).toBe(2)
    expect(header.tables.map((x) => x.name)).not.toContain('kysely_migration')
    // Referenced tables first: a reader sees regions before the users in them.
    expect(header.tables.findIndex((x) => x.name === 'region')).toBeLessThan(header.tables.findIndex((x) => x.name === 'app_user'))
    expect(progress).toContain('app_user:2')
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600)

    // Change, delete and add rows everywhere the restore must undo.
    await t.db.updateTable('region').set({ name: '改名区' }).where('code', '=', '330502000000').execute()
    await t.db.deleteFrom('appUser').where('username', '=', 'nx-duty').execute()
    await t.db.insertInto('setting').values({ key: 'later', value: '1' }).execute()
    await t.db.insertInto('loginFailure').values({ ip: '10.0.0.1', username: 'x' }).execute()
    await t.db.transaction().execute((trx) => recordAudit(trx, actor, { action: 'user.deleted', entity: 'user', entityId: 2 }))
    expect(await snapshot(t.db)).not.toEqual(before)

    await restore(t.url, file)

    const after = await snapshot(t.db)
    const { audit_log: auditAfter, ...restAfter } = after
    const { audit_log: auditBefore, ...restBefore } = before
    expect(restAfter).toEqual(restBefore)
    expect(auditAfter.slice(0, -1)).toEqual(auditBefore)
    const last = await t.db.selectFrom('auditLog').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()
    expect(last.action).toBe('backup.restored')
    expect(last.entityId).toBe('round-trip.sw.gz')
    expect(await verifyChain(t.db)).toEqual(expect.objectContaining({ ok: true, checked: auditBefore.length + 1 }))

    // Sequences continue after the restored ids.
    const maxId = Math.max(...(await t.db.selectFrom('appUser').select('id').execute()).map((r) => r.id))
    const added = await t.db.insertInto('appUser').values({ username: 'new', displayName: 'n', role: 'duty', regionCode: '330502000000', passwordHash: 'h' })
      .returning('id').executeTakeFirstOrThrow()
    expect(added.id).toBeGreaterThan(maxId)
    await t.db.deleteFrom('appUser').where('id', '=', added.id).execute()
  })

  it('refuses a dump from a newer version and leaves the database untouched', async () => {
    const before = await snapshot(t.db)
    const file = path.join(dir, 'future.sw.gz')
    const header = { format: DUMP_FORMAT, formatVersion: 1, createdAt: new Date().toISOString(), migration: '9999_future', tables: [], sequences: [] }
    await fs.writeFile(file, gzipSync(`${JSON.stringify(header)}\n`))
    await expect(restore(t.url, file)).rejects.toMatchObject({ code: 'RESTORE_NEWER_DUMP', message: expect.stringContaining('请先升级守望') })
    expect(await snapshot(t.db)).toEqual(before)
  })

  it('rolls everything back when the file ends half-way, and refuses files that are not dumps', async () => {
    const file = path.join(dir, 'whole.sw.gz')
    await dump(t.url, file)
    const before = await snapshot(t.db)
    const bytes = await fs.readFile(file)
    const cut = path.join(dir, 'cut.sw.gz')
    await fs.writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.7)))
    await expect(restore(t.url, cut)).rejects.toMatchObject({ code: 'BACKUP_TRUNCATED' })
    expect(await snapshot(t.db)).toEqual(before)

    const junk = path.join(dir, 'junk.sw.gz')
    await fs.writeFile(junk, 'not a backup')
    await expect(restore(t.url, junk)).rejects.toMatchObject({ code: 'BACKUP_BAD_FILE' })
    await expect(restore(t.url, path.join(dir, 'missing.sw.gz'))).rejects.toMatchObject({ code: 'BACKUP_NOT_FOUND' })
  })

  const names = Object.keys(MIGRATIONS)
  it.skipIf(names.length < 2)('restores a dump of an older schema and replays the newer migrations', async () => {
    const admin = createDb(inject('pgAdminUrl'), 1)
    const oldName = `old_${process.pid}`
    await sql`create database ${sql.id(oldName)}`.execute(admin)
    const oldUrl = inject('pgAdminUrl').replace(/\/postgres$/, `/${oldName}`)
    const old = createDb(oldUrl, 2)
    const target = await createTestDb()
    try {
      const migrator = new Migrator({ db: old, provider: { getMigrations: async () => MIGRATIONS } })
      const { error } = await migrator.migrateTo(names.at(-2)!)
      if (error) throw error
      await old.insertInto('region').values({ code: '330500000000', name: '湖州市', level: 'city', kind: null, parentCode: null, fullName: '湖州市' }).execute()
      const file = path.join(dir, 'old.sw.gz')
      expect((await dump(oldUrl, file)).migration).toBe(names.at(-2))
      const tablesBefore = Object.keys(await snapshot(target.db))

      await restore(target.url, file)

      expect(Object.keys(await snapshot(target.db))).toEqual(tablesBefore)
      const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(target.db)
      expect(applied.rows.map((r) => r.name)).toEqual(names)
      const regions = await target.db.selectFrom('region').select('code').execute()
      expect(regions.map((r) => r.code)).toEqual(['330500000000'])
    } finally {
      await old.destroy()
      await target.drop()
      await sql`drop database if exists ${sql.id(oldName)} with (force)`.execute(admin)
      await admin.destroy()
    }
  })
})

describe('backup command', () => {
  function run(args: string[]) {
    return new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/features/backup/cli.ts', ...args], {
        cwd: repoRoot, env: { ...process.env, DATABASE_URL: t.url, SHOUWANG_DATA_DIR: dir },
      })
      let out = ''
      child.stdout.on('data', (d) => { out += d })
      child.stderr.on('data', (d) => { out += d })
      child.on('close', (code) => resolve({ code, out }))
    })
  }

  it('backs up to the data directory by default and restores after a safety copy, in Chinese', async () => {
    const backup = await run(['backup'])
    expect(backup.out).toContain('备份完成')
    expect(backup.code).toBe(0)
    const files = await fs.readdir(path.join(dir, 'backups'))
    const made = files.find((f) => /^shouwang-\d{8}-\d{6}\.sw\.gz$/.test(f))
    expect(made).toBeDefined()

    const restored = await run(['restore', path.join(dir, 'backups', made!)])
    expect(restored.out).toContain('恢复完成')
    expect(restored.code).toBe(0)
    expect((await fs.readdir(path.join(dir, 'backups'))).some((f) => f.startsWith('before-restore-'))).toBe(true)

    const refused = await run(['restore'])
    expect(refused.code).not.toBe(0)
    expect(refused.out).toContain('用法')
  })
})
