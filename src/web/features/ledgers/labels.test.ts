import { describe, expect, it } from 'vitest'
import { summaryLines } from './labels.js'

describe('summaryLines', () => {
  it('names each entity in Chinese with its counts', () => {
    expect(summaryLines({ supply: { created: 12, updated: 3, unchanged: 5 }, storagePoint: { created: 1, updated: 0, unchanged: 0 } }))
      .toEqual(['物资装备：新增 12、更新 3、未变 5', '储备点：新增 1、更新 0、未变 0'])
  })

  it('is empty before the commit', () => {
    expect(summaryLines(null)).toEqual([])
  })
})
