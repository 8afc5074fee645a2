import { execFile } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../app.js'
import { createTestDb, signIn, signInAs, type Session } from '../../testing/test-app.js'
import { seedDemo, type DemoLogin } from '../demo/seed.js'
import { createAdministrator, resetPasswordBySetup } from './setup.js'

const WUXING = '330502000000'
const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '../../../..')

let app: FastifyInstance
let url: string

// The app and the set-up command share one database, as on a real deployment.
beforeAll(async () => {
  const created = await createTestDb()
  url = created.url
  app = await buildApp({ embedded: true, logLevel: 'silent', webRoot: '/nonexistent', db: created.db })
  app.addHook('onClose', created.drop)
  await app.ready()
})
afterAll(async () => { await app.close() })

/** `npm run admin -- …` against the test database; a failing command is an answer, not a throw. */
async function admin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: url }
  try {
    const { stdout, stderr } = await promisify(execFile)('node', ['--import', 'tsx', 'src/server/features/users/cli.ts', ...args], { cwd: root, env, timeout: 60_000 })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string }
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }
  }
}

const printedPassword = (stdout: string) => /一次性口令：(\S{4}-\S{4}-\S{4})/.exec(stdout)?.[1]

async function takeOver(username: string, oneTimePassword: string): Promise<Session> {
  const s = await signInAs(app, username, oneTimePassword)
  expect((await s.request({ url: '/api/audit' })).json().code).toBe('PASSWORD_CHANGE_REQUIRED')
  expect((await s.request({ method: 'POST', url: '/api/auth/password', payload: { oldPassword: oneTimePassword, newPassword: 'Owner-Passw0rd' } })).statusCode).toBe(200)
  return s
}

describe('the set-up command', () => {
  it('creates an auditor with a one-time password its owner must replace, and the log says who did it', async () => {
    const out = await admin('create-auditor', 'hz.audit', WUXING, '王审计')
    expect(out.code, out.stderr).toBe(0)
    expect(out.stdout).toContain('已创建审计管理员账号“hz.audit”（湖州市吴兴区）')
    const password = printedPassword(out.stdout)
    expect(password).toBeDefined()
    const auditor = await takeOver('hz.audit', password!)
    const log = await auditor.request({ url: '/api/audit?action=user.created' })
    expect(log.statusCode).toBe(200)
    expect(log.json().items[0]).toMatchObject({ actorId: null, actorName: '部署设置命令', after: { username: 'hz.audit', role: 'auditor', mustChangePassword: true, via: 'setup' } })
    expect(JSON.stringify(log.json())).not.toContain(password)
  })

  it('resets any account’s password to a one-time one and ends its sessions', async () => {
    const sec = await signIn(app, { role: 'secadmin', regionCode: WUXING, username: 'wx.sec' })
    const out = await admin('reset-password', 'WX.SEC')
    expect(out.code, out.stderr).toBe(0)
    expect(out.stdout).toContain('安全管理员')
    expect((await sec.request({ url: '/api/auth/me' })).statusCode).toBe(401)
    await takeOver('wx.sec', printedPassword(out.stdout)!)
  })

  it('refuses what it cannot do, saying why, and changes nothing', async () => {
    const usage = await admin()
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain('npm run admin -- create-auditor')
    expect((await admin('create-viewer', 'x.y', WUXING)).stderr).toContain('无法识别的命令：create-viewer')
    expect((await admin('create-auditor', 'x.y', '3305')).stderr).toContain('区划代码“3305”应为 12 位数字')
    const taken = await admin('create-auditor', 'HZ.AUDIT', WUXING)
    expect(taken.code).toBe(1)
    expect(taken.stderr).toContain('用户名“HZ.AUDIT”已被使用')
    expect((await admin('reset-password', 'nobody.here')).stderr).toContain('用户名“nobody.here”不存在')
    await expect(createAdministrator(app.db, { role: 'city_manager', username: 'biz.user', regionCode: WUXING })).rejects.toThrow('设置命令只创建系统、安全、审计管理员账号')
    await expect(createAdministrator(app.db, { role: 'auditor', username: 'no.region', regionCode: '330599000000' })).rejects.toThrow('区划代码“330599000000”不存在')
    await expect(createAdministrator(app.db, { role: 'auditor', username: '张三', regionCode: WUXING })).rejects.toThrow('用户名“张三”')
    await expect(resetPasswordBySetup(app.db, 'nobody.here')).rejects.toThrow('不存在')
    const users = await app.db.selectFrom('appUser').select('username').where('username', 'in', ['biz.user', 'no.region', '张三', 'x.y']).execute()
    expect(users).toEqual([])
  })
})

describe('demo accounts', () => {
  let logins: DemoLogin[]
  beforeAll(async () => { logins = await seedDemo(app.db, WUXING) }, 120_000)

  it('sign in with their printed passwords and work at once, with no forced change', async () => {
    expect(logins.map((l) => l.username)).toEqual(expect.arrayContaining(['demo-admin', 'demo-security', 'demo-auditor', 'demo-county']))
    for (const l of logins) {
      const s = await signInAs(app, l.username, l.password)
      const me = (await s.request({ url: '/api/auth/me' })).json().user
      expect(me.mustChangePassword, l.username).toBe(false)
      const url = l.role === 'auditor' ? '/api/audit' : l.role === 'sysadmin' || l.role === 'secadmin' ? '/api/users' : '/api/units'
      expect((await s.request({ url })).statusCode, `${l.username} ${url}`).toBe(200)
    }
  })

  it('let the demo show two-person control: the demo security administrator asks, the demo system administrator approves', async () => {
    const sessions = Object.fromEntries(await Promise.all(logins.map(async (l) => [l.username, await signInAs(app, l.username, l.password)] as const)))
    const duty = await app.db.selectFrom('appUser').select(['id', 'version']).where('username', '=', 'demo-duty').executeTakeFirstOrThrow()
    const asked = await sessions['demo-security'].request({ method: 'PUT', url: `/api/users/${duty.id}/role`, payload: { role: 'auditor', regionCode: WUXING, version: duty.version } })
    expect(asked.statusCode).toBe(202)
    const done = await sessions['demo-admin'].request({ method: 'POST', url: `/api/users/approvals/${asked.json().approval.id}/approve`, payload: {} })
    expect(done.json().user.role).toBe('auditor')
  })
})
