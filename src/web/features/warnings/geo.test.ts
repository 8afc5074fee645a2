import { describe, expect, it } from 'vitest'
import { capRingToGeo, circleRing, clickedRingToCap, targetShapes } from './geo.js'

describe('circleRing', () => {
  it('is closed and keeps every point at the radius from the centre', () => {
    const ring = circleRing(120, 30, 5, 32)
    expect(ring).toHaveLength(33)
    expect(ring[0]).toEqual(ring[32])
    // 5 km north of 30°N is about 0.045° of latitude.
    const north = ring[0]
    expect(north[0]).toBeCloseTo(120, 5)
    expect(north[1] - 30).toBeCloseTo(5 / 111.195, 3)
  })
})

describe('clickedRingToCap', () => {
  it('needs three points, swaps to [lat, lng] and closes the ring', () => {
    expect(clickedRingToCap([[120, 30], [121, 30]])).toBeNull()
    expect(clickedRingToCap([[120, 30], [121, 30], [121, 31]])).toEqual([[30, 120], [30, 121], [31, 121], [30, 120]])
  })

  it('does not close a ring twice', () => {
    expect(clickedRingToCap([[120, 30], [121, 30], [121, 31], [120, 30]])).toHaveLength(4)
  })
})

describe('targetShapes', () => {
  it('draws circles and polygons in GeoJSON order', () => {
    const fc = targetShapes({ circles: [{ lat: 30, lng: 120, radiusKm: 1 }], polygons: [[[30, 120], [30, 121], [31, 121], [30, 120]]] })
    expect(fc.features.map((f) => f.properties.kind)).toEqual(['circle', 'polygon'])
    expect(fc.features[1].geometry.coordinates[0][1]).toEqual([121, 30])
    expect(capRingToGeo([[31, 121]])).toEqual([[121, 31]])
  })
})
