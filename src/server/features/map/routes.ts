import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Db } from '../../db/database.js'
import { recordAudit } from '../audit/record.js'
import { attachmentHeader } from '../ledgers/export.js'
import { moveLocation } from './location.js'
import { mapPoint } from './point.js'
import { positionRoutes } from './position-routes.js'
import { exportPoints, mapCounts, mapFeatures } from './queries.js'
import { mapConfig, regionMarkers } from './regions.js'
import {
  CountsQuery, CountsReply, ExportQuery, FeaturesQuery, LocationBody, LocationReply, MapConfig, PointParams, PointReply, RegionMarker,
  RegionsQuery,
} from './schema.js'

/**
 * /api/map: the one-map (应急一张图) — configuration, clustered viewport features, legend counts,
 * popups, location edits and GeoJSON export, all within the user's jurisdiction; region positions
 * and their sources under /positions (position-routes.ts).
 */
export const mapRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['应急一张图']
  const db: Db = app.db

  app.get('/config', {
    schema: { tags, summary: '底图与初始视野', response: { 200: MapConfig } },
    preHandler: app.can('resources.read'),
  }, (req) => mapConfig(db, req.scope, process.env))

  app.get('/features', {
    schema: {
      tags, summary: '视野内的点位（服务端按网格聚合）', querystring: FeaturesQuery,
      description: '返回 GeoJSON FeatureCollection。每格约 60 像素：格内只有一条记录时返回该记录，否则返回聚合点（count、byLayer）；缩放级别 16 及以上不聚合，最多 5000 个，超出时 truncated 为 true。',
    },
    preHandler: app.can('resources.read'),
  }, (req) => mapFeatures(db, req.scope, req.query))

  app.get('/counts', {
    schema: { tags, summary: '图例：各图层数量与位置待补充数', querystring: CountsQuery, response: { 200: CountsReply } },
    preHandler: app.can('resources.read'),
  }, (req) => mapCounts(db, req.scope, req.query))

  app.get('/point/:layer/:id', {
    schema: { tags, summary: '点位详情（弹窗；电话脱敏）', params: PointParams, response: { 200: PointReply } },
    preHandler: app.can('resources.read'),
  }, (req) => mapPoint(db, req.scope, req.params.layer, req.params.id))

  app.put('/location/:layer/:id', {
    schema: { tags, summary: '修改点位位置（拖动或输入坐标）', params: PointParams, body: LocationBody, response: { 200: LocationReply } },
    preHandler: app.can('resources.write'),
  }, (req) => moveLocation(db, req.scope, req.actor, req.params.layer, req.params.id, req.body))

  app.get('/export.geojson', {
    schema: { tags, summary: '导出当前筛选的点位（GeoJSON，不聚合）', querystring: ExportQuery },
    preHandler: app.can('resources.read'),
  }, async (req, reply) => {
    const collection = await exportPoints(db, req.scope, req.query)
    await db.transaction().execute((trx) => recordAudit(trx, req.actor, {
      action: 'map.exported', entity: 'map', regionCode: req.query.regionCode ?? req.scope.regionCode,
      after: { count: collection.features.length, filters: req.query },
    }))
    reply.header('content-type', 'application/geo+json; charset=utf-8')
    reply.header('content-disposition', attachmentHeader('应急一张图点位.geojson', 'map-points.geojson'))
    reply.header('cache-control', 'no-store')
    return JSON.stringify(collection)
  })

  app.get('/regions', {
    schema: { tags, summary: '区划标注点（下级区划的位置）', querystring: RegionsQuery, response: { 200: Type.Array(RegionMarker) } },
    preHandler: app.can('resources.read'),
  }, (req) => regionMarkers(db, req.scope, req.query))

  await app.register(positionRoutes, { prefix: '/positions' })
}
