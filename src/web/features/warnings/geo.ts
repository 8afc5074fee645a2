import { roundCoord } from '../../../domain/map/crs.js'
import type { WarningTarget } from '../../../domain/warnings/target.js'

const EARTH_RADIUS_KM = 6371.0088

type LngLat = [number, number]

/** The drawn part of a target. */
export type Shapes = Pick<WarningTarget, 'circles' | 'polygons'>

/** A circle as a closed GeoJSON ring of `steps` points ([lng, lat]), for drawing only. */
export function circleRing(lng: number, lat: number, radiusKm: number, steps = 64): LngLat[] {
  const ring: LngLat[] = []
  const d = radiusKm / EARTH_RADIUS_KM
  const φ1 = (lat * Math.PI) / 180
  const λ1 = (lng * Math.PI) / 180
  for (let i = 0; i <= steps; i++) {
    const θ = ((i % steps) / steps) * 2 * Math.PI
    const φ2 = Math.asin(Math.sin(φ1) * Math.cos(d) + Math.cos(φ1) * Math.sin(d) * Math.cos(θ))
    const λ2 = λ1 + Math.atan2(Math.sin(θ) * Math.sin(d) * Math.cos(φ1), Math.cos(d) - Math.sin(φ1) * Math.sin(φ2))
    ring.push([roundCoord((λ2 * 180) / Math.PI), roundCoord((φ2 * 180) / Math.PI)])
  }
  return ring
}


/** CAP rings are [lat, lng] (target.ts); GeoJSON wants [lng, lat]. */
export function capRingToGeo(ring: Array<[number, number]>): LngLat[] {
  return ring.map(([lat, lng]) => [lng, lat])
}

/** A ring the user clicked ([lng, lat] points), closed and in CAP order; null below three points. */
export function clickedRingToCap(points: LngLat[]): Array<[number, number]> | null {
  if (points.length < 3) return null
  const ring = points.map(([lng, lat]) => [roundCoord(lat), roundCoord(lng)] as [number, number])
  const [first, last] = [ring[0], ring[ring.length - 1]]
  if (first[0] !== last[0] || first[1] !== last[1]) ring.push([first[0], first[1]])
  return ring
}

type Shape = { type: 'Feature'; properties: { kind: 'circle' | 'polygon'; index: number }; geometry: { type: 'Polygon'; coordinates: LngLat[][] } }

/** The target's shapes as one GeoJSON collection for the editor's map. */
export function targetShapes(t: Pick<WarningTarget, 'circles' | 'polygons'>): { type: 'FeatureCollection'; features: Shape[] } {
  const features: Shape[] = [
    ...t.circles.map((c, index): Shape => ({
      type: 'Feature', properties: { kind: 'circle', index }, geometry: { type: 'Polygon', coordinates: [circleRing(c.lng, c.lat, c.radiusKm)] },
    })),
    ...t.polygons.map((p, index): Shape => ({
      type: 'Feature', properties: { kind: 'polygon', index }, geometry: { type: 'Polygon', coordinates: [capRingToGeo(p)] },
    })),
  ]
  return { type: 'FeatureCollection', features }
}
