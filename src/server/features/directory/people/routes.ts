import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { createPerson, deletePerson, getPerson, listPeople, revealPersonPhones, updatePerson } from './queries.js'
import { IdParam, Ok, Person, PersonInput, PersonListQuery, PersonPage, PersonPhones, PersonUpdate, VersionQuery } from '../schema.js'

const tags = ['组织与人员']

export const peopleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', {
    schema: { tags, summary: '人员列表（电话脱敏）', querystring: PersonListQuery, response: { 200: PersonPage } },
    preHandler: app.can('directory.read'),
  }, (req) => listPeople(app.db, req.scope, req.query, req.user.permissions.includes('phone.reveal')))

  app.get('/:id', {
    schema: { tags, summary: '人员详情（电话脱敏）', params: IdParam, response: { 200: Person } },
    preHandler: app.can('directory.read'),
  }, (req) => getPerson(app.db, req.scope, req.params.id))

  app.post('/', {
    schema: { tags, summary: '新增人员', body: PersonInput, response: { 200: Person } },
    preHandler: app.can('directory.write'),
  }, (req) => createPerson(app.db, req.scope, req.actor, req.body))

  app.put('/:id', {
    schema: { tags, summary: '修改人员', params: IdParam, body: PersonUpdate, response: { 200: Person } },
    preHandler: app.can('directory.write'),
  }, (req) => updatePerson(app.db, req.scope, req.actor, req.params.id, req.body))

  app.delete('/:id', {
    schema: { tags, summary: '删除人员', params: IdParam, querystring: VersionQuery, response: { 200: Ok } },
    preHandler: app.can('directory.write'),
  }, async (req) => {
    await deletePerson(app.db, req.scope, req.actor, req.params.id, req.query.version)
    return { ok: true }
  })

  app.post('/:id/reveal', {
    schema: { tags, summary: '查看完整电话号码（每次记入审计日志）', params: IdParam, response: { 200: PersonPhones } },
    preHandler: app.can('phone.reveal'),
  }, (req) => revealPersonPhones(app.db, req.scope, req.actor, req.params.id))
}
