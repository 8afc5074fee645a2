import { endpointFrom, requireEnv, templatesFrom, type Env } from '../provider-env.js'
import type { TemplateSet } from '../provider-text.js'
import type { TencentCredentials } from './signing.js'

/**
 * Tencent Cloud (腾讯云) SMS and voice message (语音消息, VMS) settings, chosen by
 * SHOUWANG_SMS_PROVIDER=tencent and SHOUWANG_VOICE_PROVIDER=tencent. One API key (a CAM
 * sub-user with the SMS and VMS permissions only) serves both; each product has its own
 * application (SdkAppId) in its console.
 */

export type TencentSmsConfig = {
  provider: 'tencent'
  credentials: TencentCredentials
  /** SmsSdkAppId of the SMS application. */
  appId: string
  /** 短信签名内容, as approved. */
  signName: string
  /** TemplateId per kind of message. */
  templates: TemplateSet
  region: string
  endpoint: string
  /** Longest value of one template variable; null leaves the limit to the account. */
  paramMax: number | null
  timeoutMs: number
}

export type TencentVoiceConfig = {
  provider: 'tencent'
  credentials: TencentCredentials
  /** VoiceSdkAppid of the voice message application. */
  appId: string
  templates: TemplateSet
  region: string
  endpoint: string
  timeoutMs: number
}

export const TENCENT_SMS_ENDPOINT = 'https://sms.tencentcloudapi.com/'
export const TENCENT_VOICE_ENDPOINT = 'https://vms.tencentcloudapi.com/'

function credentials(env: Env, choice: string): TencentCredentials {
  const k = requireEnv(env, choice, ['SHOUWANG_TENCENT_SECRET_ID', 'SHOUWANG_TENCENT_SECRET_KEY'])
  return { secretId: k.SHOUWANG_TENCENT_SECRET_ID, secretKey: k.SHOUWANG_TENCENT_SECRET_KEY }
}

const regionOf = (env: Env) => env.SHOUWANG_TENCENT_REGION?.trim() || 'ap-guangzhou'

export function readTencentSms(env: Env, timeoutMs: number, paramMax: number | null): TencentSmsConfig {
  const choice = 'SHOUWANG_SMS_PROVIDER=tencent'
  const s = requireEnv(env, choice, ['SHOUWANG_TENCENT_SMS_APP_ID', 'SHOUWANG_TENCENT_SMS_SIGN_NAME'])
  return {
    provider: 'tencent',
    credentials: credentials(env, choice),
    appId: s.SHOUWANG_TENCENT_SMS_APP_ID,
    signName: s.SHOUWANG_TENCENT_SMS_SIGN_NAME,
    templates: templatesFrom(env, choice, 'SHOUWANG_TENCENT_SMS'),
    region: regionOf(env),
    endpoint: endpointFrom(env, 'SHOUWANG_TENCENT_SMS_ENDPOINT', TENCENT_SMS_ENDPOINT),
    paramMax,
    timeoutMs,
  }
}

export function readTencentVoice(env: Env, timeoutMs: number): TencentVoiceConfig {
  const choice = 'SHOUWANG_VOICE_PROVIDER=tencent'
  return {
    provider: 'tencent',
    credentials: credentials(env, choice),
    appId: requireEnv(env, choice, ['SHOUWANG_TENCENT_VOICE_APP_ID']).SHOUWANG_TENCENT_VOICE_APP_ID,
    templates: templatesFrom(env, choice, 'SHOUWANG_TENCENT_VOICE'),
    region: regionOf(env),
    endpoint: endpointFrom(env, 'SHOUWANG_TENCENT_VOICE_ENDPOINT', TENCENT_VOICE_ENDPOINT),
    timeoutMs,
  }
}
