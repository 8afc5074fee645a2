import { describe, expect, it } from 'vitest'
import { containsPattern, likeLiteral } from './like.js'
import { paging } from './paging.js'

describe('LIKE escaping', () => {
  it('makes %, _ and \\ typed by a user match themselves', () => {
    expect(likeLiteral('50%_a\\b')).toBe('50\\%\\_a\\\\b')
    expect(containsPattern('月河_1')).toBe('%月河\\_1%')
    expect(containsPattern('应急')).toBe('%应急%')
  })
})

describe('paging', () => {
  it('turns a 1-based page into LIMIT and OFFSET with the list\'s default size', () => {
    expect(paging({})).toEqual({ limit: 20, offset: 0 })
    expect(paging({ page: 3, pageSize: 10 })).toEqual({ limit: 10, offset: 20 })
    expect(paging({ page: 2 }, 50)).toEqual({ limit: 50, offset: 50 })
  })
})
