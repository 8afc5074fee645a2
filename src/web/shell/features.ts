import { auditFeature } from '../features/audit/routes.js'
import { leadingGroupsFeature, peopleFeature, unitsFeature } from '../features/directory/routes.js'
import { homeFeature } from '../features/home/routes.js'
import { inboxFeature } from '../features/inbox/routes.js'
import { ledgersFeature } from '../features/ledgers/routes.js'
import { linkageFeature } from '../features/linkage/routes.js'
import { mapFeature, positionsFeature } from '../features/map/routes.js'
import {
  expertsFeature, resourcePlaceEditors, riskPointsFeature, sheltersFeature, storagePointsFeature, suppliersFeature, teamsFeature,
} from '../features/resources/routes.js'
import { attentionFeature, completenessFeature, rollupFeature } from '../features/rollup/routes.js'
import { gatewaySettingsFeature, issuingSettingsFeature } from '../features/settings/routes.js'
import { suppliesFeature, supplyPlaceEditor } from '../features/supplies/routes.js'
import { usersFeature } from '../features/users/routes.js'
import { boardsFeature, doorKnocksFeature, drillsFeature, warningsFeature } from '../features/warnings/routes.js'
import type { Feature } from './feature.js'
import type { PlaceEditor } from './registry.js'

/** Every page of the app, in menu order: one visible list, as on the server. */
export const features: readonly Feature[] = [
  homeFeature,
  unitsFeature,
  peopleFeature,
  leadingGroupsFeature,
  // 应急资源 submenu
  mapFeature,
  positionsFeature,
  teamsFeature,
  expertsFeature,
  suppliesFeature,
  storagePointsFeature,
  sheltersFeature,
  riskPointsFeature,
  suppliersFeature,
  rollupFeature,
  completenessFeature,
  attentionFeature,
  ledgersFeature,
  // 预警叫应 submenu
  warningsFeature,
  boardsFeature,
  doorKnocksFeature,
  drillsFeature,
  linkageFeature,
  inboxFeature,
  usersFeature,
  gatewaySettingsFeature,
  issuingSettingsFeature,
  auditFeature,
]

/** Create drawers the map's 新增点位 opens, by the kind of record placed. */
export const placeEditors: readonly PlaceEditor[] = [...resourcePlaceEditors, supplyPlaceEditor]
