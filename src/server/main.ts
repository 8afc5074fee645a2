import { buildApp } from './app.js'
import { readChannelConfig } from './channels/config.js'
import { readConfig } from './config.js'
import { connectDatabase } from './db/connect.js'
import { prepareDeployment } from './features/demo/prepare.js'

const config = readConfig()
const started = Date.now()
const { db, embedded, close } = await connectDatabase(config)
await prepareDeployment(db, config, (line) => console.log(line))

const app = await buildApp({
  db,
  embedded: embedded !== null,
  sessionIdleMinutes: config.sessionIdleMinutes,
  cookieSecure: config.cookieSecure,
  logLevel: config.logLevel,
  trustProxy: process.env.SHOUWANG_TRUST_PROXY === 'true',
  channels: readChannelConfig(),
  workers: process.env.SHOUWANG_WORKERS !== 'false',
})

let stopping = false
async function shutdown(signal: string) {
  if (stopping) return
  stopping = true
  app.log.info(`${signal}: stopping`)
  // Stop taking requests, let running ones finish, then stop PostgreSQL cleanly.
  await app.close()
  await close()
  process.exit(0)
}
process.on('SIGINT', () => void shutdown('SIGINT'))
process.on('SIGTERM', () => void shutdown('SIGTERM'))

await app.listen({ port: config.port, host: config.host })
console.log(`守望已启动：http://localhost:${config.port}（数据库：${embedded ? `内置 PostgreSQL，数据目录 ${config.dataDir}` : '外部 PostgreSQL'}；用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒）`)
