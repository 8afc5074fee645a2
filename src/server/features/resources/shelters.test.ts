import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addResource, names, shelterDetail, world, ZHILI, ZHILI_VILLAGE, type World } from './test-fixtures.js'

let w: World

beforeAll(async () => { w = await world() })
afterAll(async () => { await w.app.close() })

const post = (payload: Record<string, unknown>) => w.wuxing.request({ method: 'POST', url: '/api/resources/shelter', payload })

describe('shelters', () => {
  it('refuses a capacity the area cannot hold, naming both numbers, and stores nothing', async () => {
    const res = await post({ regionCode: ZHILI, name: '织里镇文体广场', detail: shelterDetail({ effectiveAreaM2: 1500, capacity: 2000 }) })
    expect(res.statusCode).toBe(400)
    expect(res.json().message).toBe('“可容纳人数”的值“2000”超过有效面积 1500 m² 按人均 1.5 m² 可容纳的 1000 人')
    expect(res.json().details).toEqual([{ field: 'detail.capacity', value: 2000 }])
    const area = await post({ regionCode: ZHILI, name: '织里镇文体广场', detail: shelterDetail({ effectiveAreaM2: 0 }) })
    expect(area.json().message).toBe('“有效面积（m²）”的值“0”必须大于 0')
    const cls = await post({ regionCode: ZHILI, name: '织里镇文体广场', detail: shelterDetail({ gb21734Class: 'IV' }) })
    expect(cls.json().message).toBe('“GB 21734 类别”的值“IV”不是允许的取值')
    expect(await w.app.db.selectFrom('resource').select('id').where('kind', '=', 'shelter').execute()).toEqual([])
  })

  it('accepts exactly the limit and shows labels, limit and area per person', async () => {
    const s = await addResource(w.wuxing, 'shelter', {
      regionCode: ZHILI, name: '织里镇文体广场应急避难场所', responsiblePersonId: w.head,
      detail: shelterDetail({ effectiveAreaM2: 1500, capacity: 1000, facilities: ['供水', ' 供电 ', '供水', ''] }),
    })
    expect(s.detail).toEqual({
      gb21734Class: 'III', gb21734ClassLabel: 'Ⅲ类（≤10天）', level: 'township', levelLabel: '乡镇（街道）级',
      spaceType: 'outdoor', spaceTypeLabel: '室外（场地型）', effectiveAreaM2: 1500, capacity: 1000, capacityLimit: 1000,
      m2PerPerson: 1.5, facilities: ['供水', '供电'],
    })
    expect(s.warnings).toEqual(['有效面积 1500 m² 小于 GB 21734 建议的 2000 m²'])
  })

  it('checks the capacity again when the area shrinks on update', async () => {
    const s = await addResource(w.wuxing, 'shelter', { regionCode: ZHILI_VILLAGE, name: '某村文化礼堂', detail: shelterDetail({ spaceType: 'indoor', gb21734Class: null, level: 'village', effectiveAreaM2: 600, capacity: 300 }) })
    expect(s.warnings).toEqual(['未指定场所负责人'])
    const res = await w.wuxing.request({
      method: 'PUT', url: `/api/resources/shelter/${s.id}`,
      payload: { regionCode: ZHILI_VILLAGE, name: '某村文化礼堂', version: 1, detail: shelterDetail({ spaceType: 'indoor', effectiveAreaM2: 300, capacity: 300 }) },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().message).toBe('“可容纳人数”的值“300”超过有效面积 300 m² 按人均 1.5 m² 可容纳的 200 人')
    const got = (await w.wuxing.request({ url: `/api/resources/shelter/${s.id}` })).json()
    expect(got).toMatchObject({ version: 1, detail: { effectiveAreaM2: 600 } })
  })

  it('filters by GB 21734 class, space type and level', async () => {
    const list = (q: string) => names(w.wuxing, `/api/resources/shelter?${q}`)
    expect(await list('gbClass=III')).toEqual(['织里镇文体广场应急避难场所'])
    expect(await list('spaceType=indoor')).toEqual(['某村文化礼堂'])
    expect(await list('level=village')).toEqual(['某村文化礼堂'])
    expect(await list('level=township&spaceType=indoor')).toEqual([])
    const bad = await w.wuxing.request({ url: '/api/resources/shelter?level=enterprise' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toBe('“场所级别”的值“enterprise”不是允许的取值')
  })
})
