import { describe, expect, it } from 'vitest'
import { annexOptions, summaryLines } from './labels.js'

describe('summaryLines', () => {
  it('names each entity in Chinese with its counts', () => {
    expect(summaryLines({ supply: { created: 12, updated: 3, unchanged: 5 }, storagePoint: { created: 1, updated: 0, unchanged: 0 } }))
      .toEqual(['物资装备：新增 12、更新 3、未变 5', '储备点：新增 1、更新 0、未变 0'])
  })

  it('is empty before the commit', () => {
    expect(summaryLines(null)).toEqual([])
  })
})

describe('summaryLines of the other ledgers', () => {
  it('names experts, agreements and leading-group members', () => {
    expect(summaryLines({
      expert: { created: 3, updated: 0, unchanged: 1 }, agreement: { created: 2, updated: 1, unchanged: 0 }, groupMember: { created: 4, updated: 0, unchanged: 0 },
    })).toEqual(['应急专家：新增 3、更新 0、未变 1', '保供协议：新增 2、更新 1、未变 0', '领导小组成员：新增 4、更新 0、未变 0'])
  })
})

describe('annexOptions', () => {
  it('lists annexes 1–7 in their order first, then the other ledgers as the server gives them', () => {
    const list = [
      { key: 'annex2', fullTitle: '附件2 应急救援队伍汇总' }, { key: 'annex10', fullTitle: '附件10 假设' }, { key: 'experts', fullTitle: '应急专家信息表' },
      { key: 'shelters', fullTitle: '应急避难场所信息表' }, { key: 'annex1', fullTitle: '附件1 应急工作领导小组成员名单' },
    ]
    expect(annexOptions(list)).toEqual([
      { label: '排摸方案附件', options: [
        { value: 'annex1', label: '附件1 应急工作领导小组成员名单' }, { value: 'annex2', label: '附件2 应急救援队伍汇总' }, { value: 'annex10', label: '附件10 假设' },
      ] },
      { label: '其他台账', options: [{ value: 'experts', label: '应急专家信息表' }, { value: 'shelters', label: '应急避难场所信息表' }] },
    ])
  })
})
