import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { buildCapXml, capEnvelope, type CapOptions } from '../../../../domain/warnings/cap.js'
import { getCapWarning, importCap } from './import.js'
import { MAX_CAP_CHARS } from './parse.js'
import { getWarning } from '../drafting/queries.js'
import { Warning } from '../schema.js'
import { Id } from '../../../schema/numbers.js'

const tags = ['预警']

/** Per-deployment parts of the CAP messages (domain/warnings/cap.ts); defaults when absent. */
export type CapRoutesOptions = Pick<CapOptions, 'senderDomain' | 'organisation'>

const IdParam = Type.Object({ id: Id('预警编号') })

/** The warning the message became or was attached to, and what happened, in words. */
const CapImported = Type.Object({
  ...Warning.properties,
  imported: Type.Object({
    outcome: Type.Union([Type.Literal('created'), Type.Literal('duplicate'), Type.Literal('attached')], {
      title: '导入结果', description: 'created 新建草稿；duplicate 该报文已导入过（返回当时的预警）；attached 更新或撤销报文已关联到其预警',
    }),
    message: Type.String({ title: '说明' }),
  }),
})

const CapImportBody = Type.Union([
  Type.String({ title: 'CAP 报文', description: 'CAP 1.2 XML 文本（Content-Type: application/xml 或 text/xml）' }),
  Type.Object({ xml: Type.String({ title: 'CAP 报文', description: 'CAP 1.2 XML 文本' }) }, { additionalProperties: false }),
], { title: 'CAP 报文' })

export const capRoutes: FastifyPluginAsyncTypebox<CapRoutesOptions> = async (app, opts) => {
  // Feeds post the XML itself. Registered inside this plugin, so only these routes accept XML.
  app.addContentTypeParser(['application/xml', 'text/xml', 'application/cap+xml'], { parseAs: 'string', bodyLimit: 3 * MAX_CAP_CHARS },
    (_req, body, done) => done(null, body))

  app.get('/:id/cap.xml', {
    schema: {
      tags,
      summary: '导出 CAP 1.2 XML',
      description: '按 OASIS CAP 1.2 输出当前消息：未发布为 Draft，演练为 Test；更新为 Update、撤销为 Cancel、解除为 Update + AllClear；标识符为 GB/T 35965.1 格式',
      params: IdParam,
      produces: ['application/xml'],
      response: { 200: Type.String({ description: 'CAP 1.2 XML（UTF-8）' }) },
    },
    preHandler: app.can('warnings.read'),
  }, async (req, reply) => {
    const warning = await getCapWarning(app.db, req.scope, req.params.id)
    const options: CapOptions = { now: app.clock.now(), senderDomain: opts.senderDomain, organisation: opts.organisation }
    const { identifier } = capEnvelope(warning, options)
    return reply
      .type('application/xml; charset=utf-8')
      .header('content-disposition', `inline; filename="${identifier}.xml"`)
      .send(buildCapXml(warning, options))
  })

  app.post('/import-cap', {
    schema: {
      tags,
      summary: '导入 CAP 1.2 报文为预警草稿',
      description: '上游（如气象台）的 CAP 1.2 报文经结构、枚举、时间格式和多边形检查后，按与手工起草相同的检查生成草稿；geocode（GB/T 2260 区划代码）须在本辖区内。'
        + '同一报文（发送者、标识、发送时间相同）只导入一次，再次导入时回答它是哪条预警；引用本辖区已有预警报文的更新、撤销报文关联到该预警（草稿随更新报文更新）。'
        + '演练和测试消息不导入。',
      consumes: ['application/xml', 'text/xml', 'application/json'],
      body: CapImportBody,
      response: { 200: CapImported },
    },
    preHandler: app.can('warnings.write'),
  }, async (req) => {
    const xml = typeof req.body === 'string' ? req.body : req.body.xml
    const result = await importCap(app.db, req.scope, req.actor, xml, app.clock.now())
    return { ...(await getWarning(app.db, req.scope, result.warningId)), imported: { outcome: result.outcome, message: result.message } }
  })
}
