import crypto from 'node:crypto'
import nodemailer from 'nodemailer'
import type { ChannelConfig } from './config.js'
import type { ChannelAdapter, SendResult } from './types.js'

/** Header carrying the idempotency key, so a mail server or peer can drop a resent copy. */
export const KEY_HEADER = 'X-Shouwang-Key'

export type EmailAdapter = ChannelAdapter & { close(): void }

/**
 * E-mail over SMTP through one pooled nodemailer transport: a warning to thousands of people
 * reuses a few connections instead of opening one per message.
 */
export function emailAdapter(config: NonNullable<ChannelConfig['email']>, timeoutMs = 30_000): EmailAdapter {
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: 5,
    host: config.host,
    port: config.port,
    secure: config.secure,
    auth: config.user ? { user: config.user, pass: config.pass ?? '' } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  })
  return {
    channel: 'email',
    async send(msg, signal): Promise<SendResult> {
      if (signal.aborted) return { state: 'failed', error: '发送被中止，稍后重试', retryable: true }
      const sending = transport.sendMail({
        from: config.from,
        to: msg.address,
        subject: msg.subject,
        text: msg.text,
        // The same key gives the same Message-ID, so a resend after a lost answer is one mail to
        // any client that threads or deduplicates by it.
        messageId: `<sw-${crypto.createHash('sha256').update(msg.key).digest('hex').slice(0, 32)}@shouwang>`,
        headers: { [KEY_HEADER]: msg.key },
      })
      // nodemailer takes no AbortSignal: stop waiting, and let the pooled connection finish alone.
      const aborted = new Promise<never>((_, reject) => {
        signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { code: 'ABORTED' })), { once: true })
      })
      try {
        const info = await Promise.race([sending, aborted])
        return { state: 'sent', providerId: info.messageId }
      } catch (err) {
        sending.catch(() => {})
        return describeSmtpFailure(err)
      }
    },
    close: () => transport.close(),
  }
}

/**
 * SMTP says itself whether to try again: 4xx replies are temporary, 5xx permanent. Connection
 * trouble is temporary; a wrong password or a malformed address is not.
 */
export function describeSmtpFailure(err: unknown): SendResult {
  const e = err as { code?: string; responseCode?: number; response?: string; message?: string }
  if (e.code === 'ABORTED') return { state: 'failed', error: '发送被中止，稍后重试', retryable: true }
  const reply = e.response ? `：${e.response.slice(0, 200)}` : ''
  if (typeof e.responseCode === 'number') {
    if (e.code === 'EAUTH') return { state: 'failed', error: `邮件服务器拒绝登录（${e.responseCode}）${reply}`, retryable: false }
    const temporary = e.responseCode >= 400 && e.responseCode < 500
    return {
      state: 'failed',
      error: `邮件服务器${temporary ? '暂时' : ''}拒收（${e.responseCode}）${reply}`,
      retryable: temporary,
    }
  }
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') {
    return { state: 'failed', error: `邮件地址或内容无效（${e.message ?? e.code}）`, retryable: false }
  }
  if (e.code === 'EAUTH') return { state: 'failed', error: `邮件服务器拒绝登录（${e.message ?? e.code}）`, retryable: false }
  return { state: 'failed', error: `无法连接邮件服务器（${e.code ?? e.message ?? '未知错误'}）`, retryable: true }
}
