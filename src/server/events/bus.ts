import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify'
import { sql, type Kysely } from 'kysely'
import pg from 'pg'
import type { Database } from '../db/types.js'

/** The one PostgreSQL channel every instance listens on; a payload names its topic. */
export const EVENTS_CHANNEL = 'shouwang_events'

/**
 * Tells every server instance that something happened on a topic (`warning:<id>`,
 * `person:<id>`, `doorknock:<region code>`). Inside a transaction it is delivered on commit and
 * not at all on rollback, so listeners never see a change that did not happen. Payloads stay
 * small (ids and counts): pg_notify refuses more than 8000 bytes.
 */
export async function publish(db: Kysely<Database>, topic: string, data: Record<string, unknown>): Promise<void> {
  await sql`select pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify({ topic, data })})`.execute(db)
}

/**
 * What a listener receives. `{ resync: true }` follows a lost connection to PostgreSQL: events
 * may have been missed meanwhile, so whoever shows them should fetch afresh.
 */
export type EventListener = (data: Record<string, unknown>, topic: string) => void

type Log = Pick<FastifyBaseLogger, 'info' | 'warn'>
const silent: Log = { info: () => {}, warn: () => {} }

const RETRY_FIRST_MS = 250
const RETRY_MAX_MS = 5_000

/**
 * The receiving side of `publish`: one dedicated LISTEN connection per server instance (never a
 * pooled one, which would hand the LISTEN to whichever query came next), reconnecting with backoff
 * when PostgreSQL restarts or the connection drops, and fanning notifications out to subscribers
 * in this process (SSE streams, workers).
 */
export class EventBus {
  private readonly listeners = new Map<string, Set<EventListener>>()
  private readonly streams = new Set<() => void>()
  private client: pg.Client | null = null
  private retryMs = RETRY_FIRST_MS
  private retryTimer: NodeJS.Timeout | null = null
  private closed = false
  private started = false

  constructor(private readonly connection: string | pg.ClientConfig | null, private readonly log: Log = silent) {}

  /** Connects and listens; resolves once listening (or after the first failed try, retrying on). */
  async start(): Promise<void> {
    if (this.started || this.closed) return
    this.started = true
    if (this.connection === null) {
      this.log.warn('事件总线没有数据库连接串，实时推送不可用')
      return
    }
    await this.connect(false)
  }

  /** Calls `listener` for each event on `topic` until the returned function is called. */
  subscribe(topic: string, listener: EventListener): () => void {
    let set = this.listeners.get(topic)
    if (!set) this.listeners.set(topic, (set = new Set()))
    set.add(listener)
    return () => {
      set.delete(listener)
      if (set.size === 0 && this.listeners.get(topic) === set) this.listeners.delete(topic)
    }
  }

  /** Registers something to end when the bus closes (an open SSE response); returns its release. */
  hold(end: () => void): () => void {
    this.streams.add(end)
    return () => { this.streams.delete(end) }
  }

  /** Number of topics with subscribers, for tests and health checks. */
  get topicCount(): number {
    return this.listeners.size
  }

  /** Ends open streams (the HTTP server waits for them otherwise) and the LISTEN connection. */
  async close(): Promise<void> {
    this.closed = true
    if (this.retryTimer) clearTimeout(this.retryTimer)
    for (const end of [...this.streams]) end()
    this.streams.clear()
    const client = this.client
    this.client = null
    await client?.end().catch(() => {})
  }

  private async connect(isRetry: boolean): Promise<void> {
    const client = new pg.Client(typeof this.connection === 'string'
      ? { connectionString: this.connection, keepAlive: true }
      : { ...this.connection, keepAlive: true })
    // Without an 'error' listener a dropped connection would crash the process.
    client.on('error', () => this.lost(client))
    client.on('end', () => this.lost(client))
    client.on('notification', (n) => { if (n.channel === EVENTS_CHANNEL) this.dispatch(n.payload) })
    try {
      await client.connect()
      await client.query(`listen ${EVENTS_CHANNEL}`)
    } catch (err) {
      client.removeAllListeners('end')
      await client.end().catch(() => {})
      if (!this.closed) {
        this.log.warn({ err }, '事件总线连接数据库失败，稍后重试')
        this.scheduleRetry()
      }
      return
    }
    if (this.closed) {
      await client.end().catch(() => {})
      return
    }
    this.client = client
    this.retryMs = RETRY_FIRST_MS
    if (isRetry) {
      this.log.info('事件总线已重新连接数据库')
      for (const [topic, set] of this.listeners) for (const l of [...set]) safeCall(l, { resync: true }, topic)
    }
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return
    this.client = null
    client.end().catch(() => {})
    if (this.closed) return
    this.log.warn('事件总线与数据库的连接断开，正在重连')
    this.scheduleRetry()
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.closed) return
    const wait = this.retryMs
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS)
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      void this.connect(true)
    }, wait)
    this.retryTimer.unref()
  }

  private dispatch(payload: string | undefined): void {
    let event: { topic?: unknown; data?: unknown }
    try {
      event = JSON.parse(payload ?? '')
    } catch {
      return
    }
    if (typeof event.topic !== 'string') return
    const set = this.listeners.get(event.topic)
    if (!set) return
    const data = event.data && typeof event.data === 'object' ? (event.data as Record<string, unknown>) : {}
    for (const l of [...set]) safeCall(l, data, event.topic)
  }
}

function safeCall(listener: EventListener, data: Record<string, unknown>, topic: string): void {
  try {
    listener(data, topic)
  } catch {
    // One broken subscriber must not keep the event from the others.
  }
}

/** A bus that is not yet listening: the app creates it when built and starts it when ready. */
export function createEventBus(connection: string | pg.ClientConfig | null, log?: Log): EventBus {
  return new EventBus(connection, log)
}

/** A bus listening already: for scripts and tests that run without the app. */
export async function startEventBus(connection: string | pg.ClientConfig, log?: Log): Promise<EventBus> {
  const bus = new EventBus(connection, log)
  await bus.start()
  return bus
}

export type SseOptions = {
  /** Comment lines that keep proxies from closing a quiet stream; 25 s stays under common 30–60 s idle limits. */
  heartbeatMs?: number
  /** The bus to read from; the app's by default. */
  bus?: EventBus
}

// A client that stops reading gets cut off rather than buffered without end.
const MAX_BUFFERED_BYTES = 1024 * 1024

/**
 * Turns the reply into a server-sent event stream of the topics. Each event is one `data:` line
 * holding `{ topic, data }` (so the browser's EventSource `onmessage` sees them all); the stream
 * starts with a `: connected` comment, after which the subscription is live. Closing the
 * connection (or the server) unsubscribes.
 */
export function sendEvents(reply: FastifyReply, req: FastifyRequest, topics: string[], opts: SseOptions = {}): void {
  const bus = opts.bus ?? req.server.events
  reply.hijack()
  const res = reply.raw
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // nginx would otherwise hold events back in its buffer.
    'x-accel-buffering': 'no',
  })
  let open = true
  const write = (chunk: string) => {
    if (!open) return
    res.write(chunk)
    if (res.writableLength > MAX_BUFFERED_BYTES) end()
  }
  const unsubscribers = topics.map((topic) => bus.subscribe(topic, (data) => write(`data: ${JSON.stringify({ topic, data })}\n\n`)))
  const heartbeat = setInterval(() => write(': ping\n\n'), opts.heartbeatMs ?? 25_000)
  const release = bus.hold(() => end())
  function end() {
    if (!open) return
    open = false
    clearInterval(heartbeat)
    for (const u of unsubscribers) u()
    release()
    res.end()
  }
  // The response's close, not the request's: a request "closes" as soon as its body is read.
  res.on('close', end)
  res.on('error', end)
  write('retry: 3000\n: connected\n\n')
  // An in-process request (app.inject, as tests and the route matrix use) waits for the end of a
  // response and cannot read a stream that never ends: it gets the opening frame only.
  if ('_lightMyRequest' in req.raw) end()
}
