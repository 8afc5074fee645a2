/**
 * One JSON POST to a gateway or robot webhook, with a timeout, and the answer sorted into what the
 * dispatcher needs to know: did it go, and if not, is trying again (with the same idempotency
 * key) worthwhile.
 */
export type PostOutcome =
  | { ok: true; status: number; body: unknown }
  | { ok: false; error: string; retryable: boolean }

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

export async function postJson(url: string, payload: unknown, opts: PostOptions): Promise<PostOutcome> {
  let target: URL
  try {
    target = new URL(url)
  } catch {
    return { ok: false, error: `${opts.peer}地址“${url}”不是有效的网址`, retryable: false }
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return { ok: false, error: `${opts.peer}地址“${url}”应以 http:// 或 https:// 开头`, retryable: false }
  }
  const timeout = AbortSignal.timeout(opts.timeoutMs)
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  try {
    const res = await fetch(target, { method: 'POST', headers, body: JSON.stringify(payload), signal })
    const text = await res.text()
    const body = parseJson(text)
    if (res.ok) return { ok: true, status: res.status, body }
    return { ok: false, error: `${opts.peer}返回 HTTP ${res.status}${describeBody(body, text)}`, retryable: isRetryableStatus(res.status) }
  } catch (err) {
    return describeFailure(err, opts, timeout)
  }
}

/** 5xx, 408 and 429 may pass; any other 4xx is a mistake in what we sent and will not. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429
}

function describeFailure(err: unknown, opts: PostOptions, timeout: AbortSignal): PostOutcome {
  if (timeout.aborted) {
    return { ok: false, error: `${opts.peer}无应答（超过 ${opts.timeoutMs} 毫秒）`, retryable: true }
  }
  if (opts.signal?.aborted) return { ok: false, error: `发送被中止，稍后重试`, retryable: true }
  const code = errorCode(err)
  if (code && TRANSIENT_CODES.has(code)) return { ok: false, error: `无法连接${opts.peer}（${code}）`, retryable: true }
  // fetch reports any other network trouble as a bare TypeError; the peer may well come back.
  const message = err instanceof Error ? err.message : String(err)
  return { ok: false, error: `连接${opts.peer}出错（${code ?? message}）`, retryable: true }
}

/** fetch wraps the socket error: TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }). */
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
