import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { outgoing } from '../../testing/outgoing.js'
import { startTencentCloud, type TencentCloud } from '../../testing/peers/tencent-cloud.js'
import { readChannelConfig } from '../config.js'
import type { TencentSmsConfig, TencentVoiceConfig } from './config.js'
import { tencentSmsAdapter } from './sms.js'
import { tencentVoiceAdapter } from './voice.js'

const never = new AbortController().signal
let cloud: TencentCloud
let sms: TencentSmsConfig
let voice: TencentVoiceConfig

beforeAll(async () => {
  cloud = await startTencentCloud()
  const config = readChannelConfig({ ...cloud.env(), SHOUWANG_SMS_PROVIDER: 'tencent', SHOUWANG_VOICE_PROVIDER: 'tencent', SHOUWANG_GATEWAY_TIMEOUT_MS: '2000' })
  sms = config.smsProvider as TencentSmsConfig
  voice = config.voiceProvider as TencentVoiceConfig
})
afterAll(async () => { await cloud.close() })
beforeEach(() => {
  cloud.sms.length = 0
  cloud.calls.length = 0
  cloud.refused.length = 0
})

const warning = outgoing({
  key: 'w1r1p1:sms:0', subject: '【通联演练】【蓝色预警】吴兴区大风蓝色预警', confirmUrl: 'https://yj.example.gov.cn/c/abc',
  text: '【通联演练】【蓝色预警】吴兴区大风蓝色预警\n本条为通联演练消息。\n影响范围：月河街道\n确认收到请点击 https://yj.example.gov.cn/c/abc 或回复1确认',
})

describe('Tencent Cloud SMS adapter against the loopback provider', () => {
  it('sends the warning through its template, signed as the provider checks, and keeps the SerialNo', async () => {
    const result = await tencentSmsAdapter(sms).send(warning, never)
    expect(cloud.refused).toEqual([])
    expect(cloud.sms).toHaveLength(1)
    expect(result).toEqual({ state: 'sent', providerId: cloud.sms[0].serialNo })
    expect(cloud.sms[0]).toMatchObject({
      phone: '+8613857200001', appId: '1400006666', signName: '守望应急', templateId: '100001', sessionContext: 'w1r1p1:sms:0',
      params: ['（通联演练）（蓝色预警）吴兴区大风蓝色预警', '本条为通联演练消息。影响范围：月河街道。'],
    })
  })

  it('picks the escalation template for an escalation notice', async () => {
    await tencentSmsAdapter(sms).send(outgoing({ kind: 'escalation' }), never)
    expect(cloud.sms.map((s) => s.templateId)).toEqual(['100002'])
  })

  it('is refused for good with AuthFailure.SignatureFailure when the key is wrong', async () => {
    const result = await tencentSmsAdapter({ ...sms, credentials: { ...sms.credentials, secretKey: 'wrong' } }).send(warning, never)
    expect(result).toMatchObject({ state: 'failed', retryable: false })
    expect(result.state === 'failed' && result.error).toContain('AuthFailure.SignatureFailure')
    expect(cloud.refused).toEqual(['AuthFailure.SignatureFailure'])
    expect(cloud.sms).toHaveLength(0)
  })

  it('refuses an unknown SecretId, another application and an unapproved template', async () => {
    const id = await tencentSmsAdapter({ ...sms, credentials: { ...sms.credentials, secretId: 'AKIDother' } }).send(warning, never)
    expect(id.state === 'failed' && id.error).toContain('AuthFailure.SecretIdNotFound')
    const app = await tencentSmsAdapter({ ...sms, appId: '1400000000' }).send(warning, never)
    expect(app.state === 'failed' && app.error).toContain('SdkAppIdNotExist')
    const template = await tencentSmsAdapter({ ...sms, templates: { ...sms.templates, warning: '999' } }).send(warning, never)
    expect(template).toMatchObject({ state: 'failed', retryable: false })
    expect(template.state === 'failed' && template.error).toContain('TemplateIncorrectOrUnapproved')
  })

  it('retries frequency limits and internal errors, not a parameter error', async () => {
    cloud.refuseNextWith('LimitExceeded.PhoneNumberThirtySecondLimit', '单个手机号30秒内下发短信条数超过设定的上限')
    expect(await tencentSmsAdapter(sms).send(warning, never)).toMatchObject({ state: 'failed', retryable: true })
    cloud.refuseNextWith('InternalError.Timeout', '请求下发短信超时')
    expect(await tencentSmsAdapter(sms).send(warning, never)).toMatchObject({ state: 'failed', retryable: true })
    cloud.refuseNextWith('InvalidParameterValue.ContentLengthLimit', '请求的短信内容太长')
    expect(await tencentSmsAdapter(sms).send(warning, never)).toMatchObject({ state: 'failed', retryable: false })
  })
})

describe('Tencent Cloud voice adapter against the loopback provider', () => {
  it('places a TTS voice message with the speech as {1} and keeps the CallId', async () => {
    const result = await tencentVoiceAdapter(voice).send(outgoing({ channel: 'voice', kind: 'warning' }), never)
    expect(cloud.refused).toEqual([])
    expect(result).toEqual({ state: 'sent', providerId: cloud.calls[0].callId })
    expect(cloud.calls[0]).toMatchObject({ phone: '+8613857200001', appId: '1400007777', templateId: '200001', params: ['吴兴区暴雨橙色预警。'], playTimes: 2 })
  })

  it('keeps a long speech within the 350 characters of a voice message', async () => {
    const long = outgoing({ channel: 'voice', speech: `${'请立即转移到安置点。'.repeat(50)}确认收到请按1。` })
    expect((await tencentVoiceAdapter(voice).send(long, never)).state).toBe('sent')
    expect(cloud.calls[0].params[0].length).toBeLessThanOrEqual(300)
  })

  it('is refused with a wrong key like SMS, and does not dial a landline (VMS calls mobiles only)', async () => {
    const wrong = await tencentVoiceAdapter({ ...voice, credentials: { ...voice.credentials, secretKey: 'wrong' } }).send(outgoing({ channel: 'voice' }), never)
    expect(wrong.state === 'failed' && wrong.error).toContain('AuthFailure.SignatureFailure')
    expect(await tencentVoiceAdapter(voice).send(outgoing({ channel: 'voice', address: '0572-2012345' }), never)).toMatchObject({ state: 'failed', retryable: false })
    expect(cloud.calls).toHaveLength(0)
  })
})
