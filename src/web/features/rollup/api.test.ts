import { describe, expect, it } from 'vitest'
import { exportUrl } from './api.js'

describe('exportUrl', () => {
  it('carries the page’s filters and leaves the blank ones out', () => {
    expect(exportUrl('supplies', { regionCode: '330502000000', classCode: undefined, isEquipment: false })).toBe('/api/rollup/supplies/export?regionCode=330502000000&isEquipment=false')
    expect(exportUrl('freshness', {})).toBe('/api/rollup/freshness/export')
  })
})
