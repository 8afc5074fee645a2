import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { listActions, listAudit, listEntities, timeBound } from './queries.js'
import { recordAudit } from './record.js'
import { ActionOption, AuditListQuery, EntityOption, AuditPage, VerifyQuery, VerifyReply } from './schema.js'
import { verifyChain } from './verify.js'

/** Only the audit administrator reads the log (三权分立): the system administrator gets 403 too. */
export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['审计日志']
  app.addHook('preHandler', app.can('audit.read'))

  // Reading is not audited: every page of the viewer would add entries about itself.
  app.get('/', {
    schema: { tags, summary: '审计日志（新的在前）', querystring: AuditListQuery, response: { 200: AuditPage } },
  }, (req) => listAudit(app.db, req.scope, req.query))

  app.get('/actions', {
    schema: { tags, summary: '日志中出现过的操作类型', response: { 200: Type.Array(ActionOption) } },
  }, () => listActions(app.db))

  app.get('/entities', {
    schema: { tags, summary: '日志中出现过的对象类型', response: { 200: Type.Array(EntityOption) } },
  }, () => listEntities(app.db))

  // Verification is audited: it is rare, and proof that the check was made belongs in the log.
  app.get('/verify', {
    schema: { tags, summary: '校验哈希链完整性', querystring: VerifyQuery, response: { 200: VerifyReply } },
  }, async (req) => {
    const result = await verifyChain(app.db, {
      from: req.query.from ? timeBound(req.query.from, false, '起始时间') : undefined,
      to: req.query.to ? timeBound(req.query.to, true, '截止时间') : undefined,
    })
    await app.db.transaction().execute((trx) => recordAudit(trx, req.actor, {
      action: 'audit.verified', entity: 'audit_log', after: { ...result, from: req.query.from ?? null, to: req.query.to ?? null },
    }))
    return result
  })
}
