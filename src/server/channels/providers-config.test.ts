import { describe, expect, it } from 'vitest'
import { readChannelConfig } from './config.js'

const aliyun = {
  SHOUWANG_ALIYUN_ACCESS_KEY_ID: 'LTAIid', SHOUWANG_ALIYUN_ACCESS_KEY_SECRET: 'secret', SHOUWANG_ALIYUN_SMS_SIGN_NAME: '吴兴应急',
  SHOUWANG_ALIYUN_SMS_TEMPLATE_WARNING: 'SMS_1', SHOUWANG_ALIYUN_SMS_TEMPLATE_ESCALATION: 'SMS_2',
  SHOUWANG_ALIYUN_VOICE_TEMPLATE_WARNING: 'TTS_1', SHOUWANG_ALIYUN_VOICE_TEMPLATE_ESCALATION: 'TTS_2',
}
const tencent = {
  SHOUWANG_TENCENT_SECRET_ID: 'AKIDid', SHOUWANG_TENCENT_SECRET_KEY: 'key', SHOUWANG_TENCENT_SMS_APP_ID: '1400000001',
  SHOUWANG_TENCENT_SMS_SIGN_NAME: '吴兴应急', SHOUWANG_TENCENT_SMS_TEMPLATE_WARNING: '1', SHOUWANG_TENCENT_SMS_TEMPLATE_ESCALATION: '2',
  SHOUWANG_TENCENT_VOICE_APP_ID: '1400000002', SHOUWANG_TENCENT_VOICE_TEMPLATE_WARNING: '3', SHOUWANG_TENCENT_VOICE_TEMPLATE_ESCALATION: '4',
}

describe('SMS and voice provider selection', () => {
  it('speaks the generic contract when no provider is named, as before', () => {
    const config = readChannelConfig({ SHOUWANG_SMS_URL: 'http://gw/sms' })
    expect(config.sms).toMatchObject({ url: 'http://gw/sms' })
    expect(config.smsProvider).toBeNull()
    expect(config.voiceProvider).toBeNull()
    expect(readChannelConfig({ SHOUWANG_SMS_PROVIDER: 'generic' }).smsProvider).toBeNull()
  })

  it('reads Alibaba Cloud for SMS and Tencent Cloud for voice, each from its own settings', () => {
    const config = readChannelConfig({ ...aliyun, ...tencent, SHOUWANG_SMS_PROVIDER: 'aliyun', SHOUWANG_VOICE_PROVIDER: 'Tencent' })
    expect(config.smsProvider).toMatchObject({
      provider: 'aliyun', signName: '吴兴应急', endpoint: 'https://dysmsapi.aliyuncs.com/', paramMax: null,
      credentials: { accessKeyId: 'LTAIid', accessKeySecret: 'secret' },
      // The notice (cancellation / all-clear) falls back to the escalation template.
      templates: { warning: 'SMS_1', escalation: 'SMS_2', notice: 'SMS_2' },
    })
    expect(config.voiceProvider).toMatchObject({
      provider: 'tencent', appId: '1400000002', region: 'ap-guangzhou', endpoint: 'https://vms.tencentcloudapi.com/',
      templates: { warning: '3', escalation: '4', notice: '4' },
    })
  })

  it('stops start-up naming every setting a chosen provider still lacks', () => {
    expect(() => readChannelConfig({ SHOUWANG_SMS_PROVIDER: 'aliyun' })).toThrow(/SHOUWANG_SMS_PROVIDER=aliyun 还需要设置：SHOUWANG_ALIYUN_ACCESS_KEY_ID、SHOUWANG_ALIYUN_ACCESS_KEY_SECRET/)
    const { SHOUWANG_TENCENT_VOICE_APP_ID: _, ...noApp } = tencent
    expect(() => readChannelConfig({ ...noApp, SHOUWANG_VOICE_PROVIDER: 'tencent' })).toThrow('SHOUWANG_TENCENT_VOICE_APP_ID')
    expect(() => readChannelConfig({ SHOUWANG_SMS_PROVIDER: 'huawei' })).toThrow('应为 generic、aliyun 或 tencent')
  })

  it('checks the variable limit and endpoint overrides', () => {
    expect(readChannelConfig({ ...aliyun, SHOUWANG_SMS_PROVIDER: 'aliyun', SHOUWANG_SMS_PARAM_MAX: '35' }).smsProvider).toMatchObject({ paramMax: 35 })
    expect(() => readChannelConfig({ ...aliyun, SHOUWANG_SMS_PROVIDER: 'aliyun', SHOUWANG_SMS_PARAM_MAX: 'lots' })).toThrow('SHOUWANG_SMS_PARAM_MAX')
    expect(() => readChannelConfig({ ...aliyun, SHOUWANG_SMS_PROVIDER: 'aliyun', SHOUWANG_ALIYUN_SMS_ENDPOINT: 'not a url' })).toThrow('SHOUWANG_ALIYUN_SMS_ENDPOINT')
    expect(readChannelConfig({ ...tencent, SHOUWANG_SMS_PROVIDER: 'tencent', SHOUWANG_TENCENT_SMS_ENDPOINT: 'http://127.0.0.1:9/' }).smsProvider)
      .toMatchObject({ endpoint: 'http://127.0.0.1:9/' })
  })
})
