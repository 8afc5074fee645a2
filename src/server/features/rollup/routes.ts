import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { scopeOf } from '../../db/scope.js'
import { demoWithin, type DemoTable } from '../demo/presence.js'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { sendReport } from '../ledgers/report-workbook.js'
import { listAttention } from './attention.js'
import { listCompleteness } from './completeness.js'
import { attentionReport, completenessReport, freshnessReport, resourceRollupReport, supplyRollupReport, type Report } from './export.js'
import { rollupFreshness } from './freshness.js'
import { rollupResources, rollupSupplies } from './queries.js'
import {
  AttentionQuery, AttentionReply, CompletenessExportQuery, CompletenessQuery, CompletenessReply, FreshnessReply, RegionQuery,
  ResourceRollup, SupplyRollup, SupplyRollupQuery,
} from './schema.js'

const tags = ['汇总与排查']
const EXPORT_NOTE = '（xlsx：与页面所示相同，标题写明区划和日期；每次导出记入审计）'

function send(req: FastifyRequest, reply: FastifyReply, report: Report) {
  return sendReport(reply, report.fileName, report.fallbackName, report.sheets, (err) => req.log.error({ err }, 'rollup export failed'))
}

/**
 * Roll-ups (汇总) down the division tree and the overviews built on them. Each takes a region
 * (default: the user's own), which must lie in the jurisdiction; drill down by asking again
 * with a child's code.
 */
export const rollupRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /**
   * The reply with `includesDemo`: whether the region's subtree holds demo rows of the tables the
   * figures come from. Asked after the roll-up, which has refused a region outside the jurisdiction.
   */
  async function noted<T extends object>(req: FastifyRequest, regionCode: string | undefined, tables: readonly DemoTable[], reply: T) {
    const subtree = scopeOf(regionCode ?? req.scope.regionCode)
    return { ...reply, includesDemo: await demoWithin(app.db, subtree, tables) }
  }

  app.get('/supplies', {
    schema: { tags, summary: '物资装备汇总（按下级区划）', querystring: SupplyRollupQuery, response: { 200: SupplyRollup } },
    preHandler: app.can('resources.read'),
  }, async (req) => {
    const { regionCode, ...filters } = req.query
    return noted(req, regionCode, ['supply'], await rollupSupplies(app.db, req.scope, regionCode, filters))
  })

  app.get('/resources', {
    schema: { tags, summary: '应急资源汇总（按下级区划）', querystring: RegionQuery, response: { 200: ResourceRollup } },
    preHandler: app.can('resources.read'),
  }, async (req) => noted(req, req.query.regionCode, ['resource'], await rollupResources(app.db, req.scope, req.query.regionCode)))

  app.get('/completeness', {
    schema: {
      tags, summary: '应排尽排：乡镇“六有”、村社区“三有”及负责人、联络人、信息员、队伍、物资缺项',
      querystring: CompletenessQuery, response: { 200: CompletenessReply },
    },
    preHandler: app.can('resources.read'),
  }, async (req) => noted(req, req.query.regionCode, ['unit', 'person', 'leading_group', 'resource', 'supply'], await listCompleteness(app.db, req.scope, req.query)))

  app.get('/freshness', {
    schema: { tags, summary: '数据更新情况（超期未确认的记录）', querystring: RegionQuery, response: { 200: FreshnessReply } },
    preHandler: app.can('resources.read'),
  }, async (req) => noted(req, req.query.regionCode, ['resource', 'supply'], await rollupFreshness(app.db, req.scope, req.query.regionCode)))

  app.get('/attention', {
    schema: {
      tags, summary: '需关注事项：物资到期、待修、保养、协议到期、队伍保险与人数、数据超期',
      querystring: AttentionQuery, response: { 200: AttentionReply },
    },
    preHandler: app.can('resources.read'),
  }, async (req) => noted(req, req.query.regionCode, ['resource', 'supply'], await listAttention(app.db, req.scope, req.query)))

  // Exports: the same query as the JSON route above, as a workbook.
  const ctx = (req: FastifyRequest) => ({ db: app.db, scope: req.scope, actor: req.actor })

  app.get('/supplies/export', {
    schema: { tags, summary: `导出物资装备汇总${EXPORT_NOTE}`, querystring: SupplyRollupQuery },
    preHandler: app.can('resources.read'),
  }, async (req, reply) => send(req, reply, await supplyRollupReport(ctx(req), req.query)))

  app.get('/resources/export', {
    schema: { tags, summary: `导出应急资源汇总${EXPORT_NOTE}`, querystring: RegionQuery },
    preHandler: app.can('resources.read'),
  }, async (req, reply) => send(req, reply, await resourceRollupReport(ctx(req), req.query.regionCode)))

  app.get('/completeness/export', {
    schema: { tags, summary: `导出应排尽排情况（全部区划，不分页）${EXPORT_NOTE}`, querystring: CompletenessExportQuery },
    preHandler: app.can('resources.read'),
  }, async (req, reply) => send(req, reply, await completenessReport(ctx(req), req.query)))

  app.get('/freshness/export', {
    schema: { tags, summary: `导出数据更新情况${EXPORT_NOTE}`, querystring: RegionQuery },
    preHandler: app.can('resources.read'),
  }, async (req, reply) => send(req, reply, await freshnessReport(ctx(req), req.query.regionCode)))

  app.get('/attention/export', {
    schema: { tags, summary: `导出到期与状态${EXPORT_NOTE}`, querystring: AttentionQuery },
    preHandler: app.can('resources.read'),
  }, async (req, reply) => send(req, reply, await attentionReport(ctx(req), req.query)))
}
