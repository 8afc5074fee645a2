import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { createAckBatcher } from '../warnings/delivery/ack-batcher.js'
import { invalidToken, verifyConfirmToken } from '../warnings/delivery/tokens.js'

const TokenParam = Type.Object({
  token: Type.String({ title: '确认链接', minLength: 1, maxLength: 200 }),
}, { additionalProperties: false })

const ConfirmView = Type.Object({
  warning: Type.Object({
    headline: Type.String({ title: '标题' }),
    level: Type.Integer({ title: '预警级别' }),
    eventType: Type.String({ title: '事件类型' }),
    areaDesc: Type.String({ title: '可能影响的范围' }),
    onset: Type.String({ title: '起始时间' }),
    expires: Type.Union([Type.String(), Type.Null()], { title: '失效时间', description: '为空表示直至解除' }),
    description: Type.String({ title: '警示事项' }),
    instruction: Type.String({ title: '应当采取的措施' }),
    senderName: Type.String({ title: '发布单位' }),
    issuedAt: Type.Union([Type.String(), Type.Null()], { title: '发布时间' }),
    status: Type.String({ title: '预警状态' }),
    purpose: Type.String({ title: '用途' }),
  }),
  personName: Type.String({ title: '接收人（已脱敏）' }),
  state: Type.String({ title: '确认状态' }),
  acknowledgedAt: Type.Union([Type.String(), Type.Null()], { title: '确认时间' }),
})

const ConfirmOutcome = Type.Object({
  outcome: Type.Union([Type.Literal('acknowledged'), Type.Literal('already'), Type.Literal('closed')], { title: '结果' }),
})

/** 张三 → 张*, 欧阳娜娜 → 欧***: enough for the person to recognise, little for anyone else. */
export function maskName(name: string): string {
  const chars = [...name]
  return chars.length <= 1 ? name : chars[0] + '*'.repeat(chars.length - 1)
}

/**
 * The personal confirm link (一键确认) opened on a phone: public, the signed token is the only
 * credential. It shows what the short SMS left out: where, from when to when, and what to do. No audit entry (nobody is signed in); the confirmation is a step on the warning.
 */
export const confirmRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Taps come in bursts after a warning: confirmations arriving together share one transaction.
  const acks = createAckBatcher(app.db)
  app.addHook('preClose', () => acks.close())

  app.get('/:token', {
    config: { public: true },
    schema: { tags: ['预警确认'], summary: '确认链接：查看预警内容', params: TokenParam, response: { 200: ConfirmView } },
  }, async (req) => {
    const claim = await verifyConfirmToken(app.db, req.params.token, app.clock.now())
    const row = await app.db.selectFrom('warningRecipient as r')
      .innerJoin('warning as w', 'w.id', 'r.warningId')
      .innerJoin('person as p', 'p.id', 'r.personId')
      .select(['w.headline', 'w.level', 'w.eventType', 'w.areaDesc', 'w.onset', 'w.expires', 'w.description', 'w.instruction', 'w.senderName', 'w.issuedAt', 'w.status',
        'w.purpose', 'p.name', 'r.state', 'r.acknowledgedAt'])
      .where('r.warningId', '=', claim.warningId).where('r.personId', '=', claim.personId)
      .executeTakeFirst()
    if (!row) throw invalidToken()
    return {
      warning: {
        headline: row.headline, level: row.level, eventType: row.eventType,
        areaDesc: row.areaDesc, onset: row.onset.toISOString(), expires: row.expires?.toISOString() ?? null,
        description: row.description,
        instruction: row.instruction, senderName: row.senderName, issuedAt: row.issuedAt?.toISOString() ?? null,
        status: row.status, purpose: row.purpose,
      },
      personName: maskName(row.name),
      state: row.state,
      acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null,
    }
  })

  app.post('/:token', {
    config: { public: true },
    schema: { tags: ['预警确认'], summary: '确认链接：一键确认“已收到”', params: TokenParam, response: { 200: ConfirmOutcome } },
  }, async (req) => {
    const claim = await verifyConfirmToken(app.db, req.params.token, app.clock.now())
    const outcome = await acks.acknowledge({ warningId: claim.warningId, personId: claim.personId, via: 'link', at: app.clock.now() })
    if (outcome === 'not_recipient') throw invalidToken()
    return { outcome }
  })
}
