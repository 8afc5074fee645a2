import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Db } from '../../db/database.js'
import { codeInScope } from '../../db/scope.js'
import { outOfScope } from '../../errors.js'
import { countSketchVillages } from '../linkage/recipients.js'
import { previewPositions } from './position-import.js'
import {
  CodeParam, ImportCommitBody, ImportCommitReply, ImportPreview, ImportPreviewBody, POSITION_BODY_LIMIT, PositionQuery, PositionSummary,
  RegionPosition, RegionPositionPage, SetPositionBody, SketchCount, SketchCountBody, SummaryQuery,
} from './position-schema.js'
import { importRegionPositions, listRegionPositions, positionSummary, setRegionPosition } from './region-positions.js'

/**
 * /api/map/positions: where regions are and where that knowledge came from — the list and counts
 * by source, marking a position by hand, importing positions from a spreadsheet or GeoJSON
 * (preview, then commit), and the count of sketch positions inside a warning's shapes.
 */
export const positionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['区划位置']
  const db: Db = app.db

  app.get('/', {
    schema: { tags, summary: '区划位置及其来源（示意、导入、人工标注、测绘）', querystring: PositionQuery, response: { 200: RegionPositionPage } },
    preHandler: app.can('resources.read'),
  }, (req) => listRegionPositions(db, req.scope, req.query))

  app.get('/summary', {
    schema: { tags, summary: '各层级区划的位置来源统计', querystring: SummaryQuery, response: { 200: PositionSummary } },
    preHandler: app.can('resources.read'),
  }, (req) => positionSummary(db, req.scope, req.query.regionCode))

  app.put('/:code', {
    schema: { tags, summary: '人工标注区划位置（记入审计日志）', params: CodeParam, body: SetPositionBody, response: { 200: RegionPosition } },
    preHandler: app.can('resources.write'),
  }, (req) => setRegionPosition(db, req.scope, req.actor, req.params.code, req.body))

  app.post('/import/preview', {
    schema: {
      tags, summary: '导入区划位置：预览（不写入）', body: ImportPreviewBody, response: { 200: ImportPreview },
      description: '文件为 Excel（.xlsx）、CSV 或 GeoJSON，Base64 编码放在 content 中。表格需有“区划代码”或“名称”（可加“上级”列区分同名）以及“经度”“纬度”列，可有“坐标系”列；GeoJSON 取点要素，面要素取质心。每行的问题写明行、列和值。',
    },
    bodyLimit: POSITION_BODY_LIMIT,
    preHandler: app.can('resources.write'),
  }, (req) => previewPositions(db, req.scope, req.body))

  app.post('/import', {
    schema: { tags, summary: '导入区划位置：确认写入（一个事务，记入审计日志）', body: ImportCommitBody, response: { 200: ImportCommitReply } },
    bodyLimit: POSITION_BODY_LIMIT,
    preHandler: app.can('resources.write'),
  }, (req) => importRegionPositions(db, req.scope, req.actor, req.body))

  app.post('/sketch-count', {
    schema: { tags, summary: '多边形、圆形范围内只有示意位置的村（社区）数', body: SketchCountBody, response: { 200: SketchCount } },
    preHandler: app.can('warnings.read'),
  }, (req) => {
    if (!codeInScope(req.body.regionCode, req.scope)) throw outOfScope(req.body.regionCode)
    return countSketchVillages(db, {
      regionCode: req.body.regionCode,
      target: { regions: [], polygons: req.body.polygons ?? [], circles: req.body.circles ?? [], roles: [], groupIds: [] },
    })
  })
}
