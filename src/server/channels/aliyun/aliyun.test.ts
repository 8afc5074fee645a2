import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { outgoing } from '../../testing/outgoing.js'
import { startAliyunCloud, type AliyunCloud } from '../../testing/peers/aliyun-cloud.js'
import { readChannelConfig } from '../config.js'
import type { AliyunSmsConfig, AliyunVoiceConfig } from './config.js'
import { aliyunSmsAdapter } from './sms.js'
import { aliyunVoiceAdapter } from './voice.js'

const never = new AbortController().signal
let cloud: AliyunCloud
let sms: AliyunSmsConfig
let voice: AliyunVoiceConfig

beforeAll(async () => {
  cloud = await startAliyunCloud()
  const config = readChannelConfig({ ...cloud.env(), SHOUWANG_SMS_PROVIDER: 'aliyun', SHOUWANG_VOICE_PROVIDER: 'aliyun', SHOUWANG_GATEWAY_TIMEOUT_MS: '2000' })
  sms = config.smsProvider as AliyunSmsConfig
  voice = config.voiceProvider as AliyunVoiceConfig
})
afterAll(async () => { await cloud.close() })
beforeEach(() => {
  cloud.sms.length = 0
  cloud.calls.length = 0
  cloud.refused.length = 0
})

const warning = outgoing({
  key: 'w1r1p1:sms:0', subject: '【橙色预警】吴兴区暴雨橙色预警', confirmUrl: 'https://yj.example.gov.cn/c/abc',
  text: '【橙色预警】吴兴区暴雨橙色预警\n影响范围：月河街道\n警示事项：预计累计雨量100毫米。\n确认收到请点击 https://yj.example.gov.cn/c/abc 或回复1确认',
})

describe('Alibaba Cloud SMS adapter against the loopback provider', () => {
  it('sends the warning through its template, signed as the provider checks, and keeps the BizId', async () => {
    const result = await aliyunSmsAdapter(sms).send(warning, never)
    expect(cloud.refused).toEqual([])
    expect(cloud.sms).toHaveLength(1)
    expect(result).toEqual({ state: 'sent', providerId: cloud.sms[0].bizId })
    expect(cloud.sms[0]).toMatchObject({
      phone: '13857200001', signName: '守望应急', templateCode: 'SMS_WARNING', outId: 'w1r1p1:sms:0',
      params: { title: '（橙色预警）吴兴区暴雨橙色预警', content: '影响范围：月河街道；警示事项：预计累计雨量100毫米。' },
    })
    // No link in a variable, no 【】 anywhere: both providers refuse them.
    expect(JSON.stringify(cloud.sms[0].params)).not.toMatch(/https?:|【|】/)
  })

  it('picks the escalation and notice templates by the message kind', async () => {
    await aliyunSmsAdapter(sms).send(outgoing({ kind: 'escalation', subject: '【叫应升级】张三未确认预警', text: '【叫应升级】张三未确认预警\n张三仍未确认，请上门叫应。' }), never)
    await aliyunSmsAdapter(sms).send(outgoing({ kind: 'notice', subject: '【预警解除】吴兴区暴雨橙色预警', text: '【预警解除】吴兴区暴雨橙色预警\n已解除。' }), never)
    expect(cloud.sms.map((s) => [s.templateCode, s.params.content])).toEqual([['SMS_ESCALATION', '张三仍未确认，请上门叫应。'], ['SMS_NOTICE', '已解除。']])
  })

  it('is refused for good with the provider\'s own code when the secret is wrong', async () => {
    const wrong = { ...sms, credentials: { ...sms.credentials, accessKeySecret: 'not-the-secret' } }
    const result = await aliyunSmsAdapter(wrong).send(warning, never)
    expect(result).toMatchObject({ state: 'failed', retryable: false })
    expect(result.state === 'failed' && result.error).toContain('SignatureDoesNotMatch')
    expect(cloud.refused).toEqual(['SignatureDoesNotMatch'])
    expect(cloud.sms).toHaveLength(0)
  })

  it('refuses an unknown key id and a signature name the account does not have', async () => {
    const stranger = await aliyunSmsAdapter({ ...sms, credentials: { ...sms.credentials, accessKeyId: 'LTAIother' } }).send(warning, never)
    expect(stranger.state === 'failed' && stranger.error).toContain('InvalidAccessKeyId.NotFound')
    const unsigned = await aliyunSmsAdapter({ ...sms, signName: '别的签名' }).send(warning, never)
    expect(unsigned).toMatchObject({ state: 'failed', retryable: false })
    expect(unsigned.state === 'failed' && unsigned.error).toContain('isv.SMS_SIGNATURE_ILLEGAL')
  })

  it('retries flow control and the platform\'s 5xx, not a template refusal', async () => {
    cloud.refuseNextWith('isv.BUSINESS_LIMIT_CONTROL', '触发分钟级流控Permits:1')
    expect(await aliyunSmsAdapter(sms).send(warning, never)).toMatchObject({ state: 'failed', retryable: true })
    cloud.failNext(1, 503)
    expect(await aliyunSmsAdapter(sms).send(warning, never)).toMatchObject({ state: 'failed', retryable: true })
    cloud.refuseNextWith('isv.SMS_TEMPLATE_ILLEGAL', '该账号下找不到对应模板')
    expect(await aliyunSmsAdapter(sms).send(warning, never)).toMatchObject({ state: 'failed', retryable: false })
    // Each try is signed with a fresh nonce: the provider would refuse a repeat as a replay.
    expect(cloud.refused).not.toContain('SignatureNonceUsed')
  })

  it('shortens variables to SHOUWANG_SMS_PARAM_MAX when the account limits their length', async () => {
    const limited = await startAliyunCloud({ smsParamMax: 35 })
    try {
      const config = readChannelConfig({ ...limited.env(), SHOUWANG_SMS_PROVIDER: 'aliyun' })
      const long = outgoing({ text: `${'警示事项'.repeat(20)}` })
      expect((await aliyunSmsAdapter(config.smsProvider as AliyunSmsConfig).send(long, never)).state).toBe('failed')
      const capped = readChannelConfig({ ...limited.env(), SHOUWANG_SMS_PROVIDER: 'aliyun', SHOUWANG_SMS_PARAM_MAX: '35' })
      expect((await aliyunSmsAdapter(capped.smsProvider as AliyunSmsConfig).send(long, never)).state).toBe('sent')
      expect(Array.from(limited.sms[0].params.content)).toHaveLength(35)
      expect(limited.sms[0].params.content.endsWith('…')).toBe(true)
    } finally {
      await limited.close()
    }
  })

  it('does not try a number that is not a mainland mobile', async () => {
    expect(await aliyunSmsAdapter(sms).send(outgoing({ address: '12345' }), never)).toMatchObject({ state: 'failed', retryable: false })
    expect(cloud.verified).toBeGreaterThan(0)
    expect(cloud.sms).toHaveLength(0)
  })
})

describe('Alibaba Cloud voice adapter against the loopback provider', () => {
  it('places a TTS call with the speech as its variable and keeps the CallId', async () => {
    const result = await aliyunVoiceAdapter(voice).send(outgoing({ channel: 'voice', deliveryId: 42 }), never)
    expect(cloud.calls).toHaveLength(1)
    expect(result).toEqual({ state: 'sent', providerId: cloud.calls[0].callId })
    // The template says "确认收到请按1" itself.
    expect(cloud.calls[0]).toMatchObject({ number: '13857200001', ttsCode: 'TTS_WARNING', params: { content: '吴兴区暴雨橙色预警。' }, outId: '42' })
  })

  it('keeps the speech within the 250 characters the API allows, and dials landlines', async () => {
    const long = outgoing({ channel: 'voice', speech: `${'请立即转移。'.repeat(60)}确认收到请按1。` })
    expect((await aliyunVoiceAdapter(voice).send(long, never)).state).toBe('sent')
    expect(cloud.calls[0].params.content.length).toBeLessThan(250)
    expect((await aliyunVoiceAdapter(voice).send(outgoing({ channel: 'voice', address: '0572-2012345' }), never)).state).toBe('sent')
    expect(cloud.calls[1].number).toBe('05722012345')
  })
})
