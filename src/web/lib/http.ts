import { toast } from './feedback.js'

/** One reason attached to an error: which row, field and value, and why. */
export type ErrorDetail = { row?: number; field?: string; value?: unknown; message?: string }

/** An error answered by the server as `{ code, message, details }`; `message` is Chinese, for people. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message)
  }
}

export function isApiError(e: unknown, code?: string): e is ApiError {
  return e instanceof ApiError && (code === undefined || e.code === code)
}

/** Answers that end the session; anything else with 401 (bad password at login) does not. */
const SESSION_LOST = new Set(['UNAUTHENTICATED', 'SESSION_EXPIRED'])

// Kept in memory only: a script injected into another tab cannot read it from storage.
let csrfToken: string | null = null
let sessionLost: (e: ApiError) => void = () => {}

export function setCsrfToken(token: string | null): void {
  csrfToken = token
}

/** The CSRF header for a request `http` cannot make (a file upload that reports its progress). */
export function csrfHeader(): Record<string, string> {
  return csrfToken ? { 'x-csrf-token': csrfToken } : {}
}

/** Called once per lost session (timeout, logout elsewhere); the shell sends the user to /login. */
export function onSessionLost(handler: (e: ApiError) => void): void {
  sessionLost = handler
}

export type RequestOptions = {
  /** Do not toast the error: the caller shows it in place (login form, field errors). */
  quiet?: boolean
  /** Do not treat 401 as a lost session (the login request and the first /me probe). */
  anonymous?: boolean
  signal?: AbortSignal
}

type Query = Record<string, string | number | boolean | null | undefined>

/** `?a=1&b=x` from defined, non-empty values only, so filters left blank are not sent. */
export function queryString(q: Query = {}): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === '') continue
    p.set(k, String(v))
  }
  const s = p.toString()
  return s ? `?${s}` : ''
}

async function request<T>(method: string, url: string, body: unknown, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken
  let res: Response
  try {
    res = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal: opts.signal,
    })
  } catch (cause) {
    if (opts.signal?.aborted) throw cause
    const e = new ApiError(0, 'NETWORK', '无法连接服务器，请检查网络后重试')
    if (!opts.quiet) toast.error(e.message)
    throw e
  }
  const text = await res.text()
  const data: unknown = text ? safeJson(text) : undefined
  if (res.ok) return data as T
  const e = toApiError(res.status, data)
  if (res.status === 401 && SESSION_LOST.has(e.code) && !opts.anonymous) {
    sessionLost(e)
    throw e
  }
  if (!opts.quiet) reportError(e)
  throw e
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** The error a reply stands for: the server's `{code, message, details}`, or a Chinese stand-in. */
export function toApiError(status: number, data: unknown): ApiError {
  if (data && typeof data === 'object' && 'code' in data && 'message' in data) {
    const d = data as { code: unknown; message: unknown; details?: unknown }
    const details = Array.isArray(d.details) ? (d.details as ErrorDetail[]) : []
    return new ApiError(status, String(d.code), String(d.message), details)
  }
  if (status === 429) return new ApiError(status, 'TOO_MANY_REQUESTS', '请求过于频繁，请稍后再试')
  if (status >= 500) return new ApiError(status, 'SERVER_ERROR', '服务器内部错误，请稍后重试或联系系统管理员')
  return new ApiError(status, `HTTP_${status}`, `请求失败（${status}）`)
}

/** Shows an error the way users expect: one line, or a list when rows or fields are named. */
export function reportError(e: unknown): void {
  if (!(e instanceof ApiError)) {
    toast.error(e instanceof Error ? e.message : String(e))
    return
  }
  const lines = e.details
    .filter((d) => d.message)
    .map((d) => (d.row !== undefined ? `第 ${d.row} 行：${d.message}` : d.message!))
  // A validation message already joins its details; list them one per line instead.
  if (lines.length > 1) toast.problem(e.code === 'VALIDATION' ? '提交的内容有误' : e.message, lines)
  else toast.error(e.message)
}

export const http = {
  get: <T>(url: string, q?: Query, opts?: RequestOptions) => request<T>('GET', url + queryString(q), undefined, opts),
  post: <T>(url: string, body: unknown = {}, opts?: RequestOptions) => request<T>('POST', url, body, opts),
  put: <T>(url: string, body: unknown, opts?: RequestOptions) => request<T>('PUT', url, body, opts),
  del: <T>(url: string, q?: Query, opts?: RequestOptions) => request<T>('DELETE', url + queryString(q), undefined, opts),
}

/** A page of a list endpoint. */
export type Paged<T> = { items: T[]; total: number }

/** A page of a key-paged list endpoint (server/db/key-paging.ts): `next` is the following page's `after`. */
export type KeyPaged<T> = { items: T[]; next: string | null; total: number; totalExact: boolean; totalLabel: string }
