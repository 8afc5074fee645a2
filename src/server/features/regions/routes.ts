import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { notFound } from '../../errors.js'
import { getPath, getRegion, listChildren, searchRegions } from './queries.js'
import { CodeParam, Region, RegionDetail, RegionList, SearchQuery, SearchReply } from './schema.js'

/**
 * The division tree as the signed-in user may see it: their own region and everything below.
 * Any signed-in user may read it (pickers and imports need it); a code outside the
 * jurisdiction is answered like a code that does not exist.
 */
export const regionsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/root', {
    schema: { tags: ['行政区划'], summary: '本人辖区', response: { 200: Region } },
  }, async (req) => {
    const region = await getRegion(app.db, req.scope, req.scope.regionCode)
    if (!region) throw notFound('区划', req.scope.regionCode)
    return region
  })

  app.get('/search', {
    schema: {
      tags: ['行政区划'],
      summary: '按名称查找辖区内的区划',
      description: '理解常见写法：“渡江村”即“渡江村委会”，“头桥”即“头桥镇”，可在前面写上级名称（“江都仙女镇”）。有多个同样符合时返回 ambiguous，绝不替用户猜。',
      querystring: SearchQuery,
      response: { 200: SearchReply },
    },
  }, (req) => searchRegions(app.db, req.scope, req.query.q, req.query.limit ?? 20))

  app.get('/:code', {
    schema: { tags: ['行政区划'], summary: '区划详情与层级路径', params: CodeParam, response: { 200: RegionDetail } },
  }, async (req) => {
    const region = await getRegion(app.db, req.scope, req.params.code)
    if (!region) throw notFound('区划', req.params.code)
    return { ...region, path: await getPath(app.db, req.scope, region.code) }
  })

  app.get('/:code/children', {
    schema: { tags: ['行政区划'], summary: '下级区划', params: CodeParam, response: { 200: RegionList } },
  }, async (req) => {
    const region = await getRegion(app.db, req.scope, req.params.code)
    if (!region) throw notFound('区划', req.params.code)
    return listChildren(app.db, req.scope, region.code)
  })
}
