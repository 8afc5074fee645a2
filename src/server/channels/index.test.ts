import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../db/database.js'
import { startEventBus, type EventBus } from '../events/bus.js'
import { fakeClock } from '../jobs/clock.js'
import { outgoing } from '../testing/outgoing.js'
import { startPeers, type Peers } from '../testing/peers/index.js'
import { createTestDb } from '../testing/test-app.js'
import { channelsOff } from './config.js'
import { adaptersFor, closeAdapters } from './index.js'

const never = new AbortController().signal
let db: Db
let drop: () => Promise<void>
let bus: EventBus
let peers: Peers
beforeAll(async () => {
  const t = await createTestDb()
  db = t.db
  drop = t.drop
  bus = await startEventBus(t.url)
  peers = await startPeers()
})
afterAll(async () => {
  await peers.close()
  await bus.close()
  await drop()
})

describe('adaptersFor', () => {
  it('fails at once, for good and in Chinese, on every channel that is not configured', async () => {
    const adapters = adaptersFor(channelsOff(), { db, clock: fakeClock() })
    for (const [channel, reason] of [['sms', '未配置短信网关'], ['voice', '未配置语音网关'], ['email', '未配置邮件服务器'], ['wecom', '企业微信'], ['dingtalk', '钉钉']] as const) {
      const result = await adapters.get(channel)!.send(outgoing({ channel }), never)
      expect(result).toMatchObject({ state: 'failed', retryable: false })
      expect(result.state === 'failed' && result.error).toContain(reason)
    }
  })

  it('reaches each configured peer through the adapter of its channel', async () => {
    const adapters = adaptersFor(peers.channels('http://127.0.0.1:3000'), { db, clock: fakeClock() })
    try {
      expect((await adapters.get('sms')!.send(outgoing({ key: 'i-sms' }), never)).state).toBe('sent')
      expect((await adapters.get('voice')!.send(outgoing({ channel: 'voice', key: 'i-voice' }), never)).state).toBe('sent')
      expect((await adapters.get('email')!.send(outgoing({ channel: 'email', key: 'i-mail', address: 'a@example.cn' }), never)).state).toBe('sent')
      expect((await adapters.get('wecom')!.send(outgoing({ channel: 'wecom', address: peers.robot.wecomUrl() }), never)).state).toBe('sent')
      expect((await adapters.get('dingtalk')!.send(outgoing({ channel: 'dingtalk', address: peers.robot.dingtalkUrl() }), never)).state).toBe('sent')
      expect(peers.sms.received.map((m) => m.key)).toEqual(['i-sms'])
      expect(peers.voice.received.map((c) => c.callbackUrl)).toEqual(['http://127.0.0.1:3000/api/gateway/voice/result'])
      expect(peers.smtp.received.map((m) => m.key)).toEqual(['i-mail'])
      expect(peers.robot.received.map((p) => p.kind)).toEqual(['wecom', 'dingtalk'])
    } finally {
      closeAdapters(adapters)
    }
  })

  it('sends in-app by telling the person\'s open pages, and counts it delivered', async () => {
    const adapters = adaptersFor(channelsOff(), { db, clock: fakeClock() })
    const got: unknown[] = []
    const arrived = new Promise<void>((resolve) => bus.subscribe('person:42', (data) => { got.push(data); resolve() }))
    const result = await adapters.get('inapp')!.send(outgoing({ channel: 'inapp', personId: 42, deliveryId: 9, warningId: 3, address: '42' }), never)
    expect(result).toEqual({ state: 'delivered' })
    await arrived
    expect(got).toEqual([{ deliveryId: 9, warningId: 3, level: 2 }])
  })
})
