import type { Kysely } from 'kysely'
import type { ChannelConfig } from '../../channels/config.js'
import type { Database } from '../../db/types.js'
import { AppError } from '../../errors.js'
import { recordAudit, type Actor } from '../audit/record.js'
import { callbackSecret, rotateCallbackSecret, type CallbackSecret } from '../gateway/secret.js'
import { providerCallbackUrls } from '../gateway/provider-routes.js'
import { callbackUrls } from '../gateway/setup.js'
import { SIGNATURE_HEADER } from '../gateway/signature.js'
import type { GatewaySettings } from './schema.js'

// The audit entry names the setting, never its value.
const SECRET_ENTITY = { entity: 'setting', entityId: 'gateway_callback_secret' } as const

function present(secret: CallbackSecret, channels: ChannelConfig): GatewaySettings {
  return {
    secret: secret.value,
    source: secret.source,
    header: SIGNATURE_HEADER,
    algorithm: 'HMAC-SHA256，对请求体原文（UTF-8）计算，十六进制小写',
    callbackUrls: callbackUrls(channels.publicBaseUrl),
    allow: [...channels.gatewayAllow],
    // Only where a cloud provider is chosen: the URLs carry a credential of their own.
    ...(channels.smsProvider || channels.voiceProvider ? { providerCallbackUrls: providerCallbackUrls(channels.publicBaseUrl, secret.value) } : {}),
  }
}

/**
 * The gateway set-up for the system administrator, secret included. Whoever holds the secret can
 * confirm warnings for anyone, so each reading is audited, in the same transaction as the read.
 */
export function readGatewaySettings(db: Kysely<Database>, channels: ChannelConfig, actor: Actor): Promise<GatewaySettings> {
  return db.transaction().execute(async (trx) => {
    const secret = await callbackSecret(trx, channels)
    await recordAudit(trx, actor, { action: 'gateway_secret.read', ...SECRET_ENTITY, after: { source: secret.source } })
    return present(secret, channels)
  })
}

/**
 * A new generated secret (after a leak, or a staff change). The old one stops working at once,
 * so the gateways must be given the new one. A secret from the environment is changed there.
 */
export function rotateGatewaySecret(db: Kysely<Database>, channels: ChannelConfig, actor: Actor): Promise<GatewaySettings> {
  if (channels.callbackSecret) {
    throw new AppError('SECRET_FROM_ENV', 409, '回调密钥由环境变量 SHOUWANG_CALLBACK_SECRET 设定，不能在此轮换；请修改该变量后重启服务')
  }
  return db.transaction().execute(async (trx) => {
    const value = await rotateCallbackSecret(trx)
    await recordAudit(trx, actor, { action: 'gateway_secret.rotated', ...SECRET_ENTITY, after: { source: 'generated' } })
    return present({ value, source: 'generated' }, channels)
  })
}
