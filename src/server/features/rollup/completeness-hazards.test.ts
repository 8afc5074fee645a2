import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { addRiskPoint, addSupply } from './test-factories.js'

const WUXING = '330502000000'

let app: FastifyInstance
let county: Session
let township: string
let villages: string[]

type Row = {
  code: string; hazards: string[]; missing: string[]; missingForHazards: Array<{ hazard: string; items: string[] }>
  indicators: Array<{ key: string; label: string; ok: boolean | null; note: string }>
}

const get = async (url: string) => {
  const res = await county.request({ url })
  expect(res.statusCode, res.body).toBe(200)
  return res.json() as Promise<{ items: Row[]; summary: { byMissing: Array<{ label: string; count: number }> } }>
}
const rowOf = (body: { items: Row[] }, code: string) => body.items.find((r) => r.code === code)!
const hazardIndicator = (r: Row) => r.indicators.find((i) => i.key === 'hazard_supplies')!

async function riskPoint(regionCode: string, hazardType: string, state = 'monitoring') {
  const id = await addRiskPoint(app.db, { regionCode, level: 'general', state })
  await app.db.updateTable('riskPoint').set({ hazardType }).where('resourceId', '=', id).execute()
}

beforeAll(async () => {
  app = await testApp()
  const db = app.db
  // The last township of 吴兴区 and two of its villages; nothing else is registered there.
  const t = await db.selectFrom('region').select('code').where('parentCode', '=', WUXING).where('level', '=', 'township')
    .orderBy('code', 'desc').executeTakeFirstOrThrow()
  township = t.code
  villages = (await db.selectFrom('region').select('code').where('parentCode', '=', township).orderBy('code').limit(2).execute())
    .map((r) => r.code)
  expect(villages).toHaveLength(2)

  // A 山洪 point in the first village; an eliminated 森林火险 point asks for nothing.
  await riskPoint(villages[0], '山洪')
  await riskPoint(township, '森林火险', 'eliminated')
  // Neither a scrapped nor an empty life-jacket line counts; sandbags and a pump do.
  await addSupply(db, { regionCode: township, name: '救生衣', quantity: 5, condition: 'scrapped' })
  await addSupply(db, { regionCode: villages[1], name: '救生衣（成人）', quantity: 0 })
  await addSupply(db, { regionCode: township, name: '防汛编织袋', unit: '条', quantity: 500, classCode: '3000000' })
  await addSupply(db, { regionCode: villages[0], name: '潜水泵', unit: '台', quantity: 2, isEquipment: true })

  county = await signIn(app, { role: 'county_manager', regionCode: WUXING })
})
afterAll(async () => { await app.close() })

describe('supplies the hazards need', () => {
  it('tells a township which items its villages\' hazards need and nobody holds', async () => {
    const body = await get('/api/rollup/completeness?pageSize=200')
    const row = rowOf(body, township)
    expect(row.hazards).toEqual(['山洪'])
    expect(row.missingForHazards).toEqual([{ hazard: '山洪', items: ['救生衣', '冲锋舟或橡皮艇'] }])
    expect(hazardIndicator(row)).toEqual({
      key: 'hazard_supplies', label: '风险所需物资', ok: false, note: '缺：救生衣、冲锋舟或橡皮艇（山洪）',
    })
    expect(row.missing).toContain('缺防汛物资：救生衣、冲锋舟或橡皮艇')
    expect(body.summary.byMissing.find((m) => m.label === '缺防汛物资')!.count).toBe(1)
    expect(body.summary.byMissing.find((m) => m.label === '缺森林防灭火物资')!.count).toBe(0)

    // Townships without risk points are not judged on it.
    const other = body.items.find((r) => r.code !== township)!
    expect(other.hazards).toEqual([])
    expect(hazardIndicator(other)).toMatchObject({ ok: null, note: '无在管风险隐患点' })
  })

  it('judges a village on its own points and its own lines only', async () => {
    const body = await get(`/api/rollup/completeness?regionCode=${township}&level=village&pageSize=200`)
    const flooded = rowOf(body, villages[0])
    // The township's sandbags are not the village's.
    expect(flooded.missingForHazards).toEqual([{ hazard: '山洪', items: ['救生衣', '冲锋舟或橡皮艇', '编织袋或沙袋'] }])
    expect(flooded.missing).toContain('缺防汛物资：救生衣、冲锋舟或橡皮艇、编织袋或沙袋')

    const quiet = rowOf(body, villages[1])
    expect(quiet.hazards).toEqual([])
    expect(quiet.missingForHazards).toEqual([])
    expect(hazardIndicator(quiet).ok).toBeNull()
    expect(quiet.missing.some((m) => m.startsWith('缺防汛物资'))).toBe(false)
  })

  it('is satisfied once a village of the township holds the items', async () => {
    await addSupply(app.db, { regionCode: villages[1], name: '救生衣', quantity: 3 })
    await addSupply(app.db, { regionCode: township, name: '橡皮艇', unit: '艘', quantity: 1, isEquipment: true })

    const body = await get('/api/rollup/completeness?pageSize=200')
    const row = rowOf(body, township)
    expect(row.missingForHazards).toEqual([])
    expect(hazardIndicator(row)).toMatchObject({ ok: true, note: '山洪：所需物资齐备' })
    expect(row.missing.some((m) => m.startsWith('缺防汛物资'))).toBe(false)

    // The other village's life jackets do not answer the flooded village's hazard.
    const villageBody = await get(`/api/rollup/completeness?regionCode=${township}&level=village&pageSize=200`)
    expect(rowOf(villageBody, villages[0]).missingForHazards[0].items).toEqual(['救生衣', '冲锋舟或橡皮艇', '编织袋或沙袋'])
  })
})
