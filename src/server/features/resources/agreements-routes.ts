import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { createAgreement, deleteAgreement, listAgreements, updateAgreement } from './agreements.js'
import { Agreement, AgreementInput, AgreementListQuery, AgreementPage, AgreementUpdate } from './agreements-schema.js'
import { IdParam, Ok, VersionQuery } from './schema.js'

const tags = ['保供协议']

export const agreementsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', {
    schema: { tags, summary: '保供协议列表（最早到期的在前）', querystring: AgreementListQuery, response: { 200: AgreementPage } },
    preHandler: app.can('resources.read'),
  }, (req) => listAgreements(app.db, req.scope, req.query))

  app.post('/', {
    schema: { tags, summary: '新增保供协议', body: AgreementInput, response: { 201: Agreement } },
    preHandler: app.can('resources.write'),
  }, async (req, reply) => reply.code(201).send(await createAgreement(app.db, req.scope, req.actor, req.body)))

  app.put('/:id', {
    schema: { tags, summary: '修改保供协议', params: IdParam, body: AgreementUpdate, response: { 200: Agreement } },
    preHandler: app.can('resources.write'),
  }, (req) => updateAgreement(app.db, req.scope, req.actor, req.params.id, req.body))

  app.delete('/:id', {
    schema: { tags, summary: '删除保供协议', params: IdParam, querystring: VersionQuery, response: { 200: Ok } },
    preHandler: app.can('resources.write'),
  }, async (req) => {
    await deleteAgreement(app.db, req.scope, req.actor, req.params.id, req.query.version)
    return { ok: true }
  })
}
