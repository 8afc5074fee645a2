import { describe, expect, it } from 'vitest'
import { parseDegrees } from './degrees.js'

describe('parseDegrees', () => {
  it('reads decimal degrees with or without marks and hemispheres', () => {
    expect(parseDegrees('120.0865')).toBe(120.0865)
    expect(parseDegrees(' 120.0865° ')).toBe(120.0865)
    expect(parseDegrees('E120.0865')).toBe(120.0865)
    expect(parseDegrees('东经120.0865')).toBe(120.0865)
    expect(parseDegrees('１２０．５')).toBe(120.5)
    expect(parseDegrees('-33.5')).toBe(-33.5)
    expect(parseDegrees('33.5S')).toBe(-33.5)
  })

  it('reads degrees, minutes and seconds in the forms people type', () => {
    expect(parseDegrees('120°5′11″')).toBeCloseTo(120 + 5 / 60 + 11 / 3600, 10)
    expect(parseDegrees(`120°5'11"E`)).toBeCloseTo(120 + 5 / 60 + 11 / 3600, 10)
    expect(parseDegrees('30度52分2.4秒')).toBeCloseTo(30 + 52 / 60 + 2.4 / 3600, 10)
    expect(parseDegrees('北纬30°52.5′')).toBeCloseTo(30 + 52.5 / 60, 10)
    expect(parseDegrees('120 5 11')).toBeCloseTo(120 + 5 / 60 + 11 / 3600, 10)
  })

  it('refuses what is not a number of degrees', () => {
    for (const text of ['', '一百二十', '120,5', '120°65′', '120.5°30′', '120°5′61″', '1.2.3', '120 5 11 3', 'abc120']) {
      expect(parseDegrees(text), text).toBeNull()
    }
  })
})
