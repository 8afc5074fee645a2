import http from 'node:http'
import {
  authorised, stopSignal, type CallbackResult, type CallbackSecretSource, Faults, listen, postCallback, readBody, resolveSecret, sendJson,
  shutdown, sleep, waitForCount,
} from './http-peer.js'

export type VoiceCall = { id: string; key: string; to: string; speech: string; callbackUrl: string; at: Date }
export type VoiceResult = 'confirmed' | 'answered' | 'no_answer' | 'busy' | 'failed'

export type VoiceGatewayOptions = {
  port?: number
  token?: string | null
  /**
   * Base of the server's gateway callbacks (…/api/gateway). When set it wins over the
   * callbackUrl each call carries: tests build the app before they know its port.
   */
  callbackUrl?: string | null
  /** The server's callback secret; callbacks without it are refused. */
  callbackSecret?: CallbackSecretSource
  /** Post this result for every new call; null (the default) leaves calls unanswered. */
  autoResult?: 'confirmed' | 'no_answer' | null
  onCall?: (call: VoiceCall) => void
  onCallback?: (path: string, body: unknown, result: CallbackResult) => void
}

export type VoiceGateway = {
  url: string
  /** New calls in order; a repeated key is not dialled again. */
  received: VoiceCall[]
  requests: number
  failNext(n: number, status?: number): void
  delayNext(ms: number, n?: number): void
  /** The callee's answer: 'confirmed' is pressing 1. */
  answer(id: string, result: VoiceResult, digits?: string): Promise<CallbackResult>
  setCallbackUrl(url: string | null): void
  setCallbackSecret(secret: CallbackSecretSource): void
  setAutoResult(result: 'confirmed' | 'no_answer' | null): void
  waitFor(n: number, timeoutMs?: number): Promise<VoiceCall[]>
  close(): Promise<void>
}

/**
 * A loopback voice-call gateway speaking our generic contract: POST { key, to, speech,
 * callbackUrl } → { id }; the call's result is posted back, signed, when `answer` is called.
 */
export async function startVoiceGateway(opts: VoiceGatewayOptions = {}): Promise<VoiceGateway> {
  const received: VoiceCall[] = []
  const byKey = new Map<string, VoiceCall>()
  const byId = new Map<string, VoiceCall>()
  const faults = new Faults()
  // Ids stay unique when tests empty `received` and across restarts of the demo peers, whose
  // earlier ids the server's database still holds.
  const run = Date.now().toString(36)
  let issued = 0
  const stopping = stopSignal()
  let callbackBase = opts.callbackUrl ?? null
  let secret = opts.callbackSecret ?? null
  let autoResult = opts.autoResult ?? null

  const resultUrl = (call: VoiceCall) => (callbackBase ? `${callbackBase}/voice/result` : call.callbackUrl)

  const post = async (call: VoiceCall, result: VoiceResult, digits: string | undefined, retry: boolean) => {
    const body = digits === undefined ? { id: call.id, result } : { id: call.id, result, digits }
    const res = await postCallback(resultUrl(call), body, await resolveSecret(secret), { retry, signal: stopping.signal })
    opts.onCallback?.('/voice/result', body, res)
    return res
  }

  const server = http.createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/voice') return sendJson(res, 404, { message: 'not found' })
    gateway.requests++
    const raw = await readBody(req)
    if (!authorised(req, opts.token)) return sendJson(res, 401, { message: 'bad token' })
    const failure = faults.takeFailure()
    if (failure !== undefined) return sendJson(res, failure, { message: `scripted failure ${failure}` })
    let body: Record<string, unknown>
    try {
      body = JSON.parse(raw)
    } catch {
      return sendJson(res, 400, { message: 'body is not JSON' })
    }
    const { key, to, speech, callbackUrl } = body
    if (typeof key !== 'string' || typeof to !== 'string' || typeof speech !== 'string' || typeof callbackUrl !== 'string' || !key || !to) {
      return sendJson(res, 400, { message: 'key, to, speech and callbackUrl are required' })
    }
    let call = byKey.get(key)
    const isNew = !call
    if (!call) {
      call = { id: `call-${run}-${++issued}`, key, to, speech, callbackUrl, at: new Date() }
      byKey.set(key, call)
      byId.set(call.id, call)
      received.push(call)
      opts.onCall?.(call)
    }
    const delay = faults.takeDelay()
    if (delay) await sleep(delay, stopping.signal)
    sendJson(res, 200, { id: call.id })
    if (isNew && autoResult) {
      const placed = call
      void post(placed, autoResult, autoResult === 'confirmed' ? '1' : undefined, true).catch(() => {})
    }
  })

  const gateway: VoiceGateway = {
    url: `${await listen(server, opts.port)}/voice`,
    received,
    requests: 0,
    failNext: (n, status = 500) => faults.failNext(n, status),
    delayNext: (ms, n = 1) => faults.delayNext(ms, n),
    answer: async (id, result, digits) => {
      const call = byId.get(id)
      if (!call) throw new Error(`voice peer: no call ${id}`)
      return post(call, result, digits ?? (result === 'confirmed' ? '1' : undefined), false)
    },
    setCallbackUrl: (url) => { callbackBase = url },
    setCallbackSecret: (next) => { secret = next },
    setAutoResult: (result) => { autoResult = result },
    waitFor: (n, timeoutMs) => waitForCount(received, n, 'voice calls', timeoutMs),
    close: async () => {
      stopping.abort()
      await shutdown(server)
    },
  }
  return gateway
}
