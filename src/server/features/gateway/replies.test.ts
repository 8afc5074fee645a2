import { describe, expect, it } from 'vitest'
import { isConfirmation } from './replies.js'

describe('isConfirmation', () => {
  it('accepts 1 and 收到 as people type them', () => {
    for (const text of ['1', '１', ' 1 ', '收到', '已收到', '确认', '收到！', '收到了。', '【收到】', '确认收到']) {
      expect(isConfirmation(text), text).toBe(true)
    }
  })

  it('refuses anything else, including questions and other digits', () => {
    for (const text of ['', '2', '11', '没收到', '收到吗？', '不确认', '什么情况', 'TD']) {
      expect(isConfirmation(text), text).toBe(false)
    }
  })
})
