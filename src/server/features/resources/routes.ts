import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { RESOURCE_KIND_KEYS, RESOURCE_KINDS } from '../../../domain/resources/kinds.js'
import { AppError } from '../../errors.js'
import { KeyPageFields } from '../../schema/key-page.js'
import { Version } from '../../schema/numbers.js'
import { confirmBulk, confirmResource } from './confirm.js'
import { KIND_MODULES } from './details.js'
import type { KindModule } from './kind.js'
import { createResource, deleteResource, getResource, listResources, updateResource } from './queries.js'
import {
  AnyKindIdParam, AnyKindParam, baseInputProperties, BulkConfirmInput, BulkConfirmReply, HistoryEntry, IdParam, itemProperties,
  listQuerySchema, Ok, VersionBody, VersionQuery, type Item, type ItemWithHistory, type ListQuery, type ResourceInput, type ResourceUpdate,
} from './schema.js'

/**
 * /api/resources/<kind>: one set of routes per kind, each with that kind's form and filters as
 * its schema, so validation messages name the kind's own fields. Unknown kinds get a 400.
 */

const unknownKind = (kind: string) => new AppError('UNKNOWN_KIND', 400,
  `资源类别“${kind}”不存在，应为 ${RESOURCE_KIND_KEYS.map((k) => `${k}（${RESOURCE_KINDS[k]}）`).join('、')} 之一`,
  [{ field: 'kind', value: kind }])

function kindRoutes<In, Values, Out>(mod: KindModule<In, Values, Out>): FastifyPluginAsyncTypebox {
  const what = RESOURCE_KINDS[mod.kind]
  const tags = [what]
  const itemOf = Type.Object({ ...itemProperties, detail: mod.output })
  const Item = Type.Unsafe<Item<Out>>(itemOf)
  const Full = Type.Unsafe<ItemWithHistory<Out>>(Type.Object({ ...itemOf.properties, history: Type.Array(HistoryEntry, { description: '最近 100 条操作记录，最新的在前' }) }))
  const Page = Type.Object({ items: Type.Array(Item), ...KeyPageFields })
  const inputOf = { ...baseInputProperties(mod.titles), detail: mod.input }
  const Input = Type.Unsafe<ResourceInput<In>>(Type.Object(inputOf, { additionalProperties: false, description: '可选字段未提供时视为清空' }))
  const Update = Type.Unsafe<ResourceUpdate<In>>(Type.Object({ ...inputOf, version: Version() }, {
    additionalProperties: false, description: '整体替换；可选字段未提供时视为清空。保存即视为确认信息仍有效',
  }))
  const Query = Type.Unsafe<ListQuery>(listQuerySchema(mod.filters))

  return async (app) => {
    app.get('/', {
      schema: { tags, summary: `${what}列表（电话脱敏）`, querystring: Query, response: { 200: Page } },
      preHandler: app.can('resources.read'),
    }, (req) => listResources(app.db, req.scope, mod, req.query))

    app.get('/:id', {
      schema: { tags, summary: `${what}详情与修改记录`, params: IdParam, response: { 200: Full } },
      preHandler: app.can('resources.read'),
    }, (req) => getResource(app.db, req.scope, mod, req.params.id))

    app.post('/', {
      schema: { tags, summary: `新增${what}（视为已确认）`, body: Input, response: { 201: Full } },
      preHandler: app.can('resources.write'),
    }, async (req, reply) => {
      const item = await createResource(app.db, req.scope, req.actor, req.user.displayName, mod, req.body)
      return reply.code(201).send(item)
    })

    app.put('/:id', {
      schema: { tags, summary: `修改${what}`, params: IdParam, body: Update, response: { 200: Full } },
      preHandler: app.can('resources.write'),
    }, (req) => updateResource(app.db, req.scope, req.actor, req.user.displayName, mod, req.params.id, req.body))

    app.delete('/:id', {
      schema: { tags, summary: `删除${what}`, params: IdParam, querystring: VersionQuery, response: { 200: Ok } },
      preHandler: app.can('resources.write'),
    }, async (req) => {
      await deleteResource(app.db, req.scope, req.actor, mod, req.params.id, req.query.version)
      return { ok: true }
    })

    app.post('/:id/confirm', {
      schema: { tags, summary: `确认${what}信息仍有效`, params: IdParam, body: VersionBody, response: { 200: Full } },
      preHandler: app.can('resources.write'),
    }, (req) => confirmResource(app.db, req.scope, req.actor, req.user.displayName, mod, req.params.id, req.body.version))
  }
}

export const resourcesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/confirm-bulk', {
    schema: {
      tags: ['应急资源'], summary: '批量确认信息仍有效（含物资装备 kind=supply）；任一记录不在辖区内则全部不确认',
      body: BulkConfirmInput, response: { 200: BulkConfirmReply },
    },
    preHandler: app.can('resources.write'),
  }, (req) => confirmBulk(app.db, req.scope, req.actor, req.user.displayName, req.body))

  const k = KIND_MODULES
  // Listed one by one: each kind's module has its own detail types.
  const kinds = [
    [k.team.kind, kindRoutes(k.team)], [k.expert.kind, kindRoutes(k.expert)], [k.storage_point.kind, kindRoutes(k.storage_point)],
    [k.shelter.kind, kindRoutes(k.shelter)], [k.risk_point.kind, kindRoutes(k.risk_point)], [k.supplier.kind, kindRoutes(k.supplier)],
  ] as const
  for (const [kind, routes] of kinds) await app.register(routes, { prefix: `/${kind}` })

  // Static paths of the kinds above win over these; what reaches them names no known kind.
  const fallback = { schema: { hide: true, params: AnyKindParam }, preHandler: app.can('resources.read') }
  app.route({ ...fallback, method: ['GET', 'POST'], url: '/:kind', handler: (req) => { throw unknownKind(req.params.kind) } })
  const fallbackWithId = { schema: { hide: true, params: AnyKindIdParam }, preHandler: app.can('resources.read') }
  app.route({ ...fallbackWithId, method: ['GET', 'PUT', 'DELETE'], url: '/:kind/:id', handler: (req) => { throw unknownKind(req.params.kind) } })
  app.route({ ...fallbackWithId, method: 'POST', url: '/:kind/:id/confirm', handler: (req) => { throw unknownKind(req.params.kind) } })
}
