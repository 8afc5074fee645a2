import type { FastifyInstance } from 'fastify'
import type { WarningInput } from './schema.js'

/** Regions of 湖州市 in every test database. */
export const WUXING = '330502000000' // 吴兴区
export const YUEHE = '330502001000' // 吴兴区月河街道
export const YUEHE_VILLAGES = ['330502001005', '330502001006', '330502001007']
export const CHAOYANG = '330502002000' // 吴兴区朝阳街道
export const NANXUN = '330503000000' // 南浔区
export const NANXUN_TOWN = '330503001000'

let phone = 0

/** A responsible person straight into the directory (the directory API is tested elsewhere). */
export async function addPerson(app: FastifyInstance, regionCode: string, roles: string[] = ['head'], name?: string) {
  const n = ++phone
  return app.db.insertInto('person').values({
    regionCode, name: name ?? `责任人${n}`, post: '书记', mobile: `139${String(57_300_000 + n)}`, roles,
  }).returning(['id', 'name', 'mobile']).executeTakeFirstOrThrow()
}

/** A complete, valid draft; tests override what they are about. */
export function draft(overrides: Partial<WarningInput> = {}): WarningInput {
  return {
    regionCode: WUXING,
    eventClass: 'natural',
    eventType: '暴雨',
    level: 2,
    headline: '吴兴区暴雨橙色预警',
    description: '预计未来 12 小时累计雨量可达 100 毫米以上。',
    instruction: '责任人立即上岗到位，转移低洼地带人员。',
    areaDesc: '月河街道',
    senderName: '湖州市吴兴区应急管理局',
    onset: '2026-07-20T02:00:00Z',
    expires: '2026-07-21T02:00:00Z',
    target: { regions: [YUEHE], polygons: [], circles: [], roles: [], groupIds: [] },
    channels: ['inapp', 'sms'],
    ...overrides,
  }
}
