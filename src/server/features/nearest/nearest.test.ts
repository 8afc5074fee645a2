import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { gcj02ToBd09, wgs84ToGcj02 } from '../../../domain/map/crs.js'
import { signIn, testApp, type Session } from '../../testing/test-app.js'
import { geometryOf, unseenBoundKm } from './nearest.js'

const WUXING = '330502000000' // 吴兴区
const ZHILI = '330502100000' // 吴兴区织里镇
const ZHILI_VILLAGE = '330502100001'
const NANXUN = '330503000000' // 南浔区
const NANXUN_TOWN = '330503001000'

// The searched place; 0.01° of latitude is 1.11 km on earthdistance's sphere (R = 6370.997 km).
const AT = { lng: 120.1, lat: 30.8 }
const north = (km: number) => ({ lng: AT.lng, lat: AT.lat + km / 111.1949 })

let app: FastifyInstance
let me: Session
let city: Session
let liaison: number
let liaisonContact: Fields

type Fields = Record<string, unknown>

async function addSupply(f: { name: string; quantity: number; at: { lng: number; lat: number } } & Fields): Promise<number> {
  const { at, ...rest } = f
  const row = await app.db.insertInto('supply').values({
    regionCode: ZHILI, classCode: '2000000', unit: '艘', ...rest, lng: at.lng, lat: at.lat,
  }).returning('id').executeTakeFirstOrThrow()
  return row.id
}

async function addTeam(f: { name: string; headcount: number; at: { lng: number; lat: number } } & Fields): Promise<number> {
  const r = await app.db.insertInto('resource').values({
    kind: 'team', regionCode: (f.regionCode as string) ?? ZHILI, name: f.name, lng: f.at.lng, lat: f.at.lat,
    status: (f.status as string) ?? 'active', liaisonPersonId: (f.liaisonPersonId as number) ?? null,
  }).returning('id').executeTakeFirstOrThrow()
  await app.db.insertInto('team').values({
    resourceId: r.id, level: 'township', teamType: 'grassroots', headcount: f.headcount, specialities: (f.specialities as string[]) ?? ['综合'],
  }).execute()
  return r.id
}

async function addShelter(name: string, capacity: number, at: { lng: number; lat: number }): Promise<number> {
  const r = await app.db.insertInto('resource').values({ kind: 'shelter', regionCode: ZHILI, name, lng: at.lng, lat: at.lat })
    .returning('id').executeTakeFirstOrThrow()
  await app.db.insertInto('shelter').values({ resourceId: r.id, effectiveAreaM2: capacity * 2, capacity }).execute()
  return r.id
}

async function nearest(body: Fields, who: Session = me) {
  return who.request({ method: 'POST', url: '/api/nearest', payload: body })
}

async function found(body: Fields, who: Session = me) {
  const res = await nearest(body, who)
  if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`)
  return res.json()
}

const boats = (quantity: number, extra: Fields = {}) => ({ at: AT, needs: [{ type: 'supply', name: '冲锋舟', quantity, ...extra }] })
/** Per holding: id, distance and what counts. */
const picks = (result: { holdings: Array<{ id: number; distanceKm: number; take: number }> }) =>
  result.holdings.map((h) => [h.id, h.distanceKm, h.take])

beforeAll(async () => {
  app = await testApp()
  me = await signIn(app, { role: 'viewer', regionCode: WUXING })
  city = await signIn(app, { role: 'city_manager', regionCode: '330500000000' })
  const p = await app.db.insertInto('person').values({ regionCode: ZHILI, name: '钱晓燕', post: '副站长', mobile: '13857200003' })
    .returning('id').executeTakeFirstOrThrow()
  liaison = p.id
  liaisonContact = { personId: liaison, role: 'liaison', roleLabel: '联络人', name: '钱晓燕', post: '副站长', phone: '138****0003' }
})
afterAll(async () => { await app.close() })
beforeEach(async () => {
  await sql`delete from supply; delete from resource`.execute(app.db)
})

describe('supplies', () => {
  it('takes the nearest line alone when it suffices, with its distance, place and masked contact', async () => {
    const point = await app.db.insertInto('resource')
      .values({ kind: 'storage_point', regionCode: ZHILI, name: '织里镇物资储备点', liaisonPersonId: liaison, lng: 1, lat: 1 })
      .returning('id').executeTakeFirstOrThrow()
    const near = await addSupply({ name: '冲锋舟', quantity: 10, at: north(1), storagePointId: point.id })
    await addSupply({ name: '冲锋舟', quantity: 10, at: north(2) })
    await addSupply({ name: '冲锋舟', quantity: 10, at: north(3) })
    const { at, distanceNote, results } = await found(boats(5))
    expect(at).toEqual(AT)
    expect(distanceNote).toContain('直线距离')
    expect(results).toHaveLength(1)
    const [r] = results
    expect(r).toMatchObject({ need: { type: 'supply', name: '冲锋舟', quantity: 5 }, description: '冲锋舟 ≥ 5', satisfied: true, total: 10, shortfall: 0 })
    expect(r.holdings).toEqual([{
      layer: 'supply', id: near, name: '冲锋舟', regionCode: ZHILI, regionName: expect.stringContaining('织里镇'),
      storagePointName: '织里镇物资储备点', distanceKm: 1, quantity: 10, unit: '艘', take: 5, lng: north(1).lng, lat: north(1).lat,
      contact: liaisonContact, contacts: [liaisonContact],
    }])
  })

  it('lets two nearer lines together beat one far line that would suffice alone', async () => {
    const a = await addSupply({ name: '冲锋舟', quantity: 3, at: north(1) })
    const b = await addSupply({ name: '冲锋舟', quantity: 3, at: north(2) })
    await addSupply({ name: '冲锋舟', quantity: 10, at: north(5) })
    const [r] = (await found(boats(5, { unit: '艘' }))).results
    expect(r).toMatchObject({ description: '冲锋舟 ≥ 5 艘', satisfied: true, total: 6, shortfall: 0 })
    expect(picks(r)).toEqual([[a, 1, 3], [b, 2, 2]])
  })

  it('reports what was found and the shortfall when the supply within reach is not enough', async () => {
    const a = await addSupply({ name: '冲锋舟', quantity: 3, at: north(1) })
    const b = await addSupply({ name: '冲锋舟', quantity: 4, at: north(2) })
    await addSupply({ name: '冲锋舟', quantity: 10, at: north(5) })
    const [r] = (await found({ ...boats(20), maxDistanceKm: 4 })).results
    expect(r).toMatchObject({ satisfied: false, total: 7, shortfall: 13 })
    expect(picks(r)).toEqual([[a, 1, 3], [b, 2, 4]])
  })

  it('orders lines at the same distance by id', async () => {
    const first = await addSupply({ name: '冲锋舟', quantity: 4, at: north(1) })
    const second = await addSupply({ name: '冲锋舟', quantity: 4, at: north(1) })
    const [r] = (await found(boats(6))).results
    expect(picks(r)).toEqual([[first, 1, 4], [second, 1, 2]])
  })

  it('matches names that contain the word and classes with their subclasses, and counts only the unit asked for', async () => {
    const inflatable = await addSupply({ name: '冲锋舟（充气）', quantity: 2, at: north(1) })
    const rope = await addSupply({ name: '救生绳', quantity: 5, unit: '条', at: north(1.5) })
    const hard = await addSupply({ name: '冲锋舟', quantity: 2, unit: '条', at: north(2) })
    const [byName] = (await found(boats(3))).results
    expect(picks(byName)).toEqual([[inflatable, 1, 2], [hard, 2, 1]])
    const [byUnit] = (await found(boats(3, { unit: '艘' }))).results
    expect(byUnit).toMatchObject({ satisfied: false, total: 2, shortfall: 1 })
    expect(picks(byUnit)).toEqual([[inflatable, 1, 2]])
    const [byClass] = (await found({ at: AT, needs: [{ type: 'supply', classCode: '2000000', quantity: 6, unit: '条' }] })).results
    expect(byClass.description).toMatch(/^.+ ≥ 6 条$/)
    expect(picks(byClass)).toEqual([[rope, 1.5, 5], [hard, 2, 1]])
  })

  it('matches Latin letters in names regardless of case', async () => {
    const lamp = await addSupply({ name: 'LED应急灯', quantity: 10, unit: '个', at: north(1) })
    const [r] = (await found({ at: AT, needs: [{ type: 'supply', name: 'led', quantity: 5 }] })).results
    expect(picks(r)).toEqual([[lamp, 1, 5]])
  })

  it('counts only 完好 lines unless asked, and never 报废 ones or empty ones', async () => {
    const repair = await addSupply({ name: '冲锋舟', quantity: 5, condition: 'repair', at: north(1) })
    await addSupply({ name: '冲锋舟', quantity: 5, condition: 'scrapped', at: north(1) })
    await addSupply({ name: '冲锋舟', quantity: 0, at: north(1) })
    const good = await addSupply({ name: '冲锋舟', quantity: 5, at: north(3) })
    expect(picks((await found(boats(5))).results[0])).toEqual([[good, 3, 5]])
    const [any] = (await found(boats(8, { condition: 'any' }))).results
    expect(any.description).toBe('冲锋舟 ≥ 8（含待修）')
    expect(picks(any)).toEqual([[repair, 1, 5], [good, 3, 3]])
  })

  it('lists at most 1000 lines of an unmet need but counts them all', async () => {
    await sql`insert into supply (region_code, class_code, name, unit, quantity, lng, lat)
      select ${ZHILI}, '2000000', '救生衣', '件', 1, ${AT.lng}::float8 + g * 0.00001, ${AT.lat}::float8
      from generate_series(1, 1005) g`.execute(app.db)
    // Beyond the listed ones, and not counted: its storage point is closed.
    const closed = await app.db.insertInto('resource').values({ kind: 'storage_point', regionCode: ZHILI, name: '已撤销储备点', status: 'inactive' })
      .returning('id').executeTakeFirstOrThrow()
    await addSupply({ name: '救生衣', unit: '件', quantity: 100, at: north(5), storagePointId: closed.id })
    const [r] = (await found({ at: AT, needs: [{ type: 'supply', name: '救生衣', quantity: 2000 }] })).results
    expect(r).toMatchObject({ satisfied: false, total: 1005, shortfall: 995, omitted: 5 })
    expect(r.holdings).toHaveLength(1000)
    const ids = r.holdings.map((h: { id: number }) => h.id)
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
  })

  it('skips lines without a position and lines of an inactive storage point or team', async () => {
    await app.db.insertInto('supply').values({ regionCode: ZHILI, classCode: '2000000', name: '冲锋舟', unit: '艘', quantity: 50 }).execute()
    const closed = await app.db.insertInto('resource').values({ kind: 'storage_point', regionCode: ZHILI, name: '已撤销储备点', status: 'inactive' })
      .returning('id').executeTakeFirstOrThrow()
    await addSupply({ name: '冲锋舟', quantity: 50, at: north(1), storagePointId: closed.id })
    const disbanded = await addTeam({ name: '已撤销救援队', headcount: 20, at: north(1), status: 'inactive' })
    await addSupply({ name: '冲锋舟', quantity: 50, at: north(1.5), teamId: disbanded })
    const serving = await addTeam({ name: '织里救援队', headcount: 20, at: north(3) })
    const open = await addSupply({ name: '冲锋舟', quantity: 5, at: north(2) })
    const held = await addSupply({ name: '冲锋舟', quantity: 5, at: north(3), teamId: serving })
    expect(picks((await found(boats(10))).results[0])).toEqual([[open, 2, 5], [held, 3, 5]])
  })
})

describe('great-circle order', () => {
  // At 30.8°N a degree of longitude is 0.86 of a degree of latitude: a line 0.11° due east is
  // nearer on the ground than one 0.10° due north, though farther in planar degrees.
  const east = { lng: AT.lng + 0.11, lat: AT.lat }

  it('prefers the line due east over the planar-nearer one due north', async () => {
    const n = await addSupply({ name: '冲锋舟', quantity: 5, at: { lng: AT.lng, lat: AT.lat + 0.1 } })
    const e = await addSupply({ name: '冲锋舟', quantity: 5, at: east })
    const [r] = (await found(boats(5))).results
    // 6370.997 km × 0.11° × π/180 × cos 30.8° ≈ 10.51 km; 0.10° north ≈ 11.12 km.
    expect(picks(r)).toEqual([[e, 10.51, 5]])
    expect(n).toBeLessThan(e)
  })

  it('finds it even when a whole KNN batch of planar-nearer lines comes first', async () => {
    const decoys: number[] = []
    for (let i = 0; i < 20; i++) {
      decoys.push(await addSupply({ name: '冲锋舟', quantity: 1, at: { lng: AT.lng + i * 0.0002, lat: AT.lat + 0.1 } }))
    }
    const e = await addSupply({ name: '冲锋舟', quantity: 1, at: east })
    expect(picks((await found(boats(1))).results[0])).toEqual([[e, 10.51, 1]])
    const [three] = (await found(boats(3))).results
    expect(picks(three)).toEqual([[e, 10.51, 1], [decoys[0], 11.12, 1], [decoys[1], 11.12, 1]])
  })

  it('bounds the distance of unseen candidates from below', () => {
    const g = geometryOf(AT.lng, AT.lat, 200)
    // Due east is the worst direction: ground distance per planar degree is smallest there.
    const eastKm = 6370.997 * (0.11 * Math.PI / 180) * Math.cos(AT.lat * Math.PI / 180)
    expect(unseenBoundKm(g, 0.11)).toBeLessThan(eastKm)
    expect(g.box.north - AT.lat).toBeCloseTo(200 / 111.1949, 3)
  })
})

describe('teams and shelters', () => {
  it('takes the nearest single team big enough and with the speciality', async () => {
    await addTeam({ name: '织里镇小分队', headcount: 20, specialities: ['防汛抗旱'], at: north(1) })
    await addTeam({ name: '织里镇森林消防队', headcount: 40, specialities: ['森林灭火'], at: north(2) })
    await addTeam({ name: '已解散的队伍', headcount: 50, specialities: ['防汛抗旱'], at: north(2), status: 'inactive' })
    const right = await addTeam({ name: '织里镇综合应急救援队', headcount: 35, specialities: ['综合', '防汛抗旱'], at: north(3), liaisonPersonId: liaison })
    await addTeam({ name: '更远的防汛队', headcount: 35, specialities: ['防汛抗旱'], at: north(4) })
    const [r] = (await found({ at: AT, needs: [{ type: 'team', speciality: '防汛', minHeadcount: 30 }] })).results
    expect(r).toMatchObject({ description: '防汛救援队伍 1 支（≥ 30 人）', satisfied: true, total: 1, shortfall: 0 })
    expect(r.holdings).toEqual([{
      layer: 'team', id: right, name: '织里镇综合应急救援队', regionCode: ZHILI, regionName: expect.any(String), distanceKm: 3,
      headcount: 35, take: 1, lng: north(3).lng, lat: north(3).lat, contact: liaisonContact, contacts: [liaisonContact],
    }])
    const [none] = (await found({ at: AT, needs: [{ type: 'team', minHeadcount: 100 }] })).results
    expect(none).toMatchObject({ satisfied: false, total: 0, shortfall: 1, holdings: [] })
  })

  it('adds shelter capacities nearest first', async () => {
    const a = await addShelter('织里镇文体广场', 300, north(1))
    const b = await addShelter('织里中学体育馆', 400, north(2))
    await addShelter('更远的公园', 1000, north(3))
    const [r] = (await found({ at: AT, needs: [{ type: 'shelter', capacity: 500 }] })).results
    expect(r).toMatchObject({ description: '避难场所 可容纳 ≥ 500 人', satisfied: true, total: 700, shortfall: 0 })
    expect(r.holdings.map((h: { id: number; capacity: number; take: number }) => [h.id, h.capacity, h.take])).toEqual([[a, 300, 300], [b, 400, 200]])
  })

  it('answers several needs at once, in order', async () => {
    await addShelter('织里镇文体广场', 300, north(1))
    await addSupply({ name: '冲锋舟', quantity: 3, at: north(1) })
    const { results } = await found({ at: AT, needs: [{ type: 'shelter', capacity: 100 }, { type: 'supply', name: '冲锋舟', quantity: 5 }] })
    expect(results.map((r: { satisfied: boolean; shortfall: number }) => [r.satisfied, r.shortfall])).toEqual([[true, 0], [false, 2]])
  })
})

describe('jurisdiction', () => {
  it('never returns a sibling county’s holdings, even nearer ones', async () => {
    await addSupply({ name: '冲锋舟', quantity: 100, regionCode: NANXUN_TOWN, at: AT })
    await addTeam({ name: '南浔镇救援队', headcount: 100, regionCode: NANXUN_TOWN, at: AT })
    const own = await addSupply({ name: '冲锋舟', quantity: 5, at: north(3) })
    const { results } = await found({ at: AT, needs: [{ type: 'supply', name: '冲锋舟', quantity: 5 }, { type: 'team' }] })
    expect(picks(results[0])).toEqual([[own, 3, 5]])
    expect(results[1]).toMatchObject({ satisfied: false, holdings: [] })
    // The city sees both counties and takes the nearer line.
    const [cityView] = (await found(boats(5), city)).results
    expect(cityView.holdings[0].regionCode).toBe(NANXUN_TOWN)
  })

  it('restricts to a subtree and refuses one outside the jurisdiction', async () => {
    await addSupply({ name: '冲锋舟', quantity: 5, regionCode: WUXING, at: north(1) })
    const inTown = await addSupply({ name: '冲锋舟', quantity: 5, at: north(2) })
    expect(picks((await found({ ...boats(5), regionCode: ZHILI })).results[0])).toEqual([[inTown, 2, 5]])
    const res = await nearest({ ...boats(5), regionCode: NANXUN })
    expect(res.statusCode).toBe(403)
    expect(res.json().message).toBe(`区划“${NANXUN}”不在您的辖区内`)
  })
})

describe('the place', () => {
  it('may be a region, at its position', async () => {
    await app.db.updateTable('region').set({ lng: AT.lng, lat: AT.lat }).where('code', '=', ZHILI).execute()
    await app.db.updateTable('region').set({ lng: null, lat: null }).where('code', '=', ZHILI_VILLAGE).execute()
    const line = await addSupply({ name: '冲锋舟', quantity: 5, at: north(2) })
    const { at, results } = await found({ at: { regionCode: ZHILI }, needs: [{ type: 'supply', name: '冲锋舟', quantity: 1 }] })
    expect(at).toEqual({ ...AT, regionName: expect.stringContaining('织里镇') })
    expect(picks(results[0])).toEqual([[line, 2, 1]])

    const none = await nearest({ at: { regionCode: ZHILI_VILLAGE }, needs: [{ type: 'team' }] })
    expect(none.statusCode).toBe(400)
    expect(none.json().message).toBe('该区划没有位置信息')
    const foreign = await nearest({ at: { regionCode: NANXUN_TOWN }, needs: [{ type: 'team' }] })
    expect(foreign.statusCode).toBe(403)
    const missing = await nearest({ at: { regionCode: '330502999999' }, needs: [{ type: 'team' }] })
    expect(missing.statusCode).toBe(400)
    expect(missing.json().message).toBe('“地点区划”的值“330502999999”不存在')
  })

  it('converts GCJ-02 and BD-09 input to WGS84', async () => {
    const line = await addSupply({ name: '冲锋舟', quantity: 5, at: AT })
    const [gLng, gLat] = wgs84ToGcj02([AT.lng, AT.lat])
    // The offset here is hundreds of metres: unconverted, the distance would show it.
    expect(Math.abs(gLng - AT.lng) + Math.abs(gLat - AT.lat)).toBeGreaterThan(0.003)
    const { at, results } = await found({ at: { lng: gLng, lat: gLat, crs: 'GCJ02' }, needs: [{ type: 'supply', name: '冲锋舟', quantity: 1 }] })
    expect(at.lng).toBeCloseTo(AT.lng, 6)
    expect(at.lat).toBeCloseTo(AT.lat, 6)
    expect(picks(results[0])).toEqual([[line, 0, 1]])
    const raw = await found({ at: { lng: gLng, lat: gLat }, needs: [{ type: 'supply', name: '冲锋舟', quantity: 1 }] })
    expect(raw.results[0].holdings[0].distanceKm).toBeGreaterThan(0.3)
    const [bLng, bLat] = gcj02ToBd09([gLng, gLat])
    const baidu = await found({ at: { lng: bLng, lat: bLat, crs: 'BD09' }, needs: [{ type: 'supply', name: '冲锋舟', quantity: 1 }] })
    expect(picks(baidu.results[0])).toEqual([[line, 0, 1]])
  })
})

describe('bad input', () => {
  const refused = async (body: Fields) => {
    const res = await nearest(body)
    expect(res.statusCode).toBe(400)
    return res.json().message as string
  }

  it('is refused with a Chinese message naming the field', async () => {
    expect(await refused({ at: AT, needs: [] })).toBe('“需求”的值“[]”至少需要 1 项')
    expect(await refused(boats(-5))).toBe('“需求数量”的值“-5”必须大于 0')
    expect(await refused({ at: { lng: 120, lat: 95 }, needs: [{ type: 'team' }] })).toBe('“纬度”的值“95”不能大于 90')
    expect(await refused({ at: AT, needs: [{ type: 'supply', quantity: 5 }] })).toBe('“物资名称”的值“”不能为空：物资需求要写明名称或分类')
    expect(await refused({ at: AT, needs: [{ type: 'supply', name: '冲锋舟' }] })).toBe('“需求数量”的值“”不能为空：物资需求要写明数量')
    expect(await refused({ at: AT, needs: [{ type: 'shelter' }] })).toBe('“需容纳人数”的值“”不能为空：避难场所需求要写明人数')
    expect(await refused({ at: AT, needs: [{ type: 'boat' }] })).toBe('“需求类型”的值“boat”不是允许的取值')
    expect(await refused({ at: { lat: 30 }, needs: [{ type: 'team' }] })).toBe('“经度”的值“”不能为空：地点要填写经纬度或区划')
    expect(await refused({ at: { ...AT, regionCode: ZHILI }, needs: [{ type: 'team' }] })).toBe('地点请填写经纬度或区划其中之一')
    expect(await refused({ ...boats(5), maxDistanceKm: 0 })).toBe('“最大距离（公里）”的值“0”必须大于 0')
    expect(await refused({ at: AT, needs: [{ type: 'supply', classCode: '8888888', quantity: 1 }] })).toBe('“物资分类”的值“8888888”不存在')
  })

  it('needs the resources.read permission', async () => {
    const auditor = await signIn(app, { role: 'auditor', regionCode: WUXING })
    expect((await nearest(boats(1), auditor)).statusCode).toBe(403)
  })
})

describe('whom to call', () => {
  async function person(name: string, post: string, mobile: string | null, regionCode = ZHILI) {
    return (await app.db.insertInto('person').values({ regionCode, name, post, mobile }).returning('id').executeTakeFirstOrThrow()).id
  }

  /** A storage point with a keeper, a head and a liaison, and boats kept there whose own liaison is someone else again. */
  async function stationWithBoats() {
    const keeper = await person('沈阿大', '物资保管员', '13857200101')
    const head = await person('姚站长', '站长', '13857200102')
    const deputy = await person('陆副站长', '副站长', '13857200103')
    const point = await app.db.insertInto('resource')
      .values({ kind: 'storage_point', regionCode: ZHILI, name: '织里镇物资储备点', responsiblePersonId: head, liaisonPersonId: deputy, lng: north(1).lng, lat: north(1).lat })
      .returning('id').executeTakeFirstOrThrow()
    await app.db.insertInto('storagePoint').values({ resourceId: point.id, keeperPersonId: keeper }).execute()
    const line = await addSupply({ name: '冲锋舟', quantity: 10, at: north(1), storagePointId: point.id, liaisonPersonId: deputy })
    return { keeper, head, deputy, point: point.id, line }
  }

  it('names the storage keeper first, then the responsible person, then the liaison, every number masked', async () => {
    const s = await stationWithBoats()
    const [h] = (await found(boats(5))).results[0].holdings
    expect(h.contact).toEqual({ personId: s.keeper, role: 'keeper', roleLabel: '保管员', name: '沈阿大', post: '物资保管员', phone: '138****0101' })
    expect(h.contacts.map((c: { personId: number; role: string; phone: string }) => [c.personId, c.role, c.phone])).toEqual([
      [s.keeper, 'keeper', '138****0101'], [s.head, 'responsible', '138****0102'], [s.deputy, 'liaison', '138****0103'],
    ])
    expect(JSON.stringify(h)).not.toContain('13857200101')
  })

  it('calls the next in line when the keeper has no number, and leaves out people outside the jurisdiction', async () => {
    const s = await stationWithBoats()
    await app.db.updateTable('person').set({ mobile: null }).where('id', '=', s.keeper).execute()
    const foreign = await person('南浔的人', '站长', '13857200104', NANXUN_TOWN)
    await app.db.updateTable('resource').set({ responsiblePersonId: foreign }).where('id', '=', s.point).execute()
    const [h] = (await found(boats(5))).results[0].holdings
    expect(h.contacts.map((c: { personId: number }) => c.personId)).toEqual([s.keeper, s.deputy])
    expect(h.contact).toMatchObject({ personId: s.deputy, role: 'liaison', phone: '138****0103' })
  })

  it('reveals the number for a duty officer, once per request and each time audited; refuses a viewer and audits that too', async () => {
    const s = await stationWithBoats()
    const duty = await signIn(app, { role: 'duty', regionCode: WUXING })
    const [h] = (await found(boats(5), duty)).results[0].holdings
    const shown = await duty.request({ method: 'POST', url: `/api/people/${h.contact.personId}/reveal` })
    expect(shown.statusCode).toBe(200)
    expect(shown.json()).toMatchObject({ mobile: '13857200101' })
    const revealed = await app.db.selectFrom('auditLog').select(['actorId', 'entityId', 'after'])
      .where('action', '=', 'person.phone_revealed').where('entityId', '=', String(s.keeper)).execute()
    expect(revealed).toEqual([{ actorId: duty.userId, entityId: String(s.keeper), after: { name: '沈阿大', fields: ['mobile', 'landline'] } }])

    const refused = await me.request({ method: 'POST', url: `/api/people/${s.keeper}/reveal` })
    expect(refused.statusCode).toBe(403)
    expect(refused.json().code).toBe('FORBIDDEN')
    const audited = await app.db.selectFrom('auditLog').select('actorId').where('action', '=', 'refused.permission').where('actorId', '=', me.userId).execute()
    expect(audited.length).toBeGreaterThanOrEqual(1)
  })

  it('gives a team its responsible person, then its leader, then its liaison', async () => {
    const head = await person('队部负责人', '大队长', '13857200105')
    const leader = await person('带队队长', '队长', '13857200106')
    const team = await addTeam({ name: '织里镇综合应急救援队', headcount: 35, specialities: ['防汛抗旱'], at: north(1), liaisonPersonId: liaison })
    await app.db.updateTable('resource').set({ responsiblePersonId: head }).where('id', '=', team).execute()
    await app.db.updateTable('team').set({ leaderPersonId: leader }).where('resourceId', '=', team).execute()
    const [h] = (await found({ at: AT, needs: [{ type: 'team', speciality: '防汛' }] })).results[0].holdings
    expect(h.contacts.map((c: { personId: number; roleLabel: string }) => [c.personId, c.roleLabel])).toEqual([[head, '负责人'], [leader, '队长'], [liaison, '联络人']])
  })
})
