import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { listAttention } from './attention.js'
import { listCompleteness } from './completeness.js'
import { rollupFreshness } from './freshness.js'
import { rollupResources, rollupSupplies } from './queries.js'
import {
  AttentionQuery, AttentionReply, CompletenessQuery, CompletenessReply, FreshnessReply, RegionQuery, ResourceRollup,
  SupplyRollup, SupplyRollupQuery,
} from './schema.js'

const tags = ['汇总与排查']

/**
 * Roll-ups (汇总) down the division tree and the overviews built on them. Each takes a region
 * (default: the user's own), which must lie in the jurisdiction; drill down by asking again
 * with a child's code.
 */
export const rollupRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/supplies', {
    schema: { tags, summary: '物资装备汇总（按下级区划）', querystring: SupplyRollupQuery, response: { 200: SupplyRollup } },
    preHandler: app.can('resources.read'),
  }, (req) => {
    const { regionCode, ...filters } = req.query
    return rollupSupplies(app.db, req.scope, regionCode, filters)
  })

  app.get('/resources', {
    schema: { tags, summary: '应急资源汇总（按下级区划）', querystring: RegionQuery, response: { 200: ResourceRollup } },
    preHandler: app.can('resources.read'),
  }, (req) => rollupResources(app.db, req.scope, req.query.regionCode))

  app.get('/completeness', {
    schema: {
      tags, summary: '应排尽排：乡镇“六有”、村社区“三有”及负责人、联络人、信息员、队伍、物资缺项',
      querystring: CompletenessQuery, response: { 200: CompletenessReply },
    },
    preHandler: app.can('resources.read'),
  }, (req) => listCompleteness(app.db, req.scope, req.query))

  app.get('/freshness', {
    schema: { tags, summary: '数据更新情况（超期未确认的记录）', querystring: RegionQuery, response: { 200: FreshnessReply } },
    preHandler: app.can('resources.read'),
  }, (req) => rollupFreshness(app.db, req.scope, req.query.regionCode))

  app.get('/attention', {
    schema: {
      tags, summary: '需关注事项：物资到期、待修、保养、协议到期、队伍保险与人数、数据超期',
      querystring: AttentionQuery, response: { 200: AttentionReply },
    },
    preHandler: app.can('resources.read'),
  }, (req) => listAttention(app.db, req.scope, req.query))
}
