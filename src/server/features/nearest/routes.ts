import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { findNearestSufficient } from './nearest.js'
import { NearestInput, NearestResult } from './schema.js'

const tags = ['应急一张图']

export const nearestRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // POST although it only reads: the needs are a structured list, not a query string.
  app.post('/', {
    schema: {
      tags,
      summary: '就近调配：按直线（大圆）距离由近及远，找出合起来满足每项需求的物资、队伍和避难场所，及可交接的联系人（本辖区内，电话脱敏）',
      body: NearestInput,
      response: { 200: NearestResult },
    },
    preHandler: app.can('resources.read'),
  }, (req) => findNearestSufficient(app.db, req.scope, req.body))
}
