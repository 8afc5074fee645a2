import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { outgoing } from '../testing/outgoing.js'
import { startRobotPeer, type RobotPeer } from '../testing/peers/robot.js'
import { dingtalkAdapter, dingtalkAddress, splitDingtalkAddress } from './dingtalk.js'
import { wecomAdapter } from './wecom.js'

const never = new AbortController().signal
let robot: RobotPeer
beforeAll(async () => { robot = await startRobotPeer({ dingtalkSecrets: { signed: 'SEC-abc+/=' } }) })
afterAll(async () => { await robot.close() })

const wecom = wecomAdapter({ enabled: true, timeoutMs: 2000 })
const dingtalk = dingtalkAdapter({ enabled: true, timeoutMs: 2000 })

describe('企业微信 robot', () => {
  it('posts the text to the group webhook', async () => {
    const result = await wecom.send(outgoing({ channel: 'wecom', address: robot.wecomUrl('g1') }), never)
    expect(result).toEqual({ state: 'sent' })
    expect(robot.received.at(-1)).toMatchObject({ kind: 'wecom', token: 'g1', content: outgoing().text })
  })

  it('retries on the rate limit (45009) and gives up on other error codes', async () => {
    robot.failNext(1, 45009, 'api freq out of limit')
    const limited = await wecom.send(outgoing({ channel: 'wecom', address: robot.wecomUrl('g1') }), never)
    expect(limited).toMatchObject({ state: 'failed', retryable: true })
    expect(limited.state === 'failed' && limited.error).toContain('45009')
    const badKey = await wecom.send(outgoing({ channel: 'wecom', address: `${robot.url}/cgi-bin/webhook/send` }), never)
    expect(badKey).toMatchObject({ state: 'failed', retryable: false })
  })

  it('cuts a text over 2048 bytes instead of being refused', async () => {
    await wecom.send(outgoing({ channel: 'wecom', address: robot.wecomUrl('long'), text: '暴雨'.repeat(1000) }), never)
    const post = robot.received.at(-1)!
    expect(Buffer.byteLength(post.content)).toBeLessThanOrEqual(2048)
    expect(post.content.endsWith('…')).toBe(true)
  })
})

describe('钉钉 robot', () => {
  it('signs when the address carries a secret, which never goes over the wire', async () => {
    const address = dingtalkAddress(robot.dingtalkUrl('signed'), 'SEC-abc+/=')
    expect(splitDingtalkAddress(address)).toEqual({ webhook: robot.dingtalkUrl('signed'), secret: 'SEC-abc+/=' })
    const result = await dingtalk.send(outgoing({ channel: 'dingtalk', address }), never)
    expect(result).toEqual({ state: 'sent' })
    expect(robot.received.at(-1)).toMatchObject({ kind: 'dingtalk', token: 'signed', signed: true })
    expect(JSON.stringify(robot.received.at(-1)!.body)).not.toContain('SEC-abc')
  })

  it('is refused for good with the wrong secret or none', async () => {
    const wrong = await dingtalk.send(outgoing({ channel: 'dingtalk', address: dingtalkAddress(robot.dingtalkUrl('signed'), 'other') }), never)
    expect(wrong).toMatchObject({ state: 'failed', retryable: false })
    expect(wrong.state === 'failed' && wrong.error).toContain('310000')
    const unsigned = await dingtalk.send(outgoing({ channel: 'dingtalk', address: robot.dingtalkUrl('signed') }), never)
    expect(unsigned).toMatchObject({ state: 'failed', retryable: false })
  })

  it('posts unsigned to a robot without 加签, and retries when sending too fast (130101)', async () => {
    expect(await dingtalk.send(outgoing({ channel: 'dingtalk', address: robot.dingtalkUrl('plain') }), never)).toEqual({ state: 'sent' })
    expect(robot.received.at(-1)).toMatchObject({ token: 'plain', signed: false })
    robot.failNext(1, 130101, 'send too fast')
    expect(await dingtalk.send(outgoing({ channel: 'dingtalk', address: robot.dingtalkUrl('plain') }), never)).toMatchObject({ state: 'failed', retryable: true })
  })
})
