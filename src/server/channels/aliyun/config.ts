import { endpointFrom, requireEnv, templatesFrom, type Env } from '../provider-env.js'
import type { TemplateSet } from '../provider-text.js'
import type { AliyunCredentials } from './signing.js'

/**
 * Alibaba Cloud (阿里云) SMS and voice notification settings, chosen by SHOUWANG_SMS_PROVIDER=aliyun
 * and SHOUWANG_VOICE_PROVIDER=aliyun. One AccessKey (a RAM user with the SMS and voice
 * permissions only) serves both.
 */

export type AliyunSmsConfig = {
  provider: 'aliyun'
  credentials: AliyunCredentials
  /** 短信签名, as approved: sent as SignName, shown in 【】 before the text. */
  signName: string
  /** TemplateCode per kind of message (SMS_123456789). */
  templates: TemplateSet
  endpoint: string
  /** Longest value of one template variable; null leaves the limit to the account. */
  paramMax: number | null
  timeoutMs: number
}

export type AliyunVoiceConfig = {
  provider: 'aliyun'
  credentials: AliyunCredentials
  /** TtsCode per kind of message (TTS_123456789). */
  templates: TemplateSet
  /** 被叫显号 (CalledShowNumber) for 专属模式; null calls from the public pool (公共模式). */
  showNumber: string | null
  endpoint: string
  timeoutMs: number
}

export const ALIYUN_SMS_ENDPOINT = 'https://dysmsapi.aliyuncs.com/'
export const ALIYUN_VOICE_ENDPOINT = 'https://dyvmsapi.aliyuncs.com/'

function credentials(env: Env, choice: string): AliyunCredentials {
  const k = requireEnv(env, choice, ['SHOUWANG_ALIYUN_ACCESS_KEY_ID', 'SHOUWANG_ALIYUN_ACCESS_KEY_SECRET'])
  return { accessKeyId: k.SHOUWANG_ALIYUN_ACCESS_KEY_ID, accessKeySecret: k.SHOUWANG_ALIYUN_ACCESS_KEY_SECRET }
}

export function readAliyunSms(env: Env, timeoutMs: number, paramMax: number | null): AliyunSmsConfig {
  const choice = 'SHOUWANG_SMS_PROVIDER=aliyun'
  return {
    provider: 'aliyun',
    credentials: credentials(env, choice),
    signName: requireEnv(env, choice, ['SHOUWANG_ALIYUN_SMS_SIGN_NAME']).SHOUWANG_ALIYUN_SMS_SIGN_NAME,
    templates: templatesFrom(env, choice, 'SHOUWANG_ALIYUN_SMS'),
    endpoint: endpointFrom(env, 'SHOUWANG_ALIYUN_SMS_ENDPOINT', ALIYUN_SMS_ENDPOINT),
    paramMax,
    timeoutMs,
  }
}

export function readAliyunVoice(env: Env, timeoutMs: number): AliyunVoiceConfig {
  const choice = 'SHOUWANG_VOICE_PROVIDER=aliyun'
  return {
    provider: 'aliyun',
    credentials: credentials(env, choice),
    templates: templatesFrom(env, choice, 'SHOUWANG_ALIYUN_VOICE'),
    showNumber: env.SHOUWANG_ALIYUN_VOICE_SHOW_NUMBER?.trim() || null,
    endpoint: endpointFrom(env, 'SHOUWANG_ALIYUN_VOICE_ENDPOINT', ALIYUN_VOICE_ENDPOINT),
    timeoutMs,
  }
}
