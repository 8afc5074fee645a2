import fs from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { createDb } from '../db/database.js'
import { startEmbeddedPostgres } from '../db/embedded.js'
import { migrateToLatest } from '../db/migrations.js'
import { loadRegions } from '../features/regions/load.js'

/** Regions every test database starts with: 湖州市 (the demo city) and 扬州市 (seed 002's names). */
export const TEST_REGION_PREFIXES = ['3305', '3210']
export const TEMPLATE_DB = 'shouwang_template'

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    }).on('error', reject)
  })
}

/**
 * One real PostgreSQL for the whole run, from node_modules like production. A template database
 * holds the schema and regions; each test file clones it (CREATE DATABASE … TEMPLATE), which is
 * far faster than migrating per file.
 */
export default async function setup(project: TestProject) {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'shouwang-test-'))
  await fs.chmod(dataDir, 0o755)
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false })
  const adminUrl = server.url.replace(/\/shouwang$/, '/postgres')
  const admin = createDb(adminUrl, 1)
  const { sql } = await import('kysely')
  await sql`create database ${sql.id(TEMPLATE_DB)}`.execute(admin)
  const template = createDb(server.url.replace(/\/shouwang$/, `/${TEMPLATE_DB}`), 4)
  await migrateToLatest(template)
  for (const prefix of TEST_REGION_PREFIXES) await loadRegions(template, prefix)
  await template.destroy()
  await admin.destroy()
  project.provide('pgAdminUrl', adminUrl)
  return async () => {
    await server.stop()
    await fs.rm(dataDir, { recursive: true, force: true })
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string
  }
}
