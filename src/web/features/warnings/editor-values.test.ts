import dayjs from 'dayjs'
import { describe, expect, it } from 'vitest'
import { DEFAULT_LADDERS } from '../../../domain/warnings/ladder.js'
import type { Warning } from './api.js'
import { autoHeadline, newValues, toInput, toValues } from './editor-values.js'

const stored: Warning = {
  id: 7, purpose: 'warning', status: 'draft', identifier: null, revision: 1, regionCode: '330502000000', regionName: '吴兴区',
  eventClass: 'natural', eventType: '暴雨', level: 2, headline: '吴兴区应急管理局发布暴雨橙色预警',
  description: '强降雨', instruction: '转移群众', areaDesc: '月河街道', senderName: '吴兴区应急管理局',
  onset: '2026-07-01T00:00:00.000Z', expires: null, issuedAt: null,
  target: { regions: ['330502001000'], polygons: [], circles: [{ lat: 30.8, lng: 120.1, radiusKm: 3 }], roles: ['head', 'no_such_role'], groupIds: [4] },
  channels: ['inapp', 'sms', 'fax'], ladder: DEFAULT_LADDERS[2], source: 'manual', rejectedReason: null, endReason: null, endedAt: null,
  fullyConfirmedAt: null, createdBy: 1, createdByName: null, submittedBy: null, approvedBy: null, approvedByName: null, authors: [1],
  version: 3, createdAt: '2026-07-01T00:00:00.000Z', updatedAt: '2026-07-01T00:00:00.000Z', steps: [],
}

describe('editor values', () => {
  it('round-trips a stored draft, dropping roles and channels the server would refuse', () => {
    const input = toInput(toValues(stored))
    expect(input).toMatchObject({
      regionCode: '330502000000', eventClass: 'natural', level: 2, onset: '2026-07-01T00:00:00.000Z', expires: null,
      channels: ['inapp', 'sms'],
      target: { regions: ['330502001000'], circles: [{ lat: 30.8, lng: 120.1, radiusKm: 3 }], polygons: [], roles: ['head'], groupIds: [4] },
    })
  })

  it('trims what people type and sends times as ISO strings', () => {
    const v = { ...newValues({ regionCode: '330502000000', regionName: '吴兴区' }, dayjs('2026-07-01T08:00:00+08:00')), level: 2 as const }
    const input = toInput({ ...v, eventType: ' 山洪 ', headline: ' 标题 ', description: '  事项', instruction: '措施 ', areaDesc: ' 范围 ' })
    expect(input).toMatchObject({ eventType: '山洪', headline: '标题', description: '事项', instruction: '措施', areaDesc: '范围' })
    expect(input.onset).toBe('2026-07-01T00:00:00.000Z')
    expect(input.expires).toBe('2026-07-02T00:00:00.000Z')
    expect(input.senderName).toBe('吴兴区应急管理局')
    // Empty roles: the server takes each region's work group (default warning roles).
    expect(input.target.roles).toEqual([])
  })

  it('words the headline the usual way once sender, type and level are known', () => {
    expect(autoHeadline('吴兴区应急管理局', '暴雨', 2)).toBe('吴兴区应急管理局发布暴雨橙色预警')
    expect(autoHeadline('吴兴区应急管理局', '', 2)).toBe('')
  })
})
