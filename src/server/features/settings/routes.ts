import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { forbidden } from '../../errors.js'
import { seesWholeLog } from '../audit/queries.js'
import { readGatewaySettings, rotateGatewaySecret } from './gateway.js'
import { readIssuingSettings, saveIssuingSettings } from './issuing.js'
import { GatewaySettings, IssuingSettings, IssuingSettingsInput } from './schema.js'

const tags = ['系统设置']

/** Deployment-wide settings, changed by the system administrator (系统管理员) alone. */
export const settingsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // The secret serves the whole deployment, so only an administrator whose jurisdiction holds
  // every account may see or change it — not a county's system administrator.
  const wholeDeploymentFor = (what: string) => async (req: FastifyRequest) => {
    if (!(await seesWholeLog(app.db, req.scope))) throw forbidden(`${what}作用于整个部署，只有辖区覆盖全部账号的系统管理员可以查看或修改`)
  }
  const wholeDeployment = wholeDeploymentFor('网关回调设置')
  app.get('/gateway', {
    schema: { tags, summary: '网关回调设置：回调密钥、签名方式、回调地址与地址白名单（每次查看记入审计日志）', response: { 200: GatewaySettings } },
    preHandler: [app.can('system.settings'), wholeDeployment],
  }, (req) => readGatewaySettings(app.db, app.channels, req.actor))

  app.post('/gateway/rotate', {
    schema: { tags, summary: '轮换回调密钥（旧密钥立即失效，须同时更新网关配置）', response: { 200: GatewaySettings } },
    preHandler: [app.can('system.settings'), wholeDeployment],
  }, (req) => rotateGatewaySecret(app.db, app.channels, req.actor))

  // Everyone who drafts or approves warnings reads the rules (the web offers 审批发布 by them);
  // only the whole deployment's system administrator changes them.
  app.get('/issuing', {
    schema: { tags, summary: '预警发布规则：各级辖区可审批发布的预警级别和事件类型，以及双人审批开关', response: { 200: IssuingSettings } },
    preHandler: async (req) => {
      if (!req.user.permissions.includes('warnings.read') && !req.user.permissions.includes('system.settings')) throw forbidden()
    },
  }, () => readIssuingSettings(app.db))

  app.put('/issuing', {
    schema: { tags, summary: '修改预警发布规则与双人审批开关（关闭双人审批须填写理由；记入审计日志）', body: IssuingSettingsInput, response: { 200: IssuingSettings } },
    preHandler: [app.can('system.settings'), wholeDeploymentFor('预警发布规则')],
  }, (req) => saveIssuingSettings(app.db, req.actor, req.body))
}
