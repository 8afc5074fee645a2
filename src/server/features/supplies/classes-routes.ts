import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { createSupplyClass, deleteSupplyClass, listSupplyClasses, updateSupplyClass } from './classes.js'
import { ClassCodeParam, Ok, SupplyClass, SupplyClassInput, SupplyClassUpdate } from './schema.js'

const tags = ['物资分类']

export const supplyClassesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', {
    schema: { tags, summary: '物资分类（GB/T 38565）平铺列表，含本辖区条目数', response: { 200: Type.Array(SupplyClass) } },
    preHandler: app.can('resources.read'),
  }, (req) => listSupplyClasses(app.db, req.scope))

  app.post('/', {
    schema: { tags, summary: '新增下级分类', body: SupplyClassInput, response: { 201: SupplyClass } },
    preHandler: app.can('codes.manage'),
  }, async (req, reply) => reply.status(201).send(await createSupplyClass(app.db, req.actor, req.body)))

  app.put('/:code', {
    schema: { tags, summary: '修改分类名称与关键词（标准分类只能改关键词）', params: ClassCodeParam, body: SupplyClassUpdate, response: { 200: SupplyClass } },
    preHandler: app.can('codes.manage'),
  }, (req) => updateSupplyClass(app.db, req.actor, req.params.code, req.body))

  app.delete('/:code', {
    schema: { tags, summary: '删除未使用的本地分类', params: ClassCodeParam, response: { 200: Ok } },
    preHandler: app.can('codes.manage'),
  }, async (req) => {
    await deleteSupplyClass(app.db, req.actor, req.params.code)
    return { ok: true }
  })
}
