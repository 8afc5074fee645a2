import { auditFeature } from '../features/audit/routes.js'
import { leadingGroupsFeature, peopleFeature, unitsFeature } from '../features/directory/routes.js'
import { homeFeature } from '../features/home/routes.js'
import { usersFeature } from '../features/users/routes.js'
import type { Feature } from './feature.js'

/** Every page of the app, in menu order: one visible list, as on the server. */
export const features: readonly Feature[] = [
  homeFeature,
  unitsFeature,
  peopleFeature,
  leadingGroupsFeature,
  usersFeature,
  auditFeature,
]
