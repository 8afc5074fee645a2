import path from 'node:path'

/** Everything the server reads from the environment, read once. */
export type Config = {
  port: number
  host: string
  /** HOST was given: then it is used as is, demo data or not (features/demo/listen.ts). */
  hostSet: boolean
  /** External PostgreSQL; when absent the embedded server under `dataDir` is used. */
  databaseUrl: string | null
  dataDir: string
  embeddedPort: number
  /** Region the deployment serves; the demo and the default region load start from it. */
  rootRegion: string
  /** Seed demo data (regions, accounts, directory) into an empty database. */
  demo: boolean
  sessionIdleMinutes: number
  cookieSecure: boolean
  logLevel: string
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = path.resolve(env.SHOUWANG_DATA_DIR ?? 'data')
  return {
    port: Number(env.PORT ?? 3000),
    host: env.HOST || '0.0.0.0',
    hostSet: Boolean(env.HOST),
    databaseUrl: env.DATABASE_URL || null,
    dataDir,
    embeddedPort: Number(env.SHOUWANG_PG_PORT ?? 54329),
    rootRegion: env.SHOUWANG_ROOT_REGION ?? '330500000000',
    demo: (env.SHOUWANG_DEMO ?? 'true') !== 'false',
    sessionIdleMinutes: Number(env.SHOUWANG_SESSION_IDLE_MINUTES ?? 30),
    cookieSecure: env.SHOUWANG_COOKIE_SECURE === 'true',
    logLevel: env.LOG_LEVEL ?? 'info',
  }
}
