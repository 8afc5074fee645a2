import crypto from 'node:crypto'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { sql } from 'kysely'
import { inject } from 'vitest'
import type { RoleKey } from '../../domain/auth/roles.js'
import { buildApp, type AppOptions } from '../app.js'
import { createDb, type Db } from '../db/database.js'
import { hashPassword } from '../features/auth/passwords.js'
import { TEMPLATE_DB } from './global-setup.js'

export const TEST_PASSWORD = 'Test-Passw0rd!'
let testPasswordHash: Promise<string> | null = null

/** A fresh database cloned from the migrated template (with 湖州 and 扬州 regions). */
export async function createTestDb(): Promise<{ db: Db; url: string; drop: () => Promise<void> }> {
  const adminUrl = inject('pgAdminUrl')
  const name = `t_${crypto.randomBytes(6).toString('hex')}`
  const admin = createDb(adminUrl, 1)
  await sql`create database ${sql.id(name)} template ${sql.id(TEMPLATE_DB)}`.execute(admin)
  const url = adminUrl.replace(/\/postgres$/, `/${name}`)
  const db = createDb(url, 5)
  return {
    db,
    url,
    drop: async () => {
      await db.destroy()
      // pg-pool's end() resolves before its sockets are closed; a forced drop would then kill
      // connections that are already leaving, and their error event has no listener left.
      for (let i = 0; i < 100; i++) {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = ${name}`.execute(admin)
        if (rows[0].n === 0) break
        await new Promise((r) => setTimeout(r, 20))
      }
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin)
      await admin.destroy()
    },
  }
}

/**
 * The whole API on its own database; closing the app drops the database. Options add a fake
 * clock, channel gateways (loopback peers) or the background workers.
 */
export async function testApp(opts: Partial<Omit<AppOptions, 'db'>> = {}): Promise<FastifyInstance> {
  const { db, drop } = await createTestDb()
  const app = await buildApp({ embedded: true, logLevel: 'silent', webRoot: '/nonexistent', ...opts, db })
  app.addHook('onClose', drop)
  await app.ready()
  return app
}

export type Session = {
  userId: number
  cookie: string
  csrf: string
  /** inject() with this session's cookie and CSRF header. */
  request: (opts: InjectOptions) => Promise<LightMyRequestResponse>
}

let counter = 0

/** Creates a user with the role and jurisdiction and signs in through the real login route. */
export async function signIn(app: FastifyInstance, who: { role: RoleKey; regionCode: string; username?: string }): Promise<Session> {
  testPasswordHash ??= hashPassword(TEST_PASSWORD)
  const username = who.username ?? `u${process.pid}_${++counter}_${who.role}`
  const user = await app.db.insertInto('appUser').values({
    username, displayName: `测试${who.role}`, role: who.role, regionCode: who.regionCode, passwordHash: await testPasswordHash,
  }).returning('id').executeTakeFirstOrThrow()
  return signInAs(app, username, TEST_PASSWORD, user.id)
}

export async function signInAs(app: FastifyInstance, username: string, password: string, userId = 0): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } })
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`)
  const cookie = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
  const csrf = res.json().csrfToken as string
  const id = userId || (res.json().user.id as number)
  return {
    userId: id,
    cookie,
    csrf,
    request: (opts) => app.inject({ ...opts, headers: { ...opts.headers, cookie, 'x-csrf-token': csrf } }),
  }
}
