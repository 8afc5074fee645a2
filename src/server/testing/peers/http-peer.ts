import { setMaxListeners } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { SIGNATURE_HEADER, signCallback } from '../../features/gateway/signature.js'

/** Plumbing shared by the loopback HTTP peers: JSON in and out, listening, signed callbacks. */

export type CallbackResult = { status: number; body: any }

export async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

/** Starts the server on 127.0.0.1 (never beyond loopback) and returns its base URL. */
export async function listen(server: http.Server, port = 0): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** Stops at once, cutting requests held open by `delayNext`. */
export async function shutdown(server: http.Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()))
  server.closeAllConnections()
  await closed
}

/** The bearer token check a gateway does; true when the request may pass. */
export function authorised(req: http.IncomingMessage, token: string | null | undefined): boolean {
  if (!token) return true
  return req.headers.authorization === `Bearer ${token}`
}

export type Callbacks = {
  /** Base of the server's gateway routes, e.g. http://127.0.0.1:3000/api/gateway. */
  url: string | null
  secret: string | null
}

/**
 * What a peer signs its callbacks with: a fixed secret (SHOUWANG_CALLBACK_SECRET), or a lookup
 * made per callback, e.g. `() => storedCallbackSecret(app.db)` for a server that generated its own.
 */
export type CallbackSecretSource = string | null | (() => string | null | Promise<string | null>)

export async function resolveSecret(source: CallbackSecretSource | undefined): Promise<string | null> {
  return typeof source === 'function' ? source() : source ?? null
}

/**
 * Posts a signed callback the way a real gateway does. With `retry`, an answer of 404, a 5xx or
 * a connection error is tried again with backoff, as gateways do. (A receipt that overtakes the
 * send's own bookkeeping is answered 200 and kept by the server until the send is recorded.)
 */
export async function postCallback(url: string, body: unknown, secret: string | null, opts: { retry?: boolean; signal?: AbortSignal } = {}): Promise<CallbackResult> {
  const raw = JSON.stringify(body)
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' }
  if (secret) headers[SIGNATURE_HEADER] = signCallback(secret, raw)
  const attempts = opts.retry ? 12 : 1
  let last: CallbackResult = { status: 0, body: null }
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await sleep(Math.min(50 * 2 ** i, 2_000), opts.signal)
    if (opts.signal?.aborted) break
    try {
      const res = await fetch(url, { method: 'POST', headers, body: raw, signal: opts.signal })
      const text = await res.text()
      last = { status: res.status, body: text ? safeJson(text) : null }
      if (res.status !== 404 && res.status < 500) return last
    } catch (err) {
      last = { status: 0, body: { error: err instanceof Error ? err.message : String(err) } }
    }
  }
  return last
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => { clearTimeout(t); resolve() }
    const t = setTimeout(() => { signal?.removeEventListener('abort', stop); resolve() }, ms)
    signal?.addEventListener('abort', stop, { once: true })
  })
}

/**
 * The controller a peer aborts on close. Every request in flight listens to its signal, and a
 * peer may hold thousands (a warning to a county with automatic receipts): no listener limit.
 */
export function stopSignal(): AbortController {
  const controller = new AbortController()
  setMaxListeners(0, controller.signal)
  return controller
}

/**
 * Resolves once `list` holds at least `n` items, for tests and scripts that wait for a peer to
 * receive something; rejects with a clear message after `timeoutMs`.
 */
export async function waitForCount<T>(list: T[], n: number, what: string, timeoutMs = 10_000): Promise<T[]> {
  const until = Date.now() + timeoutMs
  while (list.length < n) {
    if (Date.now() > until) throw new Error(`${what}: expected ${n}, got ${list.length} after ${timeoutMs} ms`)
    await sleep(10)
  }
  return list
}

/** Scripted failures shared by the gateway peers: the next n requests answer with a status or wait. */
export class Faults {
  private failures: number[] = []
  private delays: number[] = []

  failNext(n: number, status = 500): void {
    for (let i = 0; i < n; i++) this.failures.push(status)
  }

  delayNext(ms: number, n = 1): void {
    for (let i = 0; i < n; i++) this.delays.push(ms)
  }

  takeFailure(): number | undefined {
    return this.failures.shift()
  }

  takeDelay(): number {
    return this.delays.shift() ?? 0
  }
}
