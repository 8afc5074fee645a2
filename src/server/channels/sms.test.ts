import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { outgoing as message } from '../testing/outgoing.js'
import { startSmsGateway, type SmsGateway } from '../testing/peers/sms-gateway.js'
import { smsAdapter } from './sms.js'

const never = new AbortController().signal

let gateway: SmsGateway
beforeAll(async () => { gateway = await startSmsGateway({ token: 'sms-token' }) })
afterAll(async () => { await gateway.close() })
beforeEach(() => { gateway.received.length = 0 })

describe('sms adapter', () => {
  it('posts key, number and text with the bearer token and keeps the gateway id', async () => {
    const sms = smsAdapter({ url: gateway.url, token: 'sms-token', timeoutMs: 2000 })
    const result = await sms.send(message({ key: 'k-send' }), never)
    expect(result).toEqual({ state: 'sent', providerId: gateway.received[0].id })
    expect(gateway.received[0]).toMatchObject({ key: 'k-send', to: '13857200001', text: message().text })
  })

  it('sends a repeated key once and gets the same id back', async () => {
    const sms = smsAdapter({ url: gateway.url, token: 'sms-token', timeoutMs: 2000 })
    const first = await sms.send(message({ key: 'k-twice' }), never)
    const second = await sms.send(message({ key: 'k-twice' }), never)
    expect(second).toEqual(first)
    expect(gateway.received.filter((m) => m.key === 'k-twice')).toHaveLength(1)
  })

  it('retries after a timeout without sending twice', async () => {
    const sms = smsAdapter({ url: gateway.url, token: 'sms-token', timeoutMs: 200 })
    gateway.delayNext(2000)
    const timedOut = await sms.send(message({ key: 'k-slow' }), never)
    expect(timedOut).toMatchObject({ state: 'failed', retryable: true })
    expect(timedOut.state === 'failed' && timedOut.error).toContain('无应答')
    const retried = await sms.send(message({ key: 'k-slow' }), never)
    expect(retried.state).toBe('sent')
    expect(gateway.received.filter((m) => m.key === 'k-slow')).toHaveLength(1)
  })

  it('treats 5xx as retryable and 4xx as final', async () => {
    const sms = smsAdapter({ url: gateway.url, token: 'sms-token', timeoutMs: 2000 })
    gateway.failNext(1, 500)
    expect(await sms.send(message({ key: 'k-500' }), never)).toMatchObject({ state: 'failed', retryable: true })
    gateway.failNext(1, 400)
    const refused = await sms.send(message({ key: 'k-400' }), never)
    expect(refused).toMatchObject({ state: 'failed', retryable: false })
    expect(refused.state === 'failed' && refused.error).toContain('HTTP 400')
    expect(gateway.received).toHaveLength(0)
  })

  it('is refused with a wrong token, for good', async () => {
    const sms = smsAdapter({ url: gateway.url, token: 'wrong', timeoutMs: 2000 })
    expect(await sms.send(message({ key: 'k-token' }), never)).toMatchObject({ state: 'failed', retryable: false })
  })

  it('treats a gateway that is down as retryable', async () => {
    const down = await startSmsGateway()
    const url = down.url
    await down.close()
    const sms = smsAdapter({ url, token: null, timeoutMs: 2000 })
    const result = await sms.send(message({ key: 'k-down' }), never)
    expect(result).toMatchObject({ state: 'failed', retryable: true })
    expect(result.state === 'failed' && result.error).toContain('ECONNREFUSED')
  })

  it('stops waiting when the dispatcher aborts, leaving the message to retry', async () => {
    const sms = smsAdapter({ url: gateway.url, token: 'sms-token', timeoutMs: 5000 })
    gateway.delayNext(3000)
    const stop = new AbortController()
    const sending = sms.send(message({ key: 'k-abort' }), stop.signal)
    await gateway.waitFor(1)
    stop.abort()
    expect(await sending).toMatchObject({ state: 'failed', retryable: true })
  })

  it('refuses an address that is not a URL without trying', async () => {
    const sms = smsAdapter({ url: 'not a url', token: null, timeoutMs: 2000 })
    expect(await sms.send(message(), never)).toMatchObject({ state: 'failed', retryable: false })
  })
})
