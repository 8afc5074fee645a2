import { describe, expect, it } from 'vitest'
import { ERROR_CODES, isErrorCode } from './errors.js'

describe('error codes', () => {
  it('lists each code once, one code per meaning', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length)
    expect(isErrorCode('OUT_OF_JURISDICTION')).toBe(true)
    // Merged into OUT_OF_JURISDICTION (403): a record outside the jurisdiction has one code.
    expect(isErrorCode('NOT_IN_JURISDICTION')).toBe(false)
    expect(isErrorCode(42)).toBe(false)
  })
})
