import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import { readChannelConfig } from './channels/config.js'
import { readConfig } from './config.js'
import { connectDatabase, type Connected } from './db/connect.js'
import { listenHost } from './features/demo/listen.js'
import { prepareDeployment } from './features/demo/prepare.js'
import { demoPresent } from './features/demo/presence.js'
import { gatewaySetupNotice } from './features/gateway/setup.js'
import { describeStartupFailure, StartupError } from './startup-error.js'

const config = readConfig()
const started = Date.now()
let connected: Connected | null = null
let app: FastifyInstance | null = null

// A stop asked for longer than this ago stops waiting for slow requests or gateway sends:
// PostgreSQL's fast shutdown rolls back whatever is still open, so nothing is left half-written.
const STOP_DEADLINE_MS = 8_000

let stopping = false
async function shutdown(signal: string) {
  if (stopping) return
  stopping = true
  app?.log.info(`${signal}: stopping`)
  const force = setTimeout(() => {
    console.error(`${STOP_DEADLINE_MS / 1000} 秒内未能停止，强制停止数据库并退出 / Not stopped within ${STOP_DEADLINE_MS / 1000} s; stopping the database and exiting`)
    void (connected?.embedded?.stop() ?? Promise.resolve()).finally(() => process.exit(1))
  }, STOP_DEADLINE_MS)
  // Stop taking requests, let running ones finish, then stop PostgreSQL cleanly.
  await app?.close().catch((err) => console.error(err))
  await connected?.close().catch((err) => console.error(err))
  clearTimeout(force)
  process.exit(0)
}
// From the first moment: a stop during start-up must still stop the PostgreSQL it started.
process.on('SIGINT', () => void shutdown('SIGINT'))
process.on('SIGTERM', () => void shutdown('SIGTERM'))

try {
  connected = await connectDatabase(config)
  const { db, embedded } = connected
  await prepareDeployment(db, config, (line) => console.log(line))
  const listen = listenHost(config, await demoPresent(db))

  app = await buildApp({
    db,
    embedded: embedded !== null,
    sessionIdleMinutes: config.sessionIdleMinutes,
    cookieSecure: config.cookieSecure,
    logLevel: config.logLevel,
    trustProxy: process.env.SHOUWANG_TRUST_PROXY === 'true',
    channels: readChannelConfig(),
    workers: process.env.SHOUWANG_WORKERS !== 'false',
  })
  await app.listen({ port: config.port, host: listen.host }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE') {
      throw new StartupError('port-in-use',
        `端口 ${config.port} 已被其他程序占用（可能是另一个正在运行的守望）。请用环境变量 PORT 指定一个空闲端口，或先停止占用它的程序。`,
        `Port ${config.port} is already in use (perhaps by another running Shouwang). Set PORT to a free port, or stop the program using it first.`)
    }
    if (err.code === 'EACCES') {
      throw new StartupError('port-denied',
        `没有权限监听端口 ${config.port}（1024 以下的端口需要特权）。请用环境变量 PORT 指定 1024 以上的端口，并在其前面用反向代理。`,
        `No permission to listen on port ${config.port} (ports below 1024 need privileges). Set PORT above 1024 and put a reverse proxy in front.`)
    }
    throw err
  })
  for (const line of await gatewaySetupNotice(db, app.channels)) console.log(line)
  if (listen.notice) console.log(listen.notice)
  console.log(`守望已启动：http://localhost:${config.port}（数据库：${embedded ? `内置 PostgreSQL，数据目录 ${config.dataDir}` : '外部 PostgreSQL'}；用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒）`)
} catch (err) {
  if (!stopping) {
    console.error(describeStartupFailure(err))
    await app?.close().catch(() => {})
    await connected?.close().catch(() => {})
    process.exit(1)
  }
}
