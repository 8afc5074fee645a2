/**
 * Where a warning goes: region subtrees and/or shapes, narrowed to responsibility roles, plus
 * chosen linkage groups. Stored as jsonb on the warning.
 */
export type WarningTarget = {
  /** Region codes; each stands for its whole subtree. */
  regions: string[]
  /** Closed rings of [lat, lng] (CAP order), WGS84. */
  polygons: Array<Array<[number, number]>>
  circles: Array<{ lat: number; lng: number; radiusKm: number }>
  /** Responsibility roles reached inside the area; empty means DEFAULT_WARNING_ROLES. */
  roles: string[]
  /** Linkage groups whose members are reached wherever they are. */
  groupIds: number[]
}

export function emptyTarget(): WarningTarget {
  return { regions: [], polygons: [], circles: [], roles: [], groupIds: [] }
}

export function isEmptyTarget(t: WarningTarget): boolean {
  return t.regions.length === 0 && t.polygons.length === 0 && t.circles.length === 0 && t.groupIds.length === 0
}
