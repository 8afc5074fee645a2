import { describe, expect, it } from 'vitest'
import { telHref } from './format.js'

describe('telHref', () => {
  it('dials mobiles, landlines and extensions as digits, the extension after a pause', () => {
    expect(telHref('13857200003')).toBe('tel:13857200003')
    expect(telHref('0572-2100001')).toBe('tel:05722100001')
    expect(telHref('0572-2100001-12')).toBe('tel:05722100001,12')
    expect(telHref(' +86 138 5720 0003 ')).toBe('tel:+8613857200003')
  })
})
