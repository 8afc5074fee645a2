import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IdParam, Ok, Unit, UnitInput, UnitListQuery, UnitPage, UnitPhone, UnitUpdate, VersionQuery } from '../schema.js'
import { createUnit, deleteUnit, getUnit, listUnits, revealUnitPhone, updateUnit } from './queries.js'

const tags = ['组织与人员']

export const unitsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', {
    schema: { tags, summary: '单位列表', querystring: UnitListQuery, response: { 200: UnitPage } },
    preHandler: app.can('directory.read'),
  }, (req) => listUnits(app.db, req.scope, req.query))

  app.get('/:id', {
    schema: { tags, summary: '单位详情', params: IdParam, response: { 200: Unit } },
    preHandler: app.can('directory.read'),
  }, (req) => getUnit(app.db, req.scope, req.params.id))

  app.post('/', {
    schema: { tags, summary: '新增单位', body: UnitInput, response: { 200: Unit } },
    preHandler: app.can('directory.write'),
  }, (req) => createUnit(app.db, req.scope, req.actor, req.body))

  app.put('/:id', {
    schema: { tags, summary: '修改单位', params: IdParam, body: UnitUpdate, response: { 200: Unit } },
    preHandler: app.can('directory.write'),
  }, (req) => updateUnit(app.db, req.scope, req.actor, req.params.id, req.body))

  app.delete('/:id', {
    schema: { tags, summary: '删除单位（须先移走其人员）', params: IdParam, querystring: VersionQuery, response: { 200: Ok } },
    preHandler: app.can('directory.write'),
  }, async (req) => {
    await deleteUnit(app.db, req.scope, req.actor, req.params.id, req.query.version)
    return { ok: true }
  })

  app.post('/:id/reveal', {
    schema: { tags, summary: '查看完整联系电话（记入审计日志）', params: IdParam, response: { 200: UnitPhone } },
    preHandler: app.can('phone.reveal'),
  }, (req) => revealUnitPhone(app.db, req.scope, req.actor, req.params.id))
}
