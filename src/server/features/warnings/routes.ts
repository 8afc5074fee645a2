import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { sendEvents } from '../../events/bus.js'
import { previewRecipients } from '../linkage/recipients.js'
import { getBoard, getRecipient, listRecipients, listSilent, listVillages, visibleWarning } from './board/queries.js'
import { completeDoorKnock, listDoorKnocks } from './board/door-knocks.js'
import { issueDrill } from './workflow/drills.js'
import { checkTarget, checkRegionInScope } from './drafting/input.js'
import { createWarning, deleteDraft, getWarning, listWarnings, updateDraft } from './drafting/queries.js'
import {
  Board, BoardQuery, DoorKnockDone, DoorKnockPage, DoorKnockQuery, DoorKnockTask, DrillInput, IdParam, Ok, Preview,
  PreviewInput, ReasonBody, RecipientDetail, RecipientListQuery, RecipientPage, RecipientParam, SilentPage, SilentQuery,
  SubmitBody, TaskParam, VersionBody, VersionQuery, VillageStates, Warning, WarningDraftUpdate, WarningInput, WarningListQuery,
  WarningPage, WarningRevision,
} from './schema.js'
import { approveWarning, closeWarning, rejectWarning, reviseWarning, submitWarning, type Caller } from './workflow/queries.js'

const tags = ['预警发布与叫应']

export const warningsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const caller = (req: FastifyRequest): Caller => ({ scope: req.scope, user: req.user, actor: req.actor, now: app.clock.now() })

  app.get('/', {
    schema: { tags, summary: '预警列表（含确认进度）', querystring: WarningListQuery, response: { 200: WarningPage } },
    preHandler: app.can('warnings.read'),
  }, (req) => listWarnings(app.db, req.scope, req.query))

  app.post('/', {
    schema: { tags, summary: '起草预警', body: WarningInput, response: { 200: Warning } },
    preHandler: app.can('warnings.write'),
  }, (req) => createWarning(app.db, req.scope, req.actor, req.body, { now: app.clock.now() }))

  app.post('/preview', {
    schema: { tags, summary: '预览将送达的人员（发布前）', body: PreviewInput, response: { 200: Preview } },
    preHandler: app.can('warnings.read'),
  }, async (req) => {
    await checkRegionInScope(app.db, req.scope, req.body.regionCode)
    const target = await checkTarget(app.db, req.scope, req.body.regionCode, req.body.target)
    return previewRecipients(app.db, req.scope, { regionCode: req.body.regionCode, target })
  })

  app.get('/door-knocks', {
    schema: { tags, summary: '上门叫应任务（本辖区乡镇街道负责的）', querystring: DoorKnockQuery, response: { 200: DoorKnockPage } },
    preHandler: app.can('warnings.read'),
  }, (req) => listDoorKnocks(app.db, req.scope, req.query))

  app.post('/door-knocks/:id/done', {
    schema: { tags, summary: '办结上门叫应（记为已确认）', params: TaskParam, body: DoorKnockDone, response: { 200: DoorKnockTask } },
    preHandler: app.can('warnings.write'),
  }, (req) => completeDoorKnock(app.db, caller(req), req.params.id, req.body))

  app.post('/drills', {
    schema: { tags, summary: '发起通联演练（立即发出，无需审批）', body: DrillInput, response: { 200: Warning } },
    preHandler: app.can('warnings.write'),
  }, (req) => issueDrill(app.db, caller(req), req.body))

  app.get('/:id', {
    schema: { tags, summary: '预警详情', params: IdParam, response: { 200: Warning } },
    preHandler: app.can('warnings.read'),
  }, (req) => getWarning(app.db, req.scope, req.params.id))

  app.put('/:id', {
    schema: { tags, summary: '修改草稿', params: IdParam, body: WarningDraftUpdate, response: { 200: Warning } },
    preHandler: app.can('warnings.write'),
  }, (req) => updateDraft(app.db, req.scope, req.actor, req.params.id, req.body))

  app.delete('/:id', {
    schema: { tags, summary: '删除草稿', params: IdParam, querystring: VersionQuery, response: { 200: Ok } },
    preHandler: app.can('warnings.write'),
  }, async (req) => {
    await deleteDraft(app.db, req.scope, req.actor, req.params.id, req.query.version)
    return { ok: true }
  })

  app.post('/:id/submit', {
    schema: { tags, summary: '提交审批（圈定范围内有示意位置的村时须确认 acknowledgeSketchPositions）', params: IdParam, body: SubmitBody, response: { 200: Warning } },
    preHandler: app.can('warnings.write'),
  }, (req) => submitWarning(app.db, caller(req), req.params.id, req.body))

  app.post('/:id/approve', {
    schema: { tags, summary: '审批发布（按级别限定审批权限）', params: IdParam, body: VersionBody, response: { 200: Warning } },
    preHandler: app.can('warnings.issue'),
  }, (req) => approveWarning(app.db, caller(req), req.params.id, req.body))

  app.post('/:id/reject', {
    schema: { tags, summary: '退回修改', params: IdParam, body: ReasonBody, response: { 200: Warning } },
    preHandler: app.can('warnings.issue'),
  }, (req) => rejectWarning(app.db, caller(req), req.params.id, req.body))

  app.post('/:id/update', {
    schema: { tags, summary: '更新已发布的预警（新修订号，重新发送）', params: IdParam, body: WarningRevision, response: { 200: Warning } },
    preHandler: app.can('warnings.issue'),
  }, (req) => reviseWarning(app.db, caller(req), req.params.id, req.body))

  // warnings.write lets a drill's sender stop it; a real warning also needs warnings.issue (workflow/queries.ts).
  app.post('/:id/cancel', {
    schema: { tags, summary: '撤销预警', params: IdParam, body: ReasonBody, response: { 200: Warning } },
    preHandler: app.can('warnings.write'),
  }, (req) => closeWarning(app.db, caller(req), req.params.id, 'cancelled', req.body))

  app.post('/:id/end', {
    schema: { tags, summary: '解除预警', params: IdParam, body: ReasonBody, response: { 200: Warning } },
    preHandler: app.can('warnings.write'),
  }, (req) => closeWarning(app.db, caller(req), req.params.id, 'ended', req.body))

  app.get('/:id/board', {
    schema: { tags, summary: '叫应看板：按层级、区划、渠道统计与时间线', params: IdParam, querystring: BoardQuery, response: { 200: Board } },
    preHandler: app.can('warnings.read'),
  }, (req) => getBoard(app.db, req.scope, req.params.id, req.query))

  app.get('/:id/recipients', {
    schema: { tags, summary: '接收人员及确认状态', params: IdParam, querystring: RecipientListQuery, response: { 200: RecipientPage } },
    preHandler: app.can('warnings.read'),
  }, (req) => listRecipients(app.db, req.scope, req.params.id, req.query))

  app.get('/:id/recipients/:personId', {
    schema: { tags, summary: '某人的每次发送与确认', params: RecipientParam, response: { 200: RecipientDetail } },
    preHandler: app.can('warnings.read'),
  }, (req) => getRecipient(app.db, req.scope, req.params.id, req.params.personId))

  app.get('/:id/silent', {
    schema: { tags, summary: '未叫醒名单（已语音呼叫仍未确认或联系不上）', params: IdParam, querystring: SilentQuery, response: { 200: SilentPage } },
    preHandler: app.can('warnings.read'),
  }, (req) => listSilent(app.db, req.scope, req.params.id, req.query))

  app.get('/:id/villages', {
    schema: { tags, summary: '村（社区）确认情况（地图着色）', params: IdParam, response: { 200: VillageStates } },
    preHandler: app.can('warnings.read'),
  }, (req) => listVillages(app.db, req.scope, req.params.id))

  app.get('/:id/events', {
    schema: { tags, summary: '叫应进度实时推送（text/event-stream）', description: '每条事件为 { topic, data }；data.resync 为真时请重新拉取看板', params: IdParam, produces: ['text/event-stream'] },
    preHandler: app.can('warnings.read'),
  }, async (req, reply) => {
    await visibleWarning(app.db, req.scope, req.params.id)
    sendEvents(reply, req, [`warning:${req.params.id}`])
    return reply
  })
}
