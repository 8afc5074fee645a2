import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { forbidden } from '../../errors.js'
import { seesWholeLog } from '../audit/queries.js'
import { readGatewaySettings, rotateGatewaySecret } from './gateway.js'
import { GatewaySettings } from './schema.js'

const tags = ['系统设置']

/** Deployment-wide settings, for the system administrator (系统管理员) alone. */
export const settingsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // The secret serves the whole deployment, so only an administrator whose jurisdiction holds
  // every account may see or change it — not a county's system administrator.
  const wholeDeployment = async (req: FastifyRequest) => {
    if (!(await seesWholeLog(app.db, req.scope))) throw forbidden('网关回调设置作用于整个部署，只有辖区覆盖全部账号的系统管理员可以查看或修改')
  }
  app.get('/gateway', {
    schema: { tags, summary: '网关回调设置：回调密钥、签名方式、回调地址与地址白名单（每次查看记入审计日志）', response: { 200: GatewaySettings } },
    preHandler: [app.can('system.settings'), wholeDeployment],
  }, (req) => readGatewaySettings(app.db, app.channels, req.actor))

  app.post('/gateway/rotate', {
    schema: { tags, summary: '轮换回调密钥（旧密钥立即失效，须同时更新网关配置）', response: { 200: GatewaySettings } },
    preHandler: [app.can('system.settings'), wholeDeployment],
  }, (req) => rotateGatewaySecret(app.db, app.channels, req.actor))
}
