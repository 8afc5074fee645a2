import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AppError, notFound } from '../../errors.js'
import { sendEvents } from '../../events/bus.js'
import { ackInboxMessage, listEscalatedToMe, listInbox } from './queries.js'
import { AckResult, DeliveryParam, EscalationList, EscalationQuery, InboxPage, InboxQuery } from './schema.js'

const tags = ['系统消息']

const NOT_LINKED = '您的账号尚未关联通讯录中的人员，收不到系统消息。请联系管理员在账号管理中关联本人。'

/** Every signed-in user reads their own inbox: no permission beyond being who they are. */
export const inboxRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', {
    schema: { tags, summary: '我的系统消息（预警）', querystring: InboxQuery, response: { 200: InboxPage } },
  }, async (req) => {
    const personId = req.user.personId
    if (personId === null) return { items: [], total: 0, unread: 0, notice: NOT_LINKED }
    return { ...(await listInbox(app.db, personId, req.query)), notice: null }
  })

  app.get('/escalations', {
    schema: { tags, summary: '叫应升级名单：升级给我的未确认人员（含完整电话，查看留痕）', querystring: EscalationQuery, response: { 200: EscalationList } },
  }, async (req) => {
    const personId = req.user.personId
    if (personId === null) throw new AppError('INBOX_NOT_LINKED', 409, NOT_LINKED)
    return listEscalatedToMe(app.db, req.actor, personId, req.user.regionCode, req.query.warning)
  })

  app.post('/:deliveryId/ack', {
    schema: { tags, summary: '确认收到（叫应）', params: DeliveryParam, response: { 200: AckResult } },
  }, async (req) => {
    const personId = req.user.personId
    const outcome = personId === null ? null : await ackInboxMessage(app.db, req.actor, personId, req.params.deliveryId, app.clock.now())
    if (outcome === null) throw notFound('消息', req.params.deliveryId)
    return { outcome }
  })

  app.get('/stream', {
    schema: { tags, summary: '系统消息实时推送（text/event-stream）', description: '每条事件为 { topic, data }；data.resync 为真时请重新拉取列表' },
  }, async (req, reply) => {
    const personId = req.user.personId
    if (personId === null) throw new AppError('INBOX_NOT_LINKED', 409, NOT_LINKED)
    sendEvents(reply, req, [`person:${personId}`])
    return reply
  })
}
