import { describe, expect, it } from 'vitest'
import { bd09ToGcj02, fromWgs84, gcj02ToBd09, gcj02ToWgs84, inChinaBounds, toWgs84, wgs84ToGcj02, type LngLat } from './crs.js'

// Reference pairs from gcoord's published unit tests (hujiulong/gcoord, test/unit/crs/*.spec.ts).
const close = (got: LngLat, want: LngLat, digits = 5) => {
  expect(got[0]).toBeCloseTo(want[0], digits)
  expect(got[1]).toBeCloseTo(want[1], digits)
}

describe('coordinate conversion', () => {
  it('WGS84 → GCJ-02 and BD-09', () => {
    close(wgs84ToGcj02([123, 45]), [123.00607541, 45.00197815])
    close(fromWgs84([123, 45], 'BD09'), [123.0124491, 45.0083293])
  })

  it('GCJ-02 → WGS84 and BD-09', () => {
    close(gcj02ToWgs84([123, 45]), [122.99395597, 44.99804071])
    close(gcj02ToBd09([123, 45]), [123.00636499, 45.00636899])
  })

  it('BD-09 → GCJ-02 and WGS84', () => {
    close(bd09ToGcj02([123, 45]), [122.99363304, 44.9936543])
    close(toWgs84([123, 45], 'BD09'), [122.9876221, 44.9917154])
  })

  it('leaves positions outside China alone', () => {
    expect(wgs84ToGcj02([183, 45])).toEqual([183, 45])
    expect(gcj02ToWgs84([183, 45])).toEqual([183, 45])
  })

  it('round-trips a 湖州 position to well under a metre', () => {
    const huzhou: LngLat = [120.0868, 30.8943]
    close(toWgs84(fromWgs84(huzhou, 'GCJ02'), 'GCJ02'), huzhou, 7)
    close(toWgs84(fromWgs84(huzhou, 'BD09'), 'BD09'), huzhou, 6)
    // The GCJ-02 offset there is a few hundred metres, not zero.
    expect(Math.abs(wgs84ToGcj02(huzhou)[0] - huzhou[0])).toBeGreaterThan(0.002)
  })

  it('range-checks positions against a box around China', () => {
    expect(inChinaBounds([120, 30])).toBe(true)
    expect(inChinaBounds([30, 120])).toBe(false)
    expect(inChinaBounds([0, 0])).toBe(false)
  })
})
