import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { preValidationAsyncHookHandler } from 'fastify'
import { AppError } from '../../errors.js'
import { countStock, moveStock, transferStock } from './movements.js'
import { createSupply, deleteSupply, getSupply, getSupplyDetail, listMovements, listSupplies, updateSupply } from './queries.js'
import {
  IdParam, MovementInput, MovementListQuery, MovementPage, Ok, Supply, SupplyDetail, SupplyInput, SupplyListQuery,
  SupplyPage, SupplyUpdate, TransferInput, TransferResult, VersionQuery,
} from './schema.js'

const tags = ['物资装备']

/**
 * An edit form must not set stock: checked before the schema so the user learns where stock
 * changes are made instead of reading “unknown field”.
 */
const refuseQuantity: preValidationAsyncHookHandler = async (req) => {
  const body = req.body
  if (body !== null && typeof body === 'object' && 'quantity' in body) {
    throw new AppError('QUANTITY_READ_ONLY', 400, '数量不能在修改信息时直接更改，库存变动请通过入库、出库、报损或盘点登记', [{ field: 'quantity' }])
  }
}

export const suppliesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', {
    schema: { tags, summary: '物资装备列表（电话脱敏）', querystring: SupplyListQuery, response: { 200: SupplyPage } },
    preHandler: app.can('resources.read'),
  }, (req) => listSupplies(app.db, req.scope, req.query))

  app.get('/:id', {
    schema: { tags, summary: '物资装备详情，含最近出入库记录与操作记录', params: IdParam, response: { 200: SupplyDetail } },
    preHandler: app.can('resources.read'),
  }, (req) => getSupplyDetail(app.db, req.scope, req.params.id))

  app.post('/', {
    schema: { tags, summary: '新增物资装备（数量记为建账入库）', body: SupplyInput, response: { 201: Supply } },
    preHandler: app.can('resources.write'),
  }, async (req, reply) => reply.status(201).send(await createSupply(app.db, req.scope, req.actor, req.body)))

  app.put('/:id', {
    schema: { tags, summary: '修改物资装备信息（不含数量）', params: IdParam, body: SupplyUpdate, response: { 200: Supply } },
    preValidation: refuseQuantity,
    preHandler: app.can('resources.write'),
  }, (req) => updateSupply(app.db, req.scope, req.actor, req.params.id, req.body))

  app.delete('/:id', {
    schema: { tags, summary: '删除物资装备（连同其出入库记录）', params: IdParam, querystring: VersionQuery, response: { 200: Ok } },
    preHandler: app.can('resources.write'),
  }, async (req) => {
    await deleteSupply(app.db, req.scope, req.actor, req.params.id, req.query.version)
    return { ok: true }
  })

  app.post('/:id/movements', {
    schema: { tags, summary: '入库、出库、报损或盘点（带所见的版本号，已被他人修改时 409）', params: IdParam, body: MovementInput, response: { 200: Supply } },
    preHandler: app.can('resources.write'),
  }, async (req) => {
    const { kind, quantity, reason, version } = req.body
    if (kind === 'count') await countStock(app.db, req.scope, req.actor, req.params.id, { counted: quantity, reason, version })
    else await moveStock(app.db, req.scope, req.actor, req.params.id, { kind: kind as 'in' | 'out' | 'loss', quantity, reason, version })
    return getSupply(app.db, req.scope, req.params.id)
  })

  app.post('/:id/transfer', {
    schema: { tags, summary: '调拨到另一储备点或另一条物资', params: IdParam, body: TransferInput, response: { 200: TransferResult } },
    preHandler: app.can('resources.write'),
  }, async (req) => {
    const { fromId, toId } = await transferStock(app.db, req.scope, req.actor, req.params.id, req.body)
    return { from: await getSupply(app.db, req.scope, fromId), to: await getSupply(app.db, req.scope, toId) }
  })

  app.get('/:id/movements', {
    schema: { tags, summary: '出入库记录（分页，新的在前）', params: IdParam, querystring: MovementListQuery, response: { 200: MovementPage } },
    preHandler: app.can('resources.read'),
  }, (req) => listMovements(app.db, req.scope, req.params.id, req.query))
}
