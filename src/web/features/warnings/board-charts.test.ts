import { describe, expect, it } from 'vitest'
import { confirmationCurve, levelBars, regionBars } from './board-charts.js'
import { formatDuration, percent, stepLabel } from '../../lib/warning-labels.js'

const counts = (acknowledged: number, pending: number, escalated = 0, unreachable = 0) =>
  ({ acknowledged, pending, escalated, unreachable, recipients: acknowledged + pending + escalated + unreachable })

describe('levelBars', () => {
  it('orders levels county, township, village and stacks the four states', () => {
    const o = levelBars([{ level: 'village', ...counts(1, 2) }, { level: 'county', ...counts(3, 0) }, { level: 'township', ...counts(0, 1, 1) }])
    expect((o.yAxis as { data: string[] }).data).toEqual(['区县级', '乡镇街道级', '村社区级'])
    const series = o.series as Array<{ name: string; data: number[] }>
    expect(series.map((s) => s.name)).toEqual(['已确认', '未确认', '已升级', '联系不上'])
    expect(series[0].data).toEqual([3, 0, 1])
    expect(series[2].data).toEqual([0, 1, 0])
  })
})

describe('regionBars', () => {
  it('puts the least confirmed region first, leaves out regions nobody was sent to, keeps codes aligned', () => {
    const { option, codes } = regionBars([
      { code: '330502001000', name: '甲街道', ...counts(5, 0) },
      { code: '330502002000', name: '乙街道', ...counts(1, 4) },
      { code: '330502003000', name: '丙镇', ...counts(0, 0) },
      { code: '330502004000', name: '丁镇', ...counts(0, 2) },
    ])
    expect(codes).toEqual(['330502004000', '330502002000', '330502001000'])
    expect((option.yAxis as { data: string[] }).data).toEqual(['丁镇', '乙街道', '甲街道'])
  })
})

describe('percent', () => {
  it('never shows 100 before everyone has confirmed, nor 0 once someone has', () => {
    expect(percent(999, 1000)).toBe(99.9)
    expect(percent(9999, 10000)).toBe(99.9)
    expect(percent(1000, 1000)).toBe(100)
    expect(percent(3, 367)).toBe(0.8)
    expect(percent(1, 100_000)).toBe(0.1)
    expect(percent(0, 367)).toBe(0)
    expect(percent(0, 0)).toBe(0)
  })
})

describe('stepLabel', () => {
  it('names each kind of notice for what it is', () => {
    expect(stepLabel(-1)).toBe('撤销/解除通知')
    expect(stepLabel(-2)).toBe('叫应升级通知')
    expect(stepLabel(-3)).toBe('叫应升级汇总')
    expect(stepLabel(0)).toBe('首轮')
    expect(stepLabel(2)).toBe('语音第 2 次')
    expect(stepLabel(4, 'escalated')).toBe('已升级')
  })
})

describe('confirmationCurve', () => {
  it('draws confirmed and reached people over time, cumulative', () => {
    const o = confirmationCurve([
      { at: '2026-07-20T15:30:00.000Z', acknowledged: 0, recipients: 0 },
      { at: '2026-07-20T15:31:00.000Z', acknowledged: 3, recipients: 481 },
      { at: '2026-07-20T15:32:00.000Z', acknowledged: 240, recipients: 481 },
    ])
    const series = o.series as Array<{ name: string; data: Array<[string, number]> }>
    expect(series.map((s) => s.name)).toEqual(['已确认', '接收人'])
    expect(series[0].data.map((d) => d[1])).toEqual([0, 3, 240])
    expect(series[1].data.map((d) => d[1])).toEqual([0, 481, 481])
  })
})

describe('formatDuration', () => {
  it('reads as minutes and seconds, hours and minutes, or days', () => {
    expect(formatDuration(45)).toBe('45 秒')
    expect(formatDuration(200)).toBe('3 分 20 秒')
    expect(formatDuration(3900)).toBe('1 小时 5 分')
    expect(formatDuration(90000)).toBe('1 天 1 小时')
    expect(formatDuration(null)).toBe('—')
  })
})
