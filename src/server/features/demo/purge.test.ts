import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../app.js'
import { readConfig } from '../../config.js'
import { createTestDb, signIn, signInAs, type Session } from '../../testing/test-app.js'
import { insertRecipient, insertWarning } from '../../testing/warning-rows.js'
import { prepareDeployment } from './prepare.js'
import { purgeDemo } from './purge.js'
import { seedDemo, type DemoLogin } from './seed.js'

const WUXING = '330502000000'
const NANXUN = '330503000000'
const root = path.resolve(import.meta.dirname, '../../../..')

let app: FastifyInstance
let url: string
let logins: DemoLogin[]
let city: Session

// The app and the purge command share one database, as on a real deployment.
beforeAll(async () => {
  const created = await createTestDb()
  url = created.url
  app = await buildApp({ embedded: true, logLevel: 'silent', webRoot: '/nonexistent', db: created.db })
  app.addHook('onClose', created.drop)
  await app.ready()
  logins = await seedDemo(app.db, WUXING)
  city = await signIn(app, { role: 'city_manager', regionCode: '330500000000' })
}, 120_000)
afterAll(async () => { await app.close() })

/** `npm run demo:purge` against the test database. */
async function purgeCommand(): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: url }
  try {
    const { stdout, stderr } = await promisify(execFile)('node', ['--import', 'tsx', 'src/server/features/demo/cli.ts'], { cwd: root, env, timeout: 90_000 })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string }
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }
  }
}

/** Demo rows left in every table that has `is_demo`, found from the catalogue so no table is missed. */
async function demoRowsLeft(): Promise<Record<string, number>> {
  const { rows: tables } = await sql<{ table: string }>`
    select table_name as table from information_schema.columns
    where table_schema = current_schema() and column_name = 'is_demo' order by 1`.execute(app.db)
  expect(tables.length).toBeGreaterThanOrEqual(8)
  const left: Record<string, number> = {}
  for (const { table } of tables) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where is_demo`.execute(app.db)
    left[table] = rows[0].n
  }
  return left
}

const health = async () => (await app.inject({ url: '/api/health' })).json()
const supplyRollup = async (regionCode: string) => (await city.request({ url: `/api/rollup/supplies?regionCode=${regionCode}` })).json()

describe('while demo data exists', () => {
  it('says so on every page and in the roll-ups that include it, and not in those that do not', async () => {
    expect((await health()).demo).toBe(true)
    expect((await supplyRollup(WUXING)).includesDemo).toBe(true)
    expect((await supplyRollup(NANXUN)).includesDemo).toBe(false)
    const completeness = await city.request({ url: `/api/rollup/completeness?regionCode=${WUXING}` })
    expect(completeness.json().includesDemo).toBe(true)
  })

  it('gives the demo storage points a keeper of their own, who is whom the nearest boats name', async () => {
    const duty = await signInAs(app, 'demo-duty', logins.find((l) => l.username === 'demo-duty')!.password)
    const town = await app.db.selectFrom('region').select('code').where('code', 'like', '330502%').where('level', '=', 'township')
      .orderBy('code').limit(1).executeTakeFirstOrThrow()
    const res = await duty.request({ method: 'POST', url: '/api/nearest', payload: { at: { regionCode: town.code }, needs: [{ type: 'supply', name: '冲锋舟', quantity: 1 }] } })
    expect(res.statusCode, res.body).toBe(200)
    const [h] = res.json().results[0].holdings
    expect(h.contact).toMatchObject({ role: 'keeper', roleLabel: '保管员', post: '物资保管员', phone: expect.stringMatching(/^138\*{4}\d{4}$/) })
  })
})

describe('purging the demo', () => {
  it('changes nothing at all when any part of it fails', async () => {
    const before = await demoRowsLeft()
    await sql`create function refuse_delete() returns trigger language plpgsql as $$ begin raise exception 'refused for the test'; end $$;
      create trigger refuse_delete before delete on app_user for each row execute function refuse_delete()`.execute(app.db)
    try {
      await expect(purgeDemo(app.db, { id: null, name: '测试', ip: null })).rejects.toThrow('refused for the test')
    } finally {
      await sql`drop trigger refuse_delete on app_user; drop function refuse_delete()`.execute(app.db)
    }
    expect(await demoRowsLeft()).toEqual(before)
    expect(await app.db.selectFrom('setting').select('key').where('key', '=', 'demo.purged_at').executeTakeFirst()).toBeUndefined()
  })

  it('removes every demo row and account in one command, and leaves real rows that pointed at them', async () => {
    const db = app.db
    // Real rows that refer to demo rows, in the ways a deployment that started with the demo will have them.
    const demoUnit = await db.selectFrom('unit').select('id').where('isDemo', '=', true).orderBy('id').limit(1).executeTakeFirstOrThrow()
    const demoPeople = await db.selectFrom('person').select('id').where('isDemo', '=', true).orderBy('id').limit(2).execute()
    const demoPoint = await db.selectFrom('resource').select('id').where('isDemo', '=', true).where('kind', '=', 'storage_point').limit(1).executeTakeFirstOrThrow()
    const realPerson = await db.insertInto('person').values({ regionCode: WUXING, name: '真实人员', unitId: demoUnit.id, mobile: '13900000001' })
      .returning('id').executeTakeFirstOrThrow()
    const realLine = await db.insertInto('supply').values({ regionCode: WUXING, classCode: '2000000', name: '真实冲锋舟', unit: '艘', quantity: 2, storagePointId: demoPoint.id })
      .returning(['id', 'version']).executeTakeFirstOrThrow()
    const realGroup = await db.insertInto('leadingGroup').values({ regionCode: WUXING, name: '真实领导小组' }).returning('id').executeTakeFirstOrThrow()
    await db.insertInto('leadingGroupMember').values([
      { groupId: realGroup.id, personId: demoPeople[0].id, position: 'member' },
      { groupId: realGroup.id, personId: realPerson.id, position: 'leader' },
    ]).execute()
    const realWarning = await insertWarning(db, { regionCode: WUXING, headline: '真实预警' })
    await insertRecipient(db, realWarning.id, demoPeople[1].id)
    await insertRecipient(db, realWarning.id, realPerson.id)
    const realAccount = await signIn(app, { role: 'viewer', regionCode: WUXING })
    await db.updateTable('appUser').set({ personId: demoPeople[0].id }).where('id', '=', realAccount.userId).execute()
    // A demo account signed in right now.
    const county = logins.find((l) => l.username === 'demo-county')!
    await signInAs(app, county.username, county.password)

    const out = await purgeCommand()
    expect(out.code, out.stderr).toBe(0)
    expect(out.stdout).toContain('已在一个事务中清除演示数据')

    expect(Object.values(await demoRowsLeft()).every((n) => n === 0)).toBe(true)
    expect(await db.selectFrom('appUser').select('username').where('username', 'like', 'demo-%').execute()).toEqual([])
    expect(await db.selectFrom('session as s').innerJoin('appUser as u', 'u.id', 's.userId').select('s.id').where('u.isDemo', '=', true).execute()).toEqual([])

    expect(await db.selectFrom('person').select(['name', 'unitId']).where('id', '=', realPerson.id).executeTakeFirst()).toEqual({ name: '真实人员', unitId: null })
    const line = await db.selectFrom('supply').select(['storagePointId', 'version']).where('id', '=', realLine.id).executeTakeFirstOrThrow()
    expect(line).toEqual({ storagePointId: null, version: realLine.version + 1 })
    expect(await db.selectFrom('leadingGroupMember').select('personId').where('groupId', '=', realGroup.id).execute()).toEqual([{ personId: realPerson.id }])
    expect(await db.selectFrom('warningRecipient').select('personId').where('warningId', '=', realWarning.id).execute()).toEqual([{ personId: realPerson.id }])
    expect(await db.selectFrom('appUser').select('personId').where('id', '=', realAccount.userId).executeTakeFirst()).toEqual({ personId: null })
    expect((await realAccount.request({ url: '/api/auth/me' })).statusCode).toBe(200)

    const entry = await db.selectFrom('auditLog').select(['actorName', 'after']).where('action', '=', 'demo.purged').executeTakeFirstOrThrow()
    expect(entry.actorName).toBe('清除演示数据命令')
    // Memberships of demo people go, in demo groups and in the real one alike.
    expect(entry.after).toMatchObject({ removed: { app_user: logins.length }, dependents: { 'leading_group_member.person_id': expect.any(Number) } })
  }, 120_000)

  it('then shows no banner and no demo note, says so when run again, and is not seeded again at the next start', async () => {
    expect((await health()).demo).toBe(false)
    expect((await supplyRollup(WUXING)).includesDemo).toBe(false)
    const again = await purgeCommand()
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toContain('没有演示数据')

    await app.db.deleteFrom('appUser').execute()
    const lines: string[] = []
    await prepareDeployment(app.db, { ...readConfig({}), rootRegion: '330500000000', demo: true }, (l) => lines.push(l))
    expect(await app.db.selectFrom('appUser').select('id').execute()).toEqual([])
    expect(lines.join('\n')).not.toContain('演示数据已生成')
  }, 120_000)
})
