import type { PostOutcome } from './http.js'
import type { SendResult } from './types.js'

// Rate limits and "system busy": the robot takes the message a little later.
// 45009 企业微信 api freq out of limit; 130101 钉钉 send too fast; -1 both: system busy.
const RETRYABLE_ERRCODES = new Set([45009, 130101, -1])

/** Both robots answer HTTP 200 and put the verdict in { errcode, errmsg }. */
export function robotResult(res: PostOutcome, peer: string): SendResult {
  if (!res.ok) return { state: 'failed', error: res.error, retryable: res.retryable }
  const body = (res.body ?? {}) as { errcode?: unknown; errmsg?: unknown }
  const errcode = typeof body.errcode === 'number' ? body.errcode : Number(body.errcode ?? NaN)
  if (errcode === 0) return { state: 'sent' }
  if (Number.isNaN(errcode)) return { state: 'failed', error: `${peer}的应答无法识别`, retryable: true }
  const errmsg = typeof body.errmsg === 'string' && body.errmsg ? `：${body.errmsg}` : ''
  return { state: 'failed', error: `${peer}拒绝（错误码 ${errcode}${errmsg}）`, retryable: RETRYABLE_ERRCODES.has(errcode) }
}

/** Cuts text to at most `limit` UTF-8 bytes on a character boundary, marking the cut with "…". */
export function fitBytes(text: string, limit: number): string {
  if (Buffer.byteLength(text) <= limit) return text
  let out = ''
  let used = Buffer.byteLength('…')
  for (const ch of text) {
    const n = Buffer.byteLength(ch)
    if (used + n > limit) break
    out += ch
    used += n
  }
  return `${out}…`
}
