import type { Kysely } from 'kysely'
import type { ChannelConfig } from '../../channels/config.js'
import { voiceResultPath } from '../../channels/voice.js'
import type { Database } from '../../db/types.js'
import { callbackSecret } from './secret.js'
import { SIGNATURE_HEADER } from './signature.js'

/** What an operator enters in a gateway's set-up, besides the secret: where each callback goes. */
export function callbackUrls(publicBaseUrl: string) {
  return {
    smsReceipt: `${publicBaseUrl}/api/gateway/sms/receipt`,
    smsReply: `${publicBaseUrl}/api/gateway/sms/reply`,
    voiceResult: `${publicBaseUrl}${voiceResultPath}`,
  }
}

/**
 * The lines the server prints at start-up about gateway callbacks: how they are authenticated,
 * from where they are taken, and where they go. Never the secret itself: logs travel further
 * than the settings page. Makes the generated secret on first start, so it exists to be shown.
 */
export async function gatewaySetupNotice(db: Kysely<Database>, channels: ChannelConfig): Promise<string[]> {
  const secret = await callbackSecret(db, channels)
  const urls = callbackUrls(channels.publicBaseUrl)
  const how = `请求头 ${SIGNATURE_HEADER}，请求体原文的 HMAC-SHA256`
  return [
    secret.source === 'env'
      ? `网关回调：须以 SHOUWANG_CALLBACK_SECRET 设定的密钥签名（${how}）；未签名或签名不符的回调一律拒绝，并记入审计日志。`
      : `网关回调：须以本部署自动生成的回调密钥签名（${how}）；未签名或签名不符的回调一律拒绝，并记入审计日志。`
        + '系统管理员在“网关回调”页面查看、轮换该密钥，并填入短信、语音网关的配置（设置 SHOUWANG_CALLBACK_SECRET 则改用该值）。',
    channels.gatewayAllow.length > 0
      ? `网关回调只接受来自以下地址的请求（SHOUWANG_GATEWAY_ALLOW）：${channels.gatewayAllow.join('、')}`
      : '网关回调未限制来源地址；可用 SHOUWANG_GATEWAY_ALLOW 列出网关的 IP 地址或网段。',
    `回调地址：短信回执 ${urls.smsReceipt}，短信回复 ${urls.smsReply}，语音呼叫结果 ${urls.voiceResult}`,
    ...providerLines(channels),
  ]
}

const PROVIDER_NAMES = { aliyun: '阿里云', tencent: '腾讯云' } as const

/** Which cloud provider sends SMS and calls; their callback URLs hold a token, so they are shown on the page, not here. */
function providerLines(channels: ChannelConfig): string[] {
  const sms = channels.smsProvider?.provider
  const voice = channels.voiceProvider?.provider
  if (!sms && !voice) return []
  const uses = [sms ? `短信经${PROVIDER_NAMES[sms]}发送` : null, voice ? `语音呼叫经${PROVIDER_NAMES[voice]}发送` : null].filter(Boolean).join('，')
  return [`${uses}；其状态报告、回复与呼叫结果的回调地址含本部署的回调令牌，请在“网关回调”页面复制后填入云服务商控制台（轮换密钥后须重新填入）。`]
}
