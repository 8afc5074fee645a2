import http from 'node:http'
import { dingtalkSign } from '../../channels/dingtalk.js'
import { listen, readBody, sendJson, shutdown, waitForCount } from './http-peer.js'

export type RobotPost = {
  kind: 'wecom' | 'dingtalk'
  /** The robot's key (企业微信) or access_token (钉钉). */
  token: string
  content: string
  body: unknown
  /** 钉钉 only: the request carried a valid 加签 signature. */
  signed: boolean
  at: Date
}

export type RobotPeerOptions = {
  port?: number
  /** 钉钉 加签 secrets by access_token: posts to these robots must be signed. */
  dingtalkSecrets?: Record<string, string>
  onPost?: (post: RobotPost) => void
}

export type RobotPeer = {
  url: string
  /** Accepted posts, in order; refused ones are not kept. */
  received: RobotPost[]
  /** Webhook of a 企业微信 robot, as the group settings show it. */
  wecomUrl(key?: string): string
  /** Webhook of a 钉钉 robot. */
  dingtalkUrl(token?: string): string
  setDingtalkSecret(token: string, secret: string | null): void
  /** The next n posts answer HTTP 200 with this errcode (45009 rate limit, 310000 bad sign …). */
  failNext(n: number, errcode: number, errmsg?: string): void
  waitFor(n: number, timeoutMs?: number): Promise<RobotPost[]>
  close(): Promise<void>
}

// 钉钉 refuses a signature whose timestamp is more than an hour off its own clock.
const DINGTALK_SKEW_MS = 60 * 60 * 1000

/** One loopback server playing both group robots: 企业微信 (/cgi-bin/webhook/send) and 钉钉 (/robot/send). */
export async function startRobotPeer(opts: RobotPeerOptions = {}): Promise<RobotPeer> {
  const received: RobotPost[] = []
  const secrets = new Map(Object.entries(opts.dingtalkSecrets ?? {}))
  const failures: Array<{ errcode: number; errmsg: string }> = []

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const raw = await readBody(req)
    const kind = req.method === 'POST' && url.pathname === '/cgi-bin/webhook/send' ? 'wecom'
      : req.method === 'POST' && url.pathname === '/robot/send' ? 'dingtalk' : null
    if (!kind) return sendJson(res, 404, { errcode: 404, errmsg: 'not found' })
    const token = (kind === 'wecom' ? url.searchParams.get('key') : url.searchParams.get('access_token')) ?? ''
    if (!token) return sendJson(res, 200, kind === 'wecom' ? { errcode: 93000, errmsg: 'invalid webhook url' } : { errcode: 300001, errmsg: 'token is not exist' })
    let signed = false
    if (kind === 'dingtalk' && secrets.has(token)) {
      const timestamp = Number(url.searchParams.get('timestamp'))
      const sign = url.searchParams.get('sign') ?? ''
      if (!timestamp || Math.abs(Date.now() - timestamp) > DINGTALK_SKEW_MS) return sendJson(res, 200, { errcode: 310000, errmsg: 'timestamp is not valid' })
      if (sign !== dingtalkSign(timestamp, secrets.get(token)!)) return sendJson(res, 200, { errcode: 310000, errmsg: 'sign not match' })
      signed = true
    }
    const failure = failures.shift()
    if (failure) return sendJson(res, 200, failure)
    let body: { msgtype?: unknown; text?: { content?: unknown } }
    try {
      body = JSON.parse(raw)
    } catch {
      return sendJson(res, 200, { errcode: 40008, errmsg: 'invalid message type' })
    }
    if (body.msgtype !== 'text' || typeof body.text?.content !== 'string' || body.text.content === '') {
      return sendJson(res, 200, { errcode: 40008, errmsg: 'invalid message type' })
    }
    const post: RobotPost = { kind, token, content: body.text.content, body, signed, at: new Date() }
    received.push(post)
    opts.onPost?.(post)
    sendJson(res, 200, { errcode: 0, errmsg: 'ok' })
  })

  const base = await listen(server, opts.port)
  return {
    url: base,
    received,
    wecomUrl: (key = 'demo') => `${base}/cgi-bin/webhook/send?key=${encodeURIComponent(key)}`,
    dingtalkUrl: (token = 'demo') => `${base}/robot/send?access_token=${encodeURIComponent(token)}`,
    setDingtalkSecret: (token, secret) => { if (secret) secrets.set(token, secret); else secrets.delete(token) },
    failNext: (n, errcode, errmsg = 'scripted failure') => { for (let i = 0; i < n; i++) failures.push({ errcode, errmsg }) },
    waitFor: (n, timeoutMs) => waitForCount(received, n, 'robot posts', timeoutMs),
    close: () => shutdown(server),
  }
}
