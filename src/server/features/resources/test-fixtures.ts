import type { FastifyInstance } from 'fastify'
import { signIn, testApp, type Session } from '../../testing/test-app.js'

/** Imported only by the tests of this folder: two sibling counties with a few people each. */

export const WUXING = '330502000000' // 吴兴区
export const ZHILI = '330502100000' // 吴兴区织里镇
export const ZHILI_VILLAGE = '330502100001'
export const NANXUN = '330503000000' // 南浔区
export const NANXUN_TOWN = '330503001000' // 南浔区南浔镇

export type World = {
  app: FastifyInstance
  /** County manager of 吴兴区, the user most tests act as. */
  wuxing: Session
  /** County manager of the sibling county 南浔区. */
  nanxun: Session
  viewer: Session
  /** People of 织里镇: a head with a mobile, a liaison, and one with no phone at all. */
  head: number
  liaison: number
  silent: number
  /** A person of 南浔镇, outside 吴兴区. */
  foreign: number
  unit: number
}

async function created(s: Session, url: string, payload: Record<string, unknown>): Promise<number> {
  const res = await s.request({ method: 'POST', url, payload })
  if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
  return res.json().id
}

export async function world(): Promise<World> {
  const app = await testApp()
  const wuxing = await signIn(app, { role: 'county_manager', regionCode: WUXING })
  const nanxun = await signIn(app, { role: 'county_manager', regionCode: NANXUN })
  const viewer = await signIn(app, { role: 'viewer', regionCode: WUXING })
  const unit = await created(wuxing, '/api/units', { regionCode: ZHILI, name: '织里镇应急管理站', kind: 'township_station' })
  const head = await created(wuxing, '/api/people', { regionCode: ZHILI, unitId: unit, name: '沈建华', post: '站长', mobile: '13857200002', roles: ['head'] })
  const liaison = await created(wuxing, '/api/people', { regionCode: ZHILI, unitId: unit, name: '钱晓燕', post: '副站长', mobile: '13857200003', roles: ['liaison'] })
  const silent = await created(wuxing, '/api/people', { regionCode: ZHILI, name: '姚国强', post: '高级工程师', roles: ['expert'] })
  const foreign = await created(nanxun, '/api/people', { regionCode: NANXUN_TOWN, name: '陆美芳', mobile: '13857200009', roles: ['head'] })
  return { app, wuxing, nanxun, viewer, head, liaison, silent, foreign, unit }
}

export async function addResource(s: Session, kind: string, payload: Record<string, unknown>) {
  const res = await s.request({ method: 'POST', url: `/api/resources/${kind}`, payload })
  if (res.statusCode !== 201) throw new Error(`${kind}: ${res.statusCode} ${res.body}`)
  return res.json()
}

export const teamDetail = (over: Record<string, unknown> = {}) => ({
  level: 'township', teamType: 'grassroots', specialities: ['综合', '防汛抗旱'], headcount: 35, insured: true, insuranceUntil: '2099-12-31', ...over,
})

export const shelterDetail = (over: Record<string, unknown> = {}) => ({
  gb21734Class: 'III', level: 'township', spaceType: 'outdoor', effectiveAreaM2: 3000, capacity: 1500, facilities: ['供水', '供电'], ...over,
})

export const storageDetail = (over: Record<string, unknown> = {}) => ({ storageKind: 'point', areaM2: 120, ...over })

/** Names of the items of a list reply. */
export async function names(s: Session, url: string): Promise<string[]> {
  const res = await s.request({ url })
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
  return res.json().items.map((i: { name: string }) => i.name)
}
