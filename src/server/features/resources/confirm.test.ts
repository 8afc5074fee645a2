import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addResource, names, NANXUN_TOWN, shelterDetail, storageDetail, teamDetail, world, ZHILI, type World } from './test-fixtures.js'

let w: World
let team: { id: number }
let shelter: { id: number }
let supplyId: number

/** Moves a record's confirmation `days` back, as if nobody had looked at it since. */
const confirmedDaysAgo = (table: 'resource' | 'supply', id: number, days: number | null) =>
  w.app.db.updateTable(table).set({ confirmedAt: days === null ? null : sql<Date>`now() - make_interval(days => ${days})` }).where('id', '=', id).execute()

const confirmedAt = async (table: 'resource' | 'supply', id: number) =>
  (await w.app.db.selectFrom(table).select('confirmedAt').where('id', '=', id).executeTakeFirstOrThrow()).confirmedAt

beforeAll(async () => {
  w = await world()
  team = await addResource(w.wuxing, 'team', { regionCode: ZHILI, name: '织里镇综合应急救援队', detail: teamDetail() })
  shelter = await addResource(w.wuxing, 'shelter', { regionCode: ZHILI, name: '织里镇文体广场', detail: shelterDetail() })
  supplyId = (await w.app.db.insertInto('supply').values({ regionCode: ZHILI, classCode: '2000000', name: '救生衣' }).returning('id').executeTakeFirstOrThrow()).id
})
afterAll(async () => { await w.app.close() })

describe('freshness', () => {
  it('lists as stale what was confirmed too long ago or never, following the setting', async () => {
    const stale = () => names(w.wuxing, '/api/resources/team?fresh=stale')
    const fresh = () => names(w.wuxing, '/api/resources/team?fresh=fresh')
    expect(await stale()).toEqual([])
    expect(await fresh()).toEqual(['织里镇综合应急救援队'])
    await confirmedDaysAgo('resource', team.id, 100)
    expect(await stale()).toEqual([])
    await w.app.db.updateTable('setting').set({ value: '90' }).where('key', '=', 'resources.freshness_days').execute()
    expect(await stale()).toEqual(['织里镇综合应急救援队'])
    expect(await fresh()).toEqual([])
    const item = (await w.wuxing.request({ url: `/api/resources/team/${team.id}` })).json()
    expect(item.stale).toBe(true)
    await w.app.db.updateTable('setting').set({ value: '180' }).where('key', '=', 'resources.freshness_days').execute()
    expect(await stale()).toEqual([])
    await confirmedDaysAgo('resource', team.id, null)
    expect(await stale()).toEqual(['织里镇综合应急救援队'])
  })

  it('sorts never-confirmed records first by confirmation date', async () => {
    await addResource(w.wuxing, 'team', { regionCode: ZHILI, name: '织里镇水上救援队', detail: teamDetail() })
    expect(await names(w.wuxing, '/api/resources/team?sort=confirmedAt')).toEqual(['织里镇综合应急救援队', '织里镇水上救援队'])
    expect(await names(w.wuxing, '/api/resources/team?sort=confirmedAt&order=desc')).toEqual(['织里镇水上救援队', '织里镇综合应急救援队'])
  })
})

describe('confirm one record', () => {
  it('sets the confirmation, moves the version on and audits it', async () => {
    const res = await w.wuxing.request({ method: 'POST', url: `/api/resources/team/${team.id}/confirm`, payload: { version: 1 } })
    expect(res.statusCode).toBe(200)
    const item = res.json()
    expect(item).toMatchObject({ stale: false, confirmedByName: '测试county_manager', version: 2 })
    expect(Date.now() - Date.parse(item.confirmedAt)).toBeLessThan(60_000)
    expect(item.history[0]).toMatchObject({ action: 'resource.confirmed', actionLabel: '确认应急资源仍有效', before: { confirmedAt: null } })
    expect(await names(w.wuxing, '/api/resources/team?fresh=stale')).toEqual([])
  })

  it('refuses a stale version, a viewer and a record of the sibling county', async () => {
    const stale = await w.wuxing.request({ method: 'POST', url: `/api/resources/team/${team.id}/confirm`, payload: { version: 1 } })
    expect(stale.statusCode).toBe(409)
    const viewer = await w.viewer.request({ method: 'POST', url: `/api/resources/team/${team.id}/confirm`, payload: { version: 2 } })
    expect(viewer.statusCode).toBe(403)
    const theirs = await addResource(w.nanxun, 'storage_point', { regionCode: NANXUN_TOWN, name: '南浔镇储备点', detail: storageDetail() })
    const foreign = await w.wuxing.request({ method: 'POST', url: `/api/resources/storage_point/${theirs.id}/confirm`, payload: { version: 1 } })
    expect(foreign.statusCode).toBe(404)
  })
})

describe('confirm in bulk', () => {
  it('confirms resources and supply lines together, one audit entry each', async () => {
    await confirmedDaysAgo('resource', team.id, 400)
    await confirmedDaysAgo('resource', shelter.id, 400)
    const res = await w.wuxing.request({
      method: 'POST', url: '/api/resources/confirm-bulk',
      payload: { items: [{ kind: 'team', id: team.id }, { kind: 'shelter', id: shelter.id }, { kind: 'supply', id: supplyId }, { kind: 'team', id: team.id }] },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ confirmed: 3 })
    for (const [table, id] of [['resource', team.id], ['resource', shelter.id], ['supply', supplyId]] as const) {
      expect(Date.now() - (await confirmedAt(table, id))!.getTime()).toBeLessThan(60_000)
    }
    const supply = await w.app.db.selectFrom('supply').select(['confirmedByName', 'version']).where('id', '=', supplyId).executeTakeFirstOrThrow()
    expect(supply).toEqual({ confirmedByName: '测试county_manager', version: 2 })
    const audit = await w.app.db.selectFrom('auditLog').select(['action', 'entity', 'entityId'])
      .where('action', 'in', ['resource.confirmed', 'supply.confirmed']).orderBy('id').execute()
    expect(audit.slice(-3)).toEqual([
      { action: 'resource.confirmed', entity: 'resource', entityId: String(team.id) },
      { action: 'resource.confirmed', entity: 'resource', entityId: String(shelter.id) },
      { action: 'supply.confirmed', entity: 'supply', entityId: String(supplyId) },
    ])
  })

  it('refuses the whole request when one record is outside the jurisdiction or of another kind', async () => {
    await confirmedDaysAgo('resource', team.id, 400)
    await confirmedDaysAgo('supply', supplyId, 400)
    const theirs = await addResource(w.nanxun, 'team', { regionCode: NANXUN_TOWN, name: '南浔镇综合应急救援队', detail: teamDetail() })
    await confirmedDaysAgo('resource', theirs.id, 400)
    const auditBefore = await w.app.db.selectFrom('auditLog').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    const res = await w.wuxing.request({
      method: 'POST', url: '/api/resources/confirm-bulk',
      payload: { items: [{ kind: 'team', id: team.id }, { kind: 'supply', id: supplyId }, { kind: 'team', id: theirs.id }, { kind: 'storage_point', id: shelter.id }] },
    })
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('OUT_OF_JURISDICTION')
    expect(res.json().message).toBe(`以下记录不存在或不在您的辖区内，本次未确认任何记录：应急救援队伍 ${theirs.id}、储备点/储备库 ${shelter.id}`)
    for (const [table, id] of [['resource', team.id], ['supply', supplyId], ['resource', theirs.id]] as const) {
      expect(Date.now() - (await confirmedAt(table, id))!.getTime()).toBeGreaterThan(300 * 86_400_000)
    }
    // Nothing was confirmed: the only new audit row is the refusal itself.
    const auditAfter = await w.app.db.selectFrom('auditLog').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    expect(auditAfter.n).toBe(auditBefore.n + 1)
    const last = await w.app.db.selectFrom('auditLog').select('action').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()
    expect(last.action).toBe('refused.jurisdiction')
    const viewer = await w.viewer.request({ method: 'POST', url: '/api/resources/confirm-bulk', payload: { items: [{ kind: 'team', id: team.id }] } })
    expect(viewer.statusCode).toBe(403)
    const empty = await w.wuxing.request({ method: 'POST', url: '/api/resources/confirm-bulk', payload: { items: [] } })
    expect(empty.json().message).toBe('“要确认的记录”的值“[]”至少需要 1 项')
  })
})
