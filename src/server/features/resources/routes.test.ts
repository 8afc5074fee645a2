import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  addResource, names, NANXUN, NANXUN_TOWN, storageDetail, teamDetail, world, WUXING, ZHILI, ZHILI_VILLAGE, type World,
} from './test-fixtures.js'

let w: World

beforeAll(async () => { w = await world() })
afterAll(async () => { await w.app.close() })

describe('every kind', () => {
  it('answers an unknown kind with a Chinese 400', async () => {
    for (const req of [
      { method: 'GET', url: '/api/resources/boats' },
      { method: 'POST', url: '/api/resources/boats', payload: {} },
      { method: 'GET', url: '/api/resources/boats/1' },
      { method: 'DELETE', url: '/api/resources/boats/1?version=1' },
      { method: 'POST', url: '/api/resources/boats/1/confirm', payload: { version: 1 } },
    ] as const) {
      const res = await w.wuxing.request(req)
      expect(res.statusCode, req.url).toBe(400)
      expect(res.json().code).toBe('UNKNOWN_KIND')
      expect(res.json().message).toMatch(/^资源类别“boats”不存在，应为 team（应急救援队伍）、expert（应急专家）/)
    }
  })

  it('keeps the sibling county out: lists, reads, writes and references', async () => {
    const theirs = await addResource(w.nanxun, 'storage_point', { regionCode: NANXUN_TOWN, name: '南浔镇应急物资储备点', detail: storageDetail() })
    const ours = await addResource(w.wuxing, 'storage_point', { regionCode: ZHILI, name: '织里镇应急物资储备点', responsiblePersonId: w.head, detail: storageDetail({ keeperPersonId: w.liaison }) })
    expect(await names(w.wuxing, '/api/resources/storage_point')).toEqual(['织里镇应急物资储备点'])
    expect(await names(w.nanxun, '/api/resources/storage_point')).toEqual(['南浔镇应急物资储备点'])
    const list = await w.wuxing.request({ url: `/api/resources/storage_point?regionCode=${NANXUN}` })
    expect(list.statusCode).toBe(403)
    expect(list.json().message).toBe(`区划“${NANXUN}”不在您的辖区内`)
    for (const req of [
      { method: 'GET', url: `/api/resources/storage_point/${theirs.id}` },
      { method: 'PUT', url: `/api/resources/storage_point/${theirs.id}`, payload: { regionCode: ZHILI, name: 'x', version: 1, detail: storageDetail() } },
      { method: 'DELETE', url: `/api/resources/storage_point/${theirs.id}?version=1` },
      { method: 'POST', url: `/api/resources/storage_point/${theirs.id}/confirm`, payload: { version: 1 } },
    ] as const) {
      const res = await w.wuxing.request(req)
      expect(res.statusCode, `${req.method} ${req.url}`).toBe(404)
      expect(res.json().message).toBe(`储备点/储备库“${theirs.id}”不存在或不在您的辖区内`)
    }
    const created = await w.wuxing.request({ method: 'POST', url: '/api/resources/storage_point', payload: { regionCode: NANXUN_TOWN, name: 'x', detail: storageDetail() } })
    expect(created.statusCode).toBe(403)
    expect(created.json().code).toBe('OUT_OF_JURISDICTION')
    const moved = await w.wuxing.request({ method: 'PUT', url: `/api/resources/storage_point/${ours.id}`, payload: { regionCode: NANXUN_TOWN, name: 'x', version: 1, detail: storageDetail() } })
    expect(moved.statusCode).toBe(403)
    for (const [field, title] of [['responsiblePersonId', '负责人'], ['liaisonPersonId', '联络人']]) {
      const res = await w.wuxing.request({ method: 'POST', url: '/api/resources/storage_point', payload: { regionCode: ZHILI, name: 'x', [field]: w.foreign, detail: storageDetail() } })
      expect(res.statusCode).toBe(400)
      expect(res.json().message).toBe(`“${title}”的值“${w.foreign}”不存在或不在您的辖区内`)
      expect(res.json().details).toEqual([{ field, value: w.foreign }])
    }
    const keeper = await w.wuxing.request({ method: 'POST', url: '/api/resources/storage_point', payload: { regionCode: ZHILI, name: 'x', detail: storageDetail({ keeperPersonId: w.foreign }) } })
    expect(keeper.json().message).toBe(`“保管员”的值“${w.foreign}”不存在或不在您的辖区内`)
    const unit = (await w.nanxun.request({ method: 'POST', url: '/api/units', payload: { regionCode: NANXUN_TOWN, name: '南浔镇应急站', kind: 'township_station' } })).json()
    const owner = await w.wuxing.request({ method: 'POST', url: '/api/resources/storage_point', payload: { regionCode: ZHILI, name: 'x', ownerUnitId: unit.id, detail: storageDetail() } })
    expect(owner.json().message).toBe(`“所属单位”的值“${unit.id}”不存在或不在您的辖区内`)
  })

  it('serves a record only under its own kind', async () => {
    const s = (await w.wuxing.request({ url: '/api/resources/storage_point' })).json().items[0]
    expect((await w.wuxing.request({ url: `/api/resources/team/${s.id}` })).statusCode).toBe(404)
    expect(s).toMatchObject({ detail: { storageKind: 'point', storageKindLabel: '储备点', areaM2: 120, keeperName: '钱晓燕' }, warnings: [] })
  })

  it('filters storage points by kind and wants both coordinates or neither', async () => {
    await addResource(w.wuxing, 'storage_point', { regionCode: WUXING, name: '吴兴区应急物资储备库', lng: 120.1, lat: 30.87, detail: storageDetail({ storageKind: 'warehouse' }) })
    expect(await names(w.wuxing, '/api/resources/storage_point?storageKind=warehouse')).toEqual(['吴兴区应急物资储备库'])
    const half = await w.wuxing.request({ method: 'POST', url: '/api/resources/storage_point', payload: { regionCode: ZHILI, name: 'x', lng: 120.1, detail: storageDetail() } })
    expect(half.statusCode).toBe(400)
    expect(half.json().message).toBe('“纬度”的值“”未填写：经度和纬度应同时填写')
    const far = await w.wuxing.request({ method: 'POST', url: '/api/resources/storage_point', payload: { regionCode: ZHILI, name: 'x', lng: 200, lat: 30, detail: storageDetail() } })
    expect(far.json().message).toBe('“经度”的值“200”不能大于 180')
  })

  it('lets a viewer read but not write', async () => {
    expect((await w.viewer.request({ url: '/api/resources/team' })).statusCode).toBe(200)
    const res = await w.viewer.request({ method: 'POST', url: '/api/resources/team', payload: { regionCode: ZHILI, name: 'x', detail: teamDetail() } })
    expect(res.statusCode).toBe(403)
  })
})

describe('experts', () => {
  it('must point at the expert in the people directory, whose phone is the contact', async () => {
    const none = await w.wuxing.request({ method: 'POST', url: '/api/resources/expert', payload: { regionCode: WUXING, name: '姚国强', detail: { domain: 'natural' } } })
    expect(none.statusCode).toBe(400)
    expect(none.json().message).toBe('请选择“专家本人（人员名录）”：联系电话取自人员名录，请先在人员名录中登记，再在此选择')
    const silent = await addResource(w.wuxing, 'expert', {
      regionCode: WUXING, name: '姚国强', responsiblePersonId: w.silent,
      detail: { domain: 'natural', groupCode: 'flood', title: '高级工程师', speciality: '水文', workUnit: '湖州市水文站' },
    })
    expect(silent).toMatchObject({
      kindLabel: '应急专家', responsible: { id: w.silent, name: '姚国强', mobile: null }, warnings: ['专家未登记联系电话'],
      detail: { domain: 'natural', domainLabel: '自然灾害', groupCode: 'flood', groupName: '防汛抗旱', title: '高级工程师', speciality: '水文', workUnit: '湖州市水文站' },
    })
    const reachable = await addResource(w.wuxing, 'expert', { regionCode: WUXING, name: '沈建华', responsiblePersonId: w.head, detail: { domain: 'accident', groupCode: 'hazchem' } })
    expect(reachable.warnings).toEqual([])
    expect(reachable.responsible.mobile).toBe('138****0002')
  })

  it('refuses a group of another domain or an unknown group', async () => {
    const wrong = await w.wuxing.request({ method: 'POST', url: '/api/resources/expert', payload: { regionCode: WUXING, name: 'x', responsiblePersonId: w.head, detail: { domain: 'health', groupCode: 'flood' } } })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.json().message).toBe('“专家组别”的值“防汛抗旱”属于“自然灾害”领域，与所选专业领域“公共卫生”不一致')
    const unknown = await w.wuxing.request({ method: 'POST', url: '/api/resources/expert', payload: { regionCode: WUXING, name: 'x', responsiblePersonId: w.head, detail: { domain: 'health', groupCode: 'nope' } } })
    expect(unknown.json().message).toBe('“专家组别”的值“nope”不存在')
  })

  it('filters by domain and group', async () => {
    expect(await names(w.wuxing, '/api/resources/expert?domain=natural')).toEqual(['姚国强'])
    expect(await names(w.wuxing, '/api/resources/expert?groupCode=hazchem')).toEqual(['沈建华'])
  })
})

describe('risk points', () => {
  it('labels, warns about a major hazard without measures or monitor, and filters', async () => {
    const major = await addResource(w.wuxing, 'risk_point', {
      regionCode: ZHILI_VILLAGE, name: '后山地质灾害隐患点', responsiblePersonId: w.head,
      detail: { hazardType: '地质灾害', level: 'major', state: 'monitoring', threatenedPeople: 40 },
    })
    expect(major.detail).toEqual({
      hazardType: '地质灾害', level: 'major', levelLabel: '重大', state: 'monitoring', stateLabel: '监测中',
      monitorPersonId: null, monitorName: null, measures: null, threatenedPeople: 40,
    })
    expect(major.warnings).toEqual(['未指定监测责任人', '重大隐患未填写防范措施'])
    await addResource(w.wuxing, 'risk_point', {
      regionCode: ZHILI, name: '大港路内涝点', responsiblePersonId: w.head,
      detail: { hazardType: '内涝', level: 'general', state: 'eliminated', monitorPersonId: w.liaison },
    })
    const list = (q: string) => names(w.wuxing, `/api/resources/risk_point?${q}`)
    expect(await list(`hazardType=${encodeURIComponent('内涝')}`)).toEqual(['大港路内涝点'])
    expect(await list('riskLevel=major')).toEqual(['后山地质灾害隐患点'])
    expect(await list('state=eliminated')).toEqual(['大港路内涝点'])
    const bad = await w.wuxing.request({ method: 'POST', url: '/api/resources/risk_point', payload: { regionCode: ZHILI, name: 'x', detail: { hazardType: '外星人', level: 'general', state: 'monitoring' } } })
    expect(bad.json().message).toBe('“隐患类型”的值“外星人”不是允许的取值')
  })
})

describe('suppliers', () => {
  it('checks the credit code and warns while no agreement is in force', async () => {
    const bad = await w.wuxing.request({ method: 'POST', url: '/api/resources/supplier', payload: { regionCode: WUXING, name: '某超市', detail: { creditCode: '123' } } })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toBe('“统一社会信用代码”的值“123”应为 18 位（现为 3 位）')
    const s = await addResource(w.wuxing, 'supplier', { regionCode: WUXING, name: '某超市', responsiblePersonId: w.head, detail: { suppliesSummary: '方便面、饮用水' } })
    expect(s.detail).toEqual({ creditCode: null, suppliesSummary: '方便面、饮用水', agreementsInForce: 0, agreementsEnding: 0 })
    expect(s.warnings).toEqual(['没有在有效期内的保供协议'])
  })
})
