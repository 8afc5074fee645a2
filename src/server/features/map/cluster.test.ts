import { describe, expect, it } from 'vitest'
import { cellDegrees, mergeCells } from './cluster.js'

describe('grid clustering', () => {
  it('halves the cell at each zoom step, ~60 px wide', () => {
    expect(cellDegrees(0)).toBeCloseTo(360 * 60 / 256)
    expect(cellDegrees(10) / cellDegrees(11)).toBeCloseTo(2)
  })

  it('merges the families of a cell: counts add, position is the weighted mean, one record stays itself', () => {
    const merged = mergeCells([
      [{ cx: 1, cy: 1, n: 3, lng: 120, lat: 30, id: 5, byLayer: { team: 2, shelter: 1 } }, { cx: 2, cy: 1, n: 1, lng: 121, lat: 30, id: 9, byLayer: { team: 1 } }],
      [{ cx: 1, cy: 1, n: 1, lng: 124, lat: 31, id: 7, byLayer: { supply: 1 } }],
    ])
    const cluster = merged.find((c) => c.n === 4)!
    expect(cluster).toMatchObject({ lng: 121, lat: 30.25, byLayer: { team: 2, shelter: 1, supply: 1 }, single: null })
    expect(merged.find((c) => c.n === 1)!.single).toEqual({ layer: 'team', id: 9 })
  })
})
