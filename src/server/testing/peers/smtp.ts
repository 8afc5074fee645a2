import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { waitForCount } from './http-peer.js'

export type ReceivedMail = {
  /** Envelope sender and recipients, as given in MAIL FROM / RCPT TO. */
  from: string
  to: string[]
  /** Header names in lower case; values unfolded and with encoded words decoded. */
  headers: Record<string, string>
  subject: string
  text: string
  /** The X-Shouwang-Key header: the delivery's idempotency key. */
  key: string | null
  messageId: string | null
  raw: string
}

export type SmtpPeerOptions = {
  port?: number
  onMail?: (mail: ReceivedMail) => void
}

export type SmtpPeer = {
  host: string
  port: number
  /** Mails in arrival order; a second mail with the same X-Shouwang-Key is counted, not kept. */
  received: ReceivedMail[]
  duplicates: number
  /** The next n recipients are refused with this SMTP code (550 permanent, 451 temporary). */
  rejectNext(n: number, code?: number): void
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedMail[]>
  close(): Promise<void>
}

/** A loopback mail server without TLS or login, keeping what nodemailer sends it. */
export async function startSmtpPeer(opts: SmtpPeerOptions = {}): Promise<SmtpPeer> {
  const received: ReceivedMail[] = []
  const keys = new Set<string>()
  const rejections: number[] = []

  const server = new SMTPServer({
    secure: false,
    hideSTARTTLS: true,
    authOptional: true,
    logger: false,
    disableReverseLookup: true,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'anyone' }),
    onRcptTo: (_address, _session, callback) => {
      const code = rejections.shift()
      if (code === undefined) return callback()
      callback(Object.assign(new Error(code >= 500 ? 'mailbox unavailable' : 'try again later'), { responseCode: code }))
    },
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        const mail = parseMail(Buffer.concat(chunks).toString('latin1'))
        const full: ReceivedMail = {
          ...mail,
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        }
        if (full.key && keys.has(full.key)) {
          peer.duplicates++
        } else {
          if (full.key) keys.add(full.key)
          received.push(full)
          opts.onMail?.(full)
        }
        callback()
      })
    },
  })
  // A client that drops mid-session must not crash the peer.
  server.on('error', () => {})
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve())
  })
  const port = (server.server.address() as AddressInfo).port

  const peer: SmtpPeer = {
    host: '127.0.0.1',
    port,
    received,
    duplicates: 0,
    rejectNext: (n, code = 550) => { for (let i = 0; i < n; i++) rejections.push(code) },
    waitFor: (n, timeoutMs) => waitForCount(received, n, 'mails', timeoutMs),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
  return peer
}

/**
 * Just enough MIME for what nodemailer sends: headers with RFC 2047 encoded words, and a text
 * body in base64 or quoted-printable (nodemailer picks whichever is shorter for UTF-8), either
 * alone or as the text/plain part of a multipart message. `raw` is the message as latin1, i.e.
 * one character per byte.
 */
export function parseMail(raw: string): Omit<ReceivedMail, 'from' | 'to'> {
  const { headers, body } = splitEntity(raw)
  const text = textOf(headers, body)
  return {
    headers,
    subject: headers.subject ?? '',
    text,
    key: headers['x-shouwang-key'] ?? null,
    messageId: headers['message-id'] ?? null,
    raw,
  }
}

function splitEntity(raw: string): { headers: Record<string, string>; body: string } {
  const normalised = raw.replace(/\r\n/g, '\n')
  const at = normalised.indexOf('\n\n')
  const head = at < 0 ? normalised : normalised.slice(0, at)
  const body = at < 0 ? '' : normalised.slice(at + 2)
  const headers: Record<string, string> = {}
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const name = line.slice(0, colon).trim().toLowerCase()
    headers[name] ??= decodeWords(line.slice(colon + 1).trim())
  }
  return { headers, body }
}

function textOf(headers: Record<string, string>, body: string): string {
  const type = headers['content-type'] ?? 'text/plain'
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1]
  if (/^multipart\//i.test(type) && boundary) {
    for (const part of body.split(`--${boundary}`).slice(1)) {
      if (part.startsWith('--')) break
      const entity = splitEntity(part.replace(/^\n/, ''))
      const partType = entity.headers['content-type'] ?? 'text/plain'
      if (/^(text\/plain|multipart\/)/i.test(partType)) return textOf(entity.headers, entity.body)
    }
    return ''
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase()
  const bytes = encoding === 'base64'
    ? Buffer.from(body.replace(/\s+/g, ''), 'base64')
    : encoding === 'quoted-printable'
      ? decodeQuotedPrintable(body)
      : Buffer.from(body, 'latin1')
  const text = bytes.toString('utf8').replace(/\r\n/g, '\n')
  // The line break closing a 7bit or quoted-printable body belongs to the transport, not the text.
  return encoding === 'base64' ? text : text.replace(/\n$/, '')
}

function decodeQuotedPrintable(body: string): Buffer {
  const joined = body.replace(/=\n/g, '')
  const out: number[] = []
  for (let i = 0; i < joined.length; i++) {
    const c = joined[i]
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(joined.slice(i + 1, i + 3))) {
      out.push(parseInt(joined.slice(i + 1, i + 3), 16))
      i += 2
    } else {
      out.push(joined.charCodeAt(i) & 0xff)
    }
  }
  return Buffer.from(out)
}

/**
 * RFC 2047 encoded words (=?UTF-8?B?…?= / =?UTF-8?Q?…?=). Adjacent words are joined before
 * decoding: a long subject may be split in the middle of a character's bytes.
 */
function decodeWords(value: string): string {
  const word = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g
  if (!word.test(value)) return Buffer.from(value, 'latin1').toString('utf8')
  word.lastIndex = 0
  let out = ''
  let pending: Buffer[] = []
  let last = 0
  const flush = () => {
    if (pending.length) out += Buffer.concat(pending).toString('utf8')
    pending = []
  }
  for (let m = word.exec(value); m; m = word.exec(value)) {
    const between = value.slice(last, m.index)
    if (!(pending.length && /^\s*$/.test(between))) {
      flush()
      out += between
    }
    pending.push(m[2].toUpperCase() === 'B'
      ? Buffer.from(m[3], 'base64')
      : decodeQuotedPrintable(m[3].replace(/_/g, ' ')))
    last = m.index + m[0].length
  }
  flush()
  return out + value.slice(last)
}
