import { describe, expect, it } from 'vitest'
import { RESOURCE_KIND_KEYS } from '../../../domain/resources/kinds.js'
import { roundCoord } from '../../../domain/map/crs.js'
import { PLACE_KINDS, placedAt, placeLabel } from './placing.js'

describe('roundCoord', () => {
  it('keeps six decimals', () => {
    expect(roundCoord(120.08681234567)).toBe(120.086812)
    expect(roundCoord(30.8944449)).toBe(30.894445)
    expect(roundCoord(-0.0000001)).toBe(0)
  })
})

describe('placedAt', () => {
  it('rounds a click inside 湖州市', () => {
    expect(placedAt(120.123456789, 30.87654321)).toEqual({ lng: 120.123457, lat: 30.876543 })
  })

  it('wraps longitudes reported past the antimeridian', () => {
    expect(placedAt(480.1, 30)).toEqual({ lng: 120.1, lat: 30 })
    expect(placedAt(-239.9, 30)).toEqual({ lng: 120.1, lat: 30 })
  })
})

describe('PLACE_KINDS', () => {
  it('offers every resource kind and supplies, once each', () => {
    const keys = PLACE_KINDS.map((k) => k.key)
    expect(new Set(keys).size).toBe(keys.length)
    expect([...keys].sort()).toEqual([...RESOURCE_KIND_KEYS, 'supply'].sort())
    expect(placeLabel('storage_point')).toBe('储备点')
  })
})
