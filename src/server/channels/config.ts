import { parseAllowList } from '../features/gateway/allow-list.js'
import { readAliyunSms, readAliyunVoice, type AliyunSmsConfig, type AliyunVoiceConfig } from './aliyun/config.js'
import { readTencentSms, readTencentVoice, type TencentSmsConfig, type TencentVoiceConfig } from './tencent/config.js'

/**
 * Gateways and servers the channels talk to, read from the environment once. A channel without
 * configuration is off: its deliveries fail at once with a clear reason, and the ladder goes on.
 */
export type ChannelConfig = {
  /** Base of the links in messages, e.g. https://yj.example.gov.cn (confirm links must work from a phone). */
  publicBaseUrl: string
  /**
   * SHOUWANG_CALLBACK_SECRET: the secret gateways sign their callbacks with (header
   * x-shouwang-signature, HMAC-SHA256 of the body). When null, the deployment's generated secret
   * is read from the database on each callback (features/gateway/secret.ts); never "unsigned".
   */
  callbackSecret: string | null
  /** SHOUWANG_GATEWAY_ALLOW: IPs and CIDR blocks callbacks may come from; empty allows any. */
  gatewayAllow: readonly string[]
  /** The generic HTTP gateways (SHOUWANG_SMS_URL, SHOUWANG_VOICE_URL). */
  sms: { url: string; token: string | null; timeoutMs: number } | null
  voice: { url: string; token: string | null; timeoutMs: number } | null
  /**
   * A cloud provider's SMS or voice API instead of the generic gateway (SHOUWANG_SMS_PROVIDER,
   * SHOUWANG_VOICE_PROVIDER = aliyun | tencent); absent or null means the generic one.
   */
  smsProvider?: AliyunSmsConfig | TencentSmsConfig | null
  voiceProvider?: AliyunVoiceConfig | TencentVoiceConfig | null
  email: { host: string; port: number; secure: boolean; user: string | null; pass: string | null; from: string } | null
  /** Group robots are configured per linkage group; this only switches the channels on. */
  wecom: { enabled: boolean; timeoutMs: number }
  dingtalk: { enabled: boolean; timeoutMs: number }
}

export function readChannelConfig(env: NodeJS.ProcessEnv = process.env): ChannelConfig {
  const timeoutMs = Number(env.SHOUWANG_GATEWAY_TIMEOUT_MS ?? 10_000)
  return {
    publicBaseUrl: (env.SHOUWANG_PUBLIC_URL ?? `http://localhost:${env.PORT ?? 3000}`).replace(/\/$/, ''),
    callbackSecret: env.SHOUWANG_CALLBACK_SECRET || null,
    gatewayAllow: parseAllowList(env.SHOUWANG_GATEWAY_ALLOW),
    sms: env.SHOUWANG_SMS_URL ? { url: env.SHOUWANG_SMS_URL, token: env.SHOUWANG_SMS_TOKEN || null, timeoutMs } : null,
    voice: env.SHOUWANG_VOICE_URL ? { url: env.SHOUWANG_VOICE_URL, token: env.SHOUWANG_VOICE_TOKEN || null, timeoutMs } : null,
    smsProvider: readSmsProvider(env, timeoutMs),
    voiceProvider: readVoiceProvider(env, timeoutMs),
    email: env.SHOUWANG_SMTP_HOST
      ? {
          host: env.SHOUWANG_SMTP_HOST,
          port: Number(env.SHOUWANG_SMTP_PORT ?? 25),
          secure: env.SHOUWANG_SMTP_SECURE === 'true',
          user: env.SHOUWANG_SMTP_USER || null,
          pass: env.SHOUWANG_SMTP_PASS || null,
          from: env.SHOUWANG_SMTP_FROM ?? '守望应急 <noreply@localhost>',
        }
      : null,
    wecom: { enabled: env.SHOUWANG_WECOM !== 'false', timeoutMs },
    dingtalk: { enabled: env.SHOUWANG_DINGTALK !== 'false', timeoutMs },
  }
}

/** SHOUWANG_SMS_PROVIDER / SHOUWANG_VOICE_PROVIDER, checked; empty is the generic gateway. */
function providerChoice(env: NodeJS.ProcessEnv, name: string): 'generic' | 'aliyun' | 'tencent' {
  const given = env[name]?.trim().toLowerCase() || 'generic'
  if (given === 'generic' || given === 'aliyun' || given === 'tencent') return given
  throw new RangeError(`${name} 的值“${env[name]}”无效，应为 generic、aliyun 或 tencent`)
}

function readSmsProvider(env: NodeJS.ProcessEnv, timeoutMs: number): AliyunSmsConfig | TencentSmsConfig | null {
  const choice = providerChoice(env, 'SHOUWANG_SMS_PROVIDER')
  if (choice === 'generic') return null
  const max = env.SHOUWANG_SMS_PARAM_MAX?.trim()
  const paramMax = max ? Number(max) : null
  if (paramMax !== null && !(Number.isInteger(paramMax) && paramMax >= 10)) {
    throw new RangeError(`SHOUWANG_SMS_PARAM_MAX 的值“${max}”无效，应为不小于 10 的整数（模板变量的最大字数）`)
  }
  return choice === 'aliyun' ? readAliyunSms(env, timeoutMs, paramMax) : readTencentSms(env, timeoutMs, paramMax)
}

function readVoiceProvider(env: NodeJS.ProcessEnv, timeoutMs: number): AliyunVoiceConfig | TencentVoiceConfig | null {
  const choice = providerChoice(env, 'SHOUWANG_VOICE_PROVIDER')
  if (choice === 'generic') return null
  return choice === 'aliyun' ? readAliyunVoice(env, timeoutMs) : readTencentVoice(env, timeoutMs)
}

/** Everything off except in-app: what tests start from. */
export function channelsOff(publicBaseUrl = 'http://localhost:3000'): ChannelConfig {
  return {
    publicBaseUrl, callbackSecret: null, gatewayAllow: [], sms: null, voice: null, email: null,
    wecom: { enabled: false, timeoutMs: 2000 }, dingtalk: { enabled: false, timeoutMs: 2000 },
  }
}
