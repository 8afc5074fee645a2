import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { outgoing } from '../testing/outgoing.js'
import { startVoiceGateway, type VoiceGateway } from '../testing/peers/voice-gateway.js'
import { voiceAdapter } from './voice.js'

const never = new AbortController().signal
let gateway: VoiceGateway
beforeAll(async () => { gateway = await startVoiceGateway({ token: 'voice-token' }) })
afterAll(async () => { await gateway.close() })

describe('voice adapter', () => {
  it('places a call with the speech and where to post the result', async () => {
    const voice = voiceAdapter({ url: gateway.url, token: 'voice-token', timeoutMs: 2000 }, 'https://yj.example.gov.cn/')
    const result = await voice.send(outgoing({ channel: 'voice', key: 'v-1' }), never)
    const call = gateway.received.find((c) => c.key === 'v-1')!
    expect(result).toEqual({ state: 'sent', providerId: call.id })
    expect(call).toMatchObject({
      to: '13857200001', speech: '吴兴区暴雨橙色预警。确认收到请按 1。',
      callbackUrl: 'https://yj.example.gov.cn/api/gateway/voice/result',
    })
  })

  it('dials a repeated key once', async () => {
    const voice = voiceAdapter({ url: gateway.url, token: 'voice-token', timeoutMs: 2000 }, 'http://localhost:3000')
    const a = await voice.send(outgoing({ channel: 'voice', key: 'v-twice' }), never)
    const b = await voice.send(outgoing({ channel: 'voice', key: 'v-twice' }), never)
    expect(b).toEqual(a)
    expect(gateway.received.filter((c) => c.key === 'v-twice')).toHaveLength(1)
  })

  it('retries on 503 and on a timeout, not on 422', async () => {
    const voice = voiceAdapter({ url: gateway.url, token: 'voice-token', timeoutMs: 200 }, 'http://localhost:3000')
    gateway.failNext(1, 503)
    expect(await voice.send(outgoing({ channel: 'voice', key: 'v-503' }), never)).toMatchObject({ state: 'failed', retryable: true })
    gateway.delayNext(1500)
    expect(await voice.send(outgoing({ channel: 'voice', key: 'v-slow' }), never)).toMatchObject({ state: 'failed', retryable: true })
    gateway.failNext(1, 422)
    expect(await voice.send(outgoing({ channel: 'voice', key: 'v-422' }), never)).toMatchObject({ state: 'failed', retryable: false })
  })
})
