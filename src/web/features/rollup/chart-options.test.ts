import { describe, expect, it } from 'vitest'
import { barsHeight, missingBars, topClassBars } from './chart-options.js'

describe('topClassBars', () => {
  it('stacks one series per top class over the child regions, zero where a child has none', () => {
    const option = topClassBars([
      { code: '330502001000', name: '月河街道', byTopClass: [{ classCode: '2000000', className: '应急装备及配套物资', lines: 3 }] },
      { code: '330502002000', name: '朝阳街道', byTopClass: [
        { classCode: '1000000', className: '基本生活保障物资', lines: 2 },
        { classCode: '2000000', className: '应急装备及配套物资', lines: 1 },
      ] },
    ])
    expect(option.yAxis).toMatchObject({ data: ['月河街道', '朝阳街道'] })
    const series = option.series as Array<{ name: string; stack: string; data: number[] }>
    expect(series.map((s) => s.name)).toEqual(['基本生活保障物资', '应急装备及配套物资'])
    expect(series.map((s) => s.data)).toEqual([[0, 2], [3, 1]])
    expect(new Set(series.map((s) => s.stack)).size).toBe(1)
  })

  it('has no series when nothing is registered', () => {
    expect(topClassBars([{ code: '1', name: '本级', byTopClass: [] }]).series).toEqual([])
  })
})

describe('missingBars', () => {
  it('puts the most common gap first', () => {
    const option = missingBars([{ label: '无物资', count: 2 }, { label: '无队伍', count: 5 }])
    expect(option.yAxis).toMatchObject({ data: ['无队伍', '无物资'] })
    expect((option.series as Array<{ data: number[] }>)[0].data).toEqual([5, 2])
  })
})

describe('barsHeight', () => {
  it('grows with the rows but never below a readable minimum', () => {
    expect(barsHeight(1)).toBe(200)
    expect(barsHeight(30)).toBeGreaterThan(barsHeight(10))
  })
})
