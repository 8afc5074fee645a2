import { Worker } from 'node:worker_threads'

/**
 * The gateways' HTTP connections live in a thread of their own. A province-wide warning is 10^5
 * requests to one SMS gateway within seconds; the HTTP client's work per request (writing it,
 * parsing the answer, the keep-alive pool's bookkeeping) then costs as much as everything else
 * the dispatcher does per message, on the thread that also answers the officers' pages. Here it
 * runs beside them, on another core.
 *
 * Requests and answers cross in batches (one message per turn of either event loop), so the
 * crossing costs far less per request than the HTTP work it moves. The thread's code is plain
 * JavaScript, so it needs no TypeScript loader; it knows nothing of gateways: it sends bytes and
 * hands back the status and text, or the socket error's code, and channels/http.ts judges them.
 */

type SenderTarget = { protocol: 'http:' | 'https:'; hostname: string; port: string; path: string }

export type SenderRequest = {
  /** http: or https: (checked by the caller); the same object for the same URL saves sending it again. */
  target: URL
  /** Headers but content-length, which the thread adds; the same object each time saves sending them again. */
  headers: Record<string, string | string[]>
  body: Uint8Array
  /** One limit for the whole exchange, as channels/http.ts has always had. */
  timeoutMs: number
}

export type SenderReply =
  | { id: number; status: number; text: string }
  | { id: number; timeout: true }
  | { id: number; code: string | null; message: string }

const THREAD = `
const http = require('node:http')
const https = require('node:https')
const { parentPort } = require('node:worker_threads')
// Kept-alive connections per gateway: a new TCP (and TLS) handshake per request would cost more than the request.
const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }) }
const open = new Map()
let replies = []
let scheduled = false
const flush = () => { scheduled = false; const out = replies; replies = []; parentPort.postMessage(out) }
const reply = (r) => { replies.push(r); if (!scheduled) { scheduled = true; setImmediate(flush) } }
const codeOf = (e) => { for (let x = e, d = 0; x && d < 4; x = x.cause, d++) if (typeof x.code === 'string') return x.code; return null }
// Targets and header sets are sent once and named by number after that.
let defs = []
function send(m) {
  let settled = false
  const done = (r) => { if (settled) return; settled = true; clearTimeout(timer); open.delete(m.id); reply(r) }
  const t = defs[m.target]
  const headers = { ...defs[m.headers], 'content-length': m.body.length }
  const transport = t.protocol === 'https:' ? https : http
  const req = transport.request({ protocol: t.protocol, hostname: t.hostname, port: t.port, path: t.path, method: 'POST', headers, agent: agents[t.protocol] }, (res) => {
    const chunks = []
    res.on('data', (c) => chunks.push(c))
    res.on('error', (e) => done({ id: m.id, code: codeOf(e), message: String(e && e.message) }))
    res.on('end', () => done({ id: m.id, status: res.statusCode || 0, text: Buffer.concat(chunks).toString('utf8') }))
  })
  const timer = setTimeout(() => { done({ id: m.id, timeout: true }); req.destroy() }, m.timeoutMs)
  req.on('error', (e) => done({ id: m.id, code: codeOf(e), message: String(e && e.message) }))
  open.set(m.id, req)
  req.end(m.body)
}
parentPort.on('message', (batch) => {
  for (const m of batch) {
    if (m.id !== undefined) send(m)
    else if (m.def !== undefined) defs[m.def] = m.value
    else if (m.reset) defs = []
    else {
      const req = open.get(m.cancel)
      if (req) { open.delete(m.cancel); req.destroy() }
    }
  }
})
`

type Outgoing =
  | { id: number; target: number; headers: number; body: Uint8Array; timeoutMs: number }
  | { def: number; value: SenderTarget | Record<string, string | string[]> }
  | { reset: true }
  | { cancel: number }

/** Definitions the thread keeps before it starts over (each caller that signs its headers makes new ones). */
const MAX_DEFINITIONS = 10_000

class SenderThread {
  private worker: Worker | null = null
  private readonly waiting = new Map<number, (reply: SenderReply) => void>()
  private queue: Outgoing[] = []
  private scheduled = false
  private seq = 0
  // What the running thread has been told, by object; a new thread starts knowing nothing.
  private known = new WeakMap<object, number>()
  private defined = 0

  /** Whether the thread runs (it is started on first use); false where threads cannot be started. */
  available(): boolean {
    return this.thread() !== null
  }

  /** Hands a request to the thread; `reply` settles with its outcome (never rejects). */
  post(request: SenderRequest): { id: number; reply: Promise<SenderReply> } {
    const id = ++this.seq
    const reply = new Promise<SenderReply>((resolve) => this.waiting.set(id, resolve))
    const target = this.named(request.target, (url) => ({
      protocol: url.protocol as 'http:' | 'https:',
      // http.request wants an IPv6 host without its brackets.
      hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port,
      path: url.pathname + url.search,
    }))
    const headers = this.named(request.headers, (h) => h)
    this.enqueue({ id, target, headers, body: request.body, timeoutMs: request.timeoutMs })
    // While requests are out the thread keeps the process alive; idle, it does not.
    if (this.waiting.size === 1) this.thread()?.ref()
    return { id, reply }
  }

  /** Drops a request (its caller gave up on it); its reply, should one still come, is ignored. */
  cancel(id: number): void {
    if (this.settle({ id, code: 'ECANCELED', message: 'cancelled' })) this.enqueue({ cancel: id })
  }

  /** The number `value` goes by in the thread, telling the thread first (as `sent(value)`) when it is new. */
  private named<T extends object>(value: T, sent: (value: T) => SenderTarget | Record<string, string | string[]>): number {
    let n = this.known.get(value)
    if (n === undefined) {
      if (this.defined >= MAX_DEFINITIONS) {
        this.known = new WeakMap()
        this.defined = 0
        this.enqueue({ reset: true })
      }
      n = this.defined++
      this.known.set(value, n)
      this.enqueue({ def: n, value: sent(value) })
    }
    return n
  }

  private enqueue(item: Outgoing): void {
    this.queue.push(item)
    if (this.scheduled) return
    this.scheduled = true
    // At the end of the current turn's microtasks: every request made in this turn goes in one
    // message, without waiting for the event loop to come round.
    queueMicrotask(() => {
      this.scheduled = false
      const batch = this.queue
      this.queue = []
      const worker = this.thread()
      if (worker) worker.postMessage(batch)
      else for (const item of batch) if ('id' in item) this.settle({ id: item.id, code: 'ESENDER', message: '发送线程无法启动' })
    })
  }

  private settle(reply: SenderReply): boolean {
    const resolve = this.waiting.get(reply.id)
    if (!resolve) return false
    this.waiting.delete(reply.id)
    if (this.waiting.size === 0) this.worker?.unref()
    resolve(reply)
    return true
  }

  private thread(): Worker | null {
    if (this.worker) return this.worker
    try {
      const worker = new Worker(THREAD, { eval: true })
      worker.on('message', (replies: SenderReply[]) => { for (const r of replies) this.settle(r) })
      // A thread that dies takes its requests with it: they fail as a lost connection does (retryable).
      const lost = (why: string) => {
        if (this.worker !== worker) return
        this.worker = null
        this.known = new WeakMap()
        this.defined = 0
        for (const id of [...this.waiting.keys()]) this.settle({ id, code: 'ESENDER', message: why })
      }
      worker.on('error', (err) => lost(err.message))
      worker.on('exit', (code) => lost(`发送线程退出（${code}）`))
      if (this.waiting.size === 0) worker.unref()
      this.worker = worker
      return worker
    } catch {
      return null
    }
  }
}

export const senderThread = new SenderThread()
