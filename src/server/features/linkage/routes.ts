import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  changeMembers, createCustomGroup, customiseRegionGroup, deleteGroup, getGroup, getRegionGroup, listGroups, updateGroup,
} from './queries.js'
import {
  CodeParam, CustomGroupInput, GroupDetail, GroupListQuery, GroupPage, GroupUpdate, IdParam, MembersChange, Ok, VersionQuery,
} from './schema.js'

const tags = ['联动工作群']

export const linkageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/groups', {
    schema: { tags, summary: '联动工作群列表：本区划及直接下级的区划群（未自定义的按默认职责派生）和自定义群', querystring: GroupListQuery, response: { 200: GroupPage } },
    preHandler: app.can('warnings.read'),
  }, (req) => listGroups(app.db, req.scope, req.query))

  app.get('/groups/region/:code', {
    schema: { tags, summary: '区划联动工作群及其成员（电话脱敏）', params: CodeParam, response: { 200: GroupDetail } },
    preHandler: app.can('warnings.read'),
  }, (req) => getRegionGroup(app.db, req.scope, req.params.code))

  app.post('/groups/region/:code/customise', {
    schema: { tags, summary: '自定义区划联动工作群（保存后可添加、排除成员，设置群机器人）', params: CodeParam, response: { 200: GroupDetail } },
    preHandler: app.can('warnings.write'),
  }, (req) => customiseRegionGroup(app.db, req.scope, req.actor, req.params.code))

  app.get('/groups/:id', {
    schema: { tags, summary: '联动工作群详情及成员（电话脱敏）', params: IdParam, response: { 200: GroupDetail } },
    preHandler: app.can('warnings.read'),
  }, (req) => getGroup(app.db, req.scope, req.params.id))

  app.post('/groups', {
    schema: { tags, summary: '新建自定义联动工作群（如防汛责任人）', body: CustomGroupInput, response: { 200: GroupDetail } },
    preHandler: app.can('warnings.write'),
  }, (req) => createCustomGroup(app.db, req.scope, req.actor, req.body))

  app.put('/groups/:id', {
    schema: { tags, summary: '修改联动工作群（职责、群机器人；不含成员）', params: IdParam, body: GroupUpdate, response: { 200: GroupDetail } },
    preHandler: app.can('warnings.write'),
  }, (req) => updateGroup(app.db, req.scope, req.actor, req.params.id, req.body))

  app.put('/groups/:id/members', {
    schema: { tags, summary: '调整成员：手工添加、排除派生成员、撤销添加或排除', params: IdParam, body: MembersChange, response: { 200: GroupDetail } },
    preHandler: app.can('warnings.write'),
  }, (req) => changeMembers(app.db, req.scope, req.actor, req.params.id, req.body))

  app.delete('/groups/:id', {
    schema: { tags, summary: '删除自定义群；区划群删除后恢复为按默认职责派生', params: IdParam, querystring: VersionQuery, response: { 200: Ok } },
    preHandler: app.can('warnings.write'),
  }, async (req) => {
    await deleteGroup(app.db, req.scope, req.actor, req.params.id, req.query.version)
    return { ok: true }
  })
}
