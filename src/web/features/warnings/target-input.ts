import { RESPONSIBILITY_ROLE_KEYS, type ResponsibilityRole } from '../../../domain/people/units.js'
import type { TargetInput } from './api.js'

const isRole = (v: string): v is ResponsibilityRole => (RESPONSIBILITY_ROLE_KEYS as string[]).includes(v)

type Loose = {
  regions?: string[]
  polygons?: Array<Array<[number, number]>>
  circles?: Array<{ lat: number; lng: number; radiusKm: number }>
  roles?: string[]
  groupIds?: number[]
}

/** A target as the server accepts it, from form values or a stored warning (roles as plain strings). */
export function targetInput(t: Loose): TargetInput {
  return {
    regions: t.regions ?? [],
    polygons: t.polygons ?? [],
    circles: t.circles ?? [],
    roles: (t.roles ?? []).filter(isRole),
    groupIds: t.groupIds ?? [],
  }
}
