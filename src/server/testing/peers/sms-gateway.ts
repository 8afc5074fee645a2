import http from 'node:http'
import {
  authorised, stopSignal, type CallbackResult, type CallbackSecretSource, Faults, listen, postCallback, readBody, resolveSecret, sendJson,
  shutdown, sleep, waitForCount,
} from './http-peer.js'

export type SmsMessage = { id: string; key: string; to: string; text: string; at: Date }

export type SmsGatewayOptions = {
  port?: number
  /** Bearer token the gateway demands; none by default. */
  token?: string | null
  /** Base of the server's gateway callbacks, e.g. http://127.0.0.1:3000/api/gateway. */
  callbackUrl?: string | null
  /** The server's callback secret; callbacks without it are refused. */
  callbackSecret?: CallbackSecretSource
  /** Post a 'delivered' receipt for every new message, as a real gateway would a moment later. */
  autoReceipt?: boolean
  /** Called for each new message (the demo CLI prints them). */
  onMessage?: (m: SmsMessage) => void
  /** Called with each callback the peer posted and its answer. */
  onCallback?: (path: string, body: unknown, result: CallbackResult) => void
}

export type SmsGateway = {
  url: string
  /** New messages in arrival order; a repeated key is not added again. */
  received: SmsMessage[]
  /** Every POST that reached the gateway, including repeats and scripted failures. */
  requests: number
  /** The next n sends answer this HTTP status (default 500) and are not taken. */
  failNext(n: number, status?: number): void
  /** The next n sends are taken, but answered only after `ms` (for client timeouts). */
  delayNext(ms: number, n?: number): void
  sendReceipt(id: string, status?: 'delivered' | 'failed', error?: string): Promise<CallbackResult>
  /** An SMS from a phone to the service number, e.g. reply('13800000001', '收到'); `id` repeats one. */
  reply(from: string, text: string, opts?: { at?: Date; id?: string }): Promise<CallbackResult>
  setCallbackUrl(url: string | null): void
  setCallbackSecret(secret: CallbackSecretSource): void
  waitFor(n: number, timeoutMs?: number): Promise<SmsMessage[]>
  close(): Promise<void>
}

/**
 * A loopback SMS gateway speaking our generic contract: POST { key, to, text } → { id }, a
 * repeated key answered with the same id and not sent again; receipts and replies posted back,
 * signed, to the server.
 */
export async function startSmsGateway(opts: SmsGatewayOptions = {}): Promise<SmsGateway> {
  const received: SmsMessage[] = []
  const byKey = new Map<string, SmsMessage>()
  const faults = new Faults()
  // Ids stay unique when tests empty `received` and across restarts of the demo peers, whose
  // earlier ids the server's database still holds.
  const run = Date.now().toString(36)
  let issued = 0
  const stopping = stopSignal()
  let callbackUrl = opts.callbackUrl ?? null
  let secret = opts.callbackSecret ?? null
  let replies = 0

  const callback = async (path: string, body: unknown, retry: boolean): Promise<CallbackResult> => {
    if (!callbackUrl) throw new Error('SMS peer: no callbackUrl set')
    const result = await postCallback(`${callbackUrl}${path}`, body, await resolveSecret(secret), { retry, signal: stopping.signal })
    opts.onCallback?.(path, body, result)
    return result
  }

  const server = http.createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/sms') return sendJson(res, 404, { message: 'not found' })
    gateway.requests++
    const raw = await readBody(req)
    if (!authorised(req, opts.token)) return sendJson(res, 401, { message: 'bad token' })
    const failure = faults.takeFailure()
    if (failure !== undefined) return sendJson(res, failure, { message: `scripted failure ${failure}` })
    let body: { key?: unknown; to?: unknown; text?: unknown }
    try {
      body = JSON.parse(raw)
    } catch {
      return sendJson(res, 400, { message: 'body is not JSON' })
    }
    if (typeof body.key !== 'string' || typeof body.to !== 'string' || typeof body.text !== 'string' || !body.key || !body.to) {
      return sendJson(res, 400, { message: 'key, to and text are required' })
    }
    let msg = byKey.get(body.key)
    const isNew = !msg
    if (!msg) {
      msg = { id: `sms-${run}-${++issued}`, key: body.key, to: body.to, text: body.text, at: new Date() }
      byKey.set(msg.key, msg)
      received.push(msg)
      opts.onMessage?.(msg)
    }
    const delay = faults.takeDelay()
    if (delay) await sleep(delay, stopping.signal)
    sendJson(res, 200, { id: msg.id })
    if (isNew && opts.autoReceipt && callbackUrl) {
      const id = msg.id
      void callback('/sms/receipt', { id, status: 'delivered' }, true).catch(() => {})
    }
  })

  const gateway: SmsGateway = {
    url: `${await listen(server, opts.port)}/sms`,
    received,
    requests: 0,
    failNext: (n, status = 500) => faults.failNext(n, status),
    delayNext: (ms, n = 1) => faults.delayNext(ms, n),
    sendReceipt: (id, status = 'delivered', error) => callback('/sms/receipt', error ? { id, status, error } : { id, status }, false),
    reply: (from, text, o = {}) => callback('/sms/reply', {
      id: o.id ?? `mo-${Date.now()}-${++replies}`, from, text, ...(o.at ? { at: o.at.toISOString() } : {}),
    }, false),
    setCallbackUrl: (url) => { callbackUrl = url },
    setCallbackSecret: (next) => { secret = next },
    waitFor: (n, timeoutMs) => waitForCount(received, n, 'SMS messages', timeoutMs),
    close: async () => {
      stopping.abort()
      await shutdown(server)
    },
  }
  return gateway
}
