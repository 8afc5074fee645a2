import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addResource, names, teamDetail, world, ZHILI, ZHILI_VILLAGE, type World } from './test-fixtures.js'

let w: World

beforeAll(async () => { w = await world() })
afterAll(async () => { await w.app.close() })

const post = (payload: Record<string, unknown>) => w.wuxing.request({ method: 'POST', url: '/api/resources/team', payload })

describe('teams', () => {
  it('creates a team with labels, masked contacts, a fresh confirmation and its warnings', async () => {
    const res = await post({
      regionCode: ZHILI, name: '织里镇综合应急救援队', ownerUnitId: w.unit, responsiblePersonId: w.head, liaisonPersonId: w.liaison,
      address: '织里镇大港路 1 号', detail: teamDetail({ headcount: 25, leaderPersonId: w.head, insured: false, insuranceUntil: null, equipmentSummary: '橡皮艇 1 艘' }),
    })
    expect(res.statusCode).toBe(201)
    const t = res.json()
    expect(t).toMatchObject({
      kind: 'team', kindLabel: '应急救援队伍', regionCode: ZHILI, regionName: '湖州市吴兴区织里镇', name: '织里镇综合应急救援队',
      ownerUnitId: w.unit, ownerUnitName: '织里镇应急管理站',
      responsible: { id: w.head, name: '沈建华', post: '站长', mobile: '138****0002' },
      liaison: { id: w.liaison, name: '钱晓燕', post: '副站长', mobile: '138****0003' },
      address: '织里镇大港路 1 号', lng: null, lat: null, status: 'active', statusLabel: '在用',
      confirmedByName: '测试county_manager', stale: false, version: 1,
      detail: {
        level: 'township', levelLabel: '乡镇（街道）级', teamType: 'grassroots', teamTypeLabel: '基层应急救援队伍',
        specialities: ['综合', '防汛抗旱'], headcount: 25, minimumHeadcount: 30, leaderPersonId: w.head, leaderName: '沈建华',
        insured: false, insuranceUntil: null, equipmentSummary: '橡皮艇 1 艘',
      },
    })
    expect(Date.now() - Date.parse(t.confirmedAt)).toBeLessThan(60_000)
    expect(t.warnings).toEqual(['乡镇（街道）级队伍应不少于 30 人，现有 25 人', '未为队员购买人身意外伤害保险（突发事件应对法第四十条）'])
    expect(t.history.map((h: { action: string; actionLabel: string }) => [h.action, h.actionLabel])).toEqual([['resource.created', '新增应急资源']])
    expect(t.history[0].after).toMatchObject({ name: '织里镇综合应急救援队', detail: { headcount: 25, level: 'township' } })
  })

  it('names the field and value of a bad detail in Chinese', async () => {
    const type = await post({ regionCode: ZHILI, name: '甲队', detail: teamDetail({ teamType: 'army' }) })
    expect(type.statusCode).toBe(400)
    expect(type.json().message).toBe('“队伍类型”的值“army”不是允许的取值')
    const negative = await post({ regionCode: ZHILI, name: '甲队', detail: teamDetail({ headcount: -3 }) })
    expect(negative.statusCode).toBe(400)
    expect(negative.json().message).toBe('“人数”的值“-3”不能小于 0')
    const date = await post({ regionCode: ZHILI, name: '甲队', detail: teamDetail({ establishedOn: '2024-13-45' }) })
    expect(date.json().message).toBe('“成立日期”的值“2024-13-45”格式不正确')
    const missing = await post({ regionCode: ZHILI, name: '甲队', detail: { level: 'township', teamType: 'grassroots', insured: true } })
    expect(missing.json().message).toBe('缺少必填项“headcount”')
    const leader = await post({ regionCode: ZHILI, name: '甲队', detail: teamDetail({ leaderPersonId: w.foreign }) })
    expect(leader.statusCode).toBe(400)
    expect(leader.json().message).toBe(`“队长”的值“${w.foreign}”不存在或不在您的辖区内`)
    expect(leader.json().details).toEqual([{ field: 'detail.leaderPersonId', value: w.foreign }])
    const blank = await post({ regionCode: ZHILI, name: '   ', detail: teamDetail() })
    expect(blank.json().message).toBe('“队伍名称”的值“   ”不能为空')
    const { total } = (await w.wuxing.request({ url: '/api/resources/team?q=%E7%94%B2' })).json()
    expect(total).toBe(0)
  })

  it('warns about a village team below 10 and an expired insurance', async () => {
    const t = await addResource(w.wuxing, 'team', {
      regionCode: ZHILI_VILLAGE, name: '某村应急救援队', responsiblePersonId: w.silent,
      detail: teamDetail({ level: 'village', headcount: 8, insuranceUntil: '2020-06-30' }),
    })
    expect(t.warnings).toEqual([
      '队伍负责人未登记联系电话',
      '村（社区）级队伍应不少于 10 人，现有 8 人',
      '队员人身意外伤害保险已于 2020-06-30 到期',
    ])
  })

  it('filters by level, type, speciality, name, status and region, sorts and pages', async () => {
    await addResource(w.wuxing, 'team', { regionCode: ZHILI, name: '织里镇森林消防队', status: 'inactive', detail: teamDetail({ teamType: 'professional', specialities: ['森林灭火'] }) })
    await addResource(w.wuxing, 'team', { regionCode: '330502000000', name: '吴兴区防汛抢险队', detail: teamDetail({ level: 'county', teamType: 'professional', specialities: ['防汛抗旱'] }) })
    const list = (q: string) => names(w.wuxing, `/api/resources/team?${q}`)
    expect(await list('level=county')).toEqual(['吴兴区防汛抢险队'])
    expect(await list('teamType=professional&sort=name')).toEqual(['吴兴区防汛抢险队', '织里镇森林消防队'])
    expect(await list(`speciality=${encodeURIComponent('森林灭火')}`)).toEqual(['织里镇森林消防队'])
    expect(await list(`q=${encodeURIComponent('森林')}`)).toEqual(['织里镇森林消防队'])
    expect(await list('status=inactive')).toEqual(['织里镇森林消防队'])
    expect(await list(`regionCode=${ZHILI_VILLAGE}`)).toEqual(['某村应急救援队'])
    expect(await list('level=village')).toEqual(['某村应急救援队'])
    expect(await list('sort=region&order=asc')).toEqual(['吴兴区防汛抢险队', '织里镇森林消防队', '织里镇综合应急救援队', '某村应急救援队'])
    const page = (await w.wuxing.request({ url: '/api/resources/team?sort=name&order=desc&pageSize=2&page=2' })).json()
    expect(page.total).toBe(4)
    expect(page.items.map((i: { name: string }) => i.name)).toEqual(['某村应急救援队', '吴兴区防汛抢险队'])
    const bad = await w.wuxing.request({ url: '/api/resources/team?storageKind=point' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toBe('查询参数含有不认识的字段“storageKind”')
  })

  it('updates with the version, keeps the history and refuses a stale version', async () => {
    const t = await addResource(w.wuxing, 'team', { regionCode: ZHILI, name: '织里镇水上救援队', detail: teamDetail({ headcount: 31 }) })
    const put = (version: number, headcount: number) => w.wuxing.request({
      method: 'PUT', url: `/api/resources/team/${t.id}`,
      payload: { regionCode: ZHILI, name: '织里镇水上救援队', responsiblePersonId: w.head, detail: teamDetail({ headcount }), version },
    })
    const first = await put(1, 40)
    expect(first.statusCode).toBe(200)
    expect(first.json()).toMatchObject({ version: 2, responsible: { id: w.head }, detail: { headcount: 40 } })
    const stale = await put(1, 50)
    expect(stale.statusCode).toBe(409)
    expect(stale.json()).toMatchObject({ code: 'STALE_VERSION', message: '应急救援队伍“织里镇水上救援队”已被他人修改，请刷新后再提交' })
    const got = (await w.wuxing.request({ url: `/api/resources/team/${t.id}` })).json()
    expect(got.detail.headcount).toBe(40)
    expect(got.history.map((h: { action: string }) => h.action)).toEqual(['resource.updated', 'resource.created'])
    expect(got.history[0]).toMatchObject({
      actorName: expect.stringContaining('测试county_manager'), actionLabel: '修改应急资源',
      before: { version: 1, detail: { headcount: 31 } }, after: { version: 2, detail: { headcount: 40 } },
    })
  })

  it('refuses to delete a team that still holds supplies, then deletes it', async () => {
    const t = await addResource(w.wuxing, 'team', { regionCode: ZHILI, name: '织里镇抢险突击队', detail: teamDetail() })
    const supply = await w.app.db.insertInto('supply').values({ regionCode: ZHILI, classCode: '2000000', name: '救生衣', teamId: t.id }).returning('id').executeTakeFirstOrThrow()
    const refused = await w.wuxing.request({ method: 'DELETE', url: `/api/resources/team/${t.id}?version=1` })
    expect(refused.statusCode).toBe(409)
    expect(refused.json()).toMatchObject({ code: 'IN_USE', message: '应急救援队伍“织里镇抢险突击队”下还登记有 1 条物资装备，请先将这些物资装备调往他处或删除，再删除该记录' })
    await w.app.db.deleteFrom('supply').where('id', '=', supply.id).execute()
    const stale = await w.wuxing.request({ method: 'DELETE', url: `/api/resources/team/${t.id}?version=7` })
    expect(stale.statusCode).toBe(409)
    const ok = await w.wuxing.request({ method: 'DELETE', url: `/api/resources/team/${t.id}?version=1` })
    expect(ok.statusCode).toBe(200)
    expect((await w.wuxing.request({ url: `/api/resources/team/${t.id}` })).statusCode).toBe(404)
    expect(await w.app.db.selectFrom('team').select('resourceId').where('resourceId', '=', t.id).execute()).toEqual([])
    const audit = await w.app.db.selectFrom('auditLog').select(['before']).where('action', '=', 'resource.deleted').where('entityId', '=', String(t.id)).executeTakeFirstOrThrow()
    expect(audit.before).toMatchObject({ name: '织里镇抢险突击队', detail: { level: 'township' } })
  })
})
