import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { forbidden } from '../../errors.js'
import { createExpertGroup, ExpertGroup, ExpertGroupInput, listExpertGroups } from './expert-groups.js'

const tags = ['专家组别']

export const expertGroupsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', {
    schema: { tags, summary: '专家组别（按专业领域）', response: { 200: Type.Array(ExpertGroup) } },
    // Those who keep the code table must see it, even without reading resources.
    preHandler: async (req) => {
      if (!req.user.permissions.some((p) => p === 'resources.read' || p === 'codes.manage')) throw forbidden()
    },
  }, () => listExpertGroups(app.db))

  app.post('/', {
    schema: { tags, summary: '新增专家组别', body: ExpertGroupInput, response: { 201: ExpertGroup } },
    preHandler: app.can('codes.manage'),
  }, async (req, reply) => reply.code(201).send(await createExpertGroup(app.db, req.actor, req.body)))
}
