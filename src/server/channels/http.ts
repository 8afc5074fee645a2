import http from 'node:http'
import https from 'node:https'
import { senderThread } from './sender-thread.js'
/**
 * One JSON POST to a gateway or robot webhook, with a timeout, and the answer sorted into what the
 * dispatcher needs to know: did it go, and if not, is trying again (with the same idempotency
 * key) worthwhile.
 */
export type PostOutcome =
  | { ok: true; status: number; body: unknown }
  /** `status` and `body` when the peer answered, so a caller can read the peer's own error code. */
  | { ok: false; error: string; retryable: boolean; status?: number; body?: unknown }

export type PostOptions = {
  timeoutMs: number
  /** The dispatcher's signal: aborted when this instance stops or loses its lease. */
  signal?: AbortSignal
  /** Sent as `authorization: Bearer <token>` when set. */
  token?: string | null
  /** What the peer is called in error messages, e.g. 短信网关. */
  peer: string
}

// Network failures where the peer never saw the request or may come back: try again later.
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  'ENOTFOUND', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
])

// Kept-alive connections per gateway: a warning to a province is 10^5 requests to one host, and a
// new TCP (and TLS) handshake for each would cost more than the request itself.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
}

// A deployment posts to a handful of gateway and robot URLs, each 10^5 times during a storm.
const parsedUrls = new Map<string, URL | null>()

/** `url` parsed once; null when it is not a URL. Never handed out for changing. */
function parsedUrl(url: string): URL | null {
  let target = parsedUrls.get(url)
  if (target === undefined) {
    try {
      target = new URL(url)
    } catch {
      target = null
    }
    if (parsedUrls.size >= 1000) parsedUrls.clear()
    parsedUrls.set(url, target)
  }
  return target
}

// The headers of JSON posts, one object per token: the sender thread is told each set once.
const jsonHeaders = new Map<string, http.OutgoingHttpHeaders>()

export async function postJson(url: string, payload: unknown, opts: PostOptions): Promise<PostOutcome> {
  let headers = jsonHeaders.get(opts.token ?? '')
  if (!headers) {
    headers = { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' }
    if (opts.token) headers.authorization = `Bearer ${opts.token}`
    if (jsonHeaders.size >= 100) jsonHeaders.clear()
    jsonHeaders.set(opts.token ?? '', headers)
  }
  return postBody(url, Buffer.from(JSON.stringify(payload)), headers, opts)
}

/**
 * One POST of the exact bytes given, with the headers given (content-length is added): for peers
 * that sign what goes on the wire, such as the cloud SMS and voice APIs (channels/aliyun, tencent).
 */
export async function postBody(url: string, body: Buffer, given: http.OutgoingHttpHeaders, opts: PostOptions): Promise<PostOutcome> {
  const target = parsedUrl(url)
  if (target === null) return { ok: false, error: `${opts.peer}地址“${url}”不是有效的网址`, retryable: false }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return { ok: false, error: `${opts.peer}地址“${url}”应以 http:// 或 https:// 开头`, retryable: false }
  }
  if (opts.signal?.aborted) return { ok: false, error: '发送被中止，稍后重试', retryable: true }
  return senderThread.available() ? viaSenderThread(target, body, given, opts) : postInThread(target, body, { ...given, 'content-length': body.length }, opts)
}

/** The exchange in the sender thread (channels/sender-thread.ts), which adds content-length; the outcome judged here as in postInThread. */
function viaSenderThread(target: URL, body: Buffer, headers: http.OutgoingHttpHeaders, opts: PostOptions): Promise<PostOutcome> {
  return new Promise<PostOutcome>((resolve) => {
    let settled = false
    const finish = (outcome: PostOutcome) => {
      if (settled) return
      settled = true
      opts.signal?.removeEventListener('abort', onAbort)
      resolve(outcome)
    }
    const sent = senderThread.post({ target, headers: headers as Record<string, string | string[]>, body, timeoutMs: opts.timeoutMs })
    const onAbort = () => {
      finish({ ok: false, error: '发送被中止，稍后重试', retryable: true })
      senderThread.cancel(sent.id)
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    void sent.reply.then((r) => {
      if ('timeout' in r) finish({ ok: false, error: `${opts.peer}无应答（超过 ${opts.timeoutMs} 毫秒）`, retryable: true })
      else if ('code' in r) finish(describeFailure(Object.assign(new Error(r.message), { code: r.code ?? undefined }), opts))
      else finish(judgeAnswer(r.status, r.text, opts))
    })
  })
}

/** What a peer's answer means: taken, or refused with its words and whether to try again. */
function judgeAnswer(status: number, text: string, opts: PostOptions): PostOutcome {
  const parsed = parseJson(text)
  if (status >= 200 && status < 300) return { ok: true, status, body: parsed }
  return { ok: false, error: `${opts.peer}返回 HTTP ${status}${describeBody(parsed, text)}`, retryable: isRetryableStatus(status), status, body: parsed }
}

/** The same exchange on the calling thread, where no sender thread can be started. */
function postInThread(target: URL, body: Buffer, headers: http.OutgoingHttpHeaders, opts: PostOptions): Promise<PostOutcome> {
  const transport = target.protocol === 'https:' ? https : http
  return new Promise<PostOutcome>((resolve) => {
    let settled = false
    const finish = (outcome: PostOutcome) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onAbort)
      resolve(outcome)
    }
    const req = transport.request(target, { method: 'POST', headers, agent: agents[target.protocol as 'http:' | 'https:'] }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('error', (err) => finish(describeFailure(err, opts)))
      res.on('end', () => finish(judgeAnswer(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), opts)))
    })
    // One timer for the whole exchange, not a socket idle timeout: a peer that trickles bytes is as stuck as a silent one.
    const timer = setTimeout(() => {
      finish({ ok: false, error: `${opts.peer}无应答（超过 ${opts.timeoutMs} 毫秒）`, retryable: true })
      req.destroy()
    }, opts.timeoutMs)
    const onAbort = () => {
      finish({ ok: false, error: '发送被中止，稍后重试', retryable: true })
      req.destroy()
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    req.on('error', (err) => finish(describeFailure(err, opts)))
    req.end(body)
  })
}

/** 5xx, 408 and 429 may pass; any other 4xx is a mistake in what we sent and will not. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429
}

function describeFailure(err: unknown, opts: PostOptions): PostOutcome {
  if (opts.signal?.aborted) return { ok: false, error: `发送被中止，稍后重试`, retryable: true }
  const code = errorCode(err)
  if (code && TRANSIENT_CODES.has(code)) return { ok: false, error: `无法连接${opts.peer}（${code}）`, retryable: true }
  // Any other network trouble: the peer may well come back.
  const message = err instanceof Error ? err.message : String(err)
  return { ok: false, error: `连接${opts.peer}出错（${code ?? message}）`, retryable: true }
}

/** The socket error's code, looked for on the error and its causes. */
function errorCode(err: unknown): string | null {
  for (let e: any = err, depth = 0; e && depth < 4; e = e.cause, depth++) {
    if (typeof e.code === 'string') return e.code
  }
  return null
}

function parseJson(text: string): unknown {
  if (!text) return null
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

function describeBody(body: unknown, text: string): string {
  const detail = body && typeof body === 'object'
    ? ((body as Record<string, unknown>).message ?? (body as Record<string, unknown>).error ?? (body as Record<string, unknown>).errmsg)
    : text
  const shown = typeof detail === 'string' ? detail.trim().slice(0, 200) : ''
  return shown ? `：${shown}` : ''
}
