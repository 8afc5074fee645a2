import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { createGroup, deleteGroup, getGroup, listGroups, revealGroupPhone, setGroupMembers, updateGroup } from './queries.js'
import { Group, GroupInput, GroupListQuery, GroupPage, GroupPhone, GroupUpdate, IdParam, MembersUpdate, Ok, VersionQuery } from '../schema.js'

const tags = ['领导小组']

export const groupsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', {
    schema: { tags, summary: '领导小组（指挥部）列表，含成员', querystring: GroupListQuery, response: { 200: GroupPage } },
    preHandler: app.can('directory.read'),
  }, (req) => listGroups(app.db, req.scope, req.query))

  app.get('/:id', {
    schema: { tags, summary: '领导小组详情', params: IdParam, response: { 200: Group } },
    preHandler: app.can('directory.read'),
  }, (req) => getGroup(app.db, req.scope, req.params.id))

  app.post('/', {
    schema: { tags, summary: '新增领导小组', body: GroupInput, response: { 200: Group } },
    preHandler: app.can('directory.write'),
  }, (req) => createGroup(app.db, req.scope, req.actor, req.body))

  app.put('/:id', {
    schema: { tags, summary: '修改领导小组（不含成员）', params: IdParam, body: GroupUpdate, response: { 200: Group } },
    preHandler: app.can('directory.write'),
  }, (req) => updateGroup(app.db, req.scope, req.actor, req.params.id, req.body))

  app.put('/:id/members', {
    schema: { tags, summary: '整体替换成员名单', params: IdParam, body: MembersUpdate, response: { 200: Group } },
    preHandler: app.can('directory.write'),
  }, (req) => setGroupMembers(app.db, req.scope, req.actor, req.params.id, req.body.members, req.body.version))

  app.delete('/:id', {
    schema: { tags, summary: '删除领导小组', params: IdParam, querystring: VersionQuery, response: { 200: Ok } },
    preHandler: app.can('directory.write'),
  }, async (req) => {
    await deleteGroup(app.db, req.scope, req.actor, req.params.id, req.query.version)
    return { ok: true }
  })

  app.post('/:id/reveal', {
    schema: { tags, summary: '查看完整办公电话（记入审计日志）', params: IdParam, response: { 200: GroupPhone } },
    preHandler: app.can('phone.reveal'),
  }, (req) => revealGroupPhone(app.db, req.scope, req.actor, req.params.id))
}
