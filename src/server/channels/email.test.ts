import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { outgoing } from '../testing/outgoing.js'
import { startSmtpPeer, type SmtpPeer } from '../testing/peers/smtp.js'
import { emailAdapter, type EmailAdapter } from './email.js'

const never = new AbortController().signal
let smtp: SmtpPeer
let email: EmailAdapter
beforeAll(async () => {
  smtp = await startSmtpPeer()
  email = emailAdapter({ host: smtp.host, port: smtp.port, secure: false, user: null, pass: null, from: '守望应急 <noreply@shouwang.test>' }, 5000)
})
afterAll(async () => {
  email.close()
  await smtp.close()
})

const mail = (key: string, text = outgoing().text) =>
  outgoing({ channel: 'email', key, address: 'zhangsan@example.cn', text })

describe('email adapter', () => {
  it('delivers Chinese subject and text intact, with the key header and the Message-ID as provider id', async () => {
    const text = '【橙色预警】湖州市吴兴区气象台2026年7月20日10时发布暴雨橙色预警信号：\n预计未来3小时降雨量将达50毫米以上。\n确认收到请点击：https://yj.example.gov.cn/c/abc'
    const result = await email.send(mail('e-1', text), never)
    const [got] = await smtp.waitFor(1)
    expect(got.subject).toBe('【橙色预警】吴兴区暴雨橙色预警')
    expect(got.text).toBe(text)
    expect(got.key).toBe('e-1')
    expect(got.to).toEqual(['zhangsan@example.cn'])
    expect(got.headers.from).toContain('守望应急')
    expect(result).toEqual({ state: 'sent', providerId: got.messageId })
  })

  it('keeps text that is mostly ASCII (sent quoted-printable) intact too', async () => {
    const text = `Warning ${'x'.repeat(90)} 请转移 https://yj.example.gov.cn/c/${'a'.repeat(40)}`
    await email.send(mail('e-qp', text), never)
    const got = (await smtp.waitFor(2)).find((m) => m.key === 'e-qp')!
    expect(got.headers['content-transfer-encoding']).toBe('quoted-printable')
    expect(got.text).toBe(text)
  })

  it('gives the same Message-ID to a resend of the same key, which the peer drops', async () => {
    const before = smtp.received.length
    const a = await email.send(mail('e-again'), never)
    const b = await email.send(mail('e-again'), never)
    expect(b).toEqual(a)
    expect(smtp.received.length).toBe(before + 1)
    expect(smtp.duplicates).toBe(1)
  })

  it('retries a temporary refusal (4xx) and gives up on a permanent one (5xx)', async () => {
    smtp.rejectNext(1, 451)
    const temporary = await email.send(mail('e-451'), never)
    expect(temporary).toMatchObject({ state: 'failed', retryable: true })
    smtp.rejectNext(1, 550)
    const permanent = await email.send(mail('e-550'), never)
    expect(permanent).toMatchObject({ state: 'failed', retryable: false })
    expect(permanent.state === 'failed' && permanent.error).toContain('550')
  })

  it('treats a mail server that is down as retryable', async () => {
    const down = await startSmtpPeer()
    const port = down.port
    await down.close()
    const nowhere = emailAdapter({ host: '127.0.0.1', port, secure: false, user: null, pass: null, from: 'a@b.cn' }, 2000)
    try {
      expect(await nowhere.send(mail('e-down'), never)).toMatchObject({ state: 'failed', retryable: true })
    } finally {
      nowhere.close()
    }
  })
})
