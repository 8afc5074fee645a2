import { describe, expect, it } from 'vitest'
import { classTree, formatQuantity } from './class-tree.js'

describe('classTree', () => {
  it('nests classes under their parents in code order', () => {
    const tree = classTree([
      { code: '2010000', name: '救生器材', parentCode: '2000000' },
      { code: '2000000', name: '应急装备及配套物资', parentCode: null },
      { code: '1000000', name: '基本生活保障物资', parentCode: null },
      { code: '2010100', name: '救生衣', parentCode: '2010000' },
    ])
    expect(tree.map((n) => n.value)).toEqual(['1000000', '2000000'])
    expect(tree[1].children[0].value).toBe('2010000')
    expect(tree[1].children[0].children[0]).toMatchObject({ value: '2010100', title: '2010100 救生衣', name: '救生衣' })
  })

  it('keeps a class whose parent is missing at the top', () => {
    const tree = classTree([{ code: '3010000', name: '防汛材料', parentCode: '3000000' }])
    expect(tree.map((n) => n.value)).toEqual(['3010000'])
  })
})

describe('formatQuantity', () => {
  it('groups thousands and keeps decimals', () => {
    expect(formatQuantity(1200.5)).toBe('1,200.5')
    expect(formatQuantity(0)).toBe('0')
    expect(formatQuantity(null)).toBe('—')
  })
})
