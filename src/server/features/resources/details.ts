import type { ResourceKind } from '../../../domain/resources/kinds.js'
import { experts } from './experts.js'
import { riskPoints } from './risks.js'
import { shelters } from './shelters.js'
import { storagePoints } from './storage.js'
import { suppliers } from './suppliers.js'
import { teams } from './teams.js'

/** Every resource kind with its detail table, in the order the menus show them. */
export const KIND_MODULES = {
  team: teams,
  expert: experts,
  storage_point: storagePoints,
  shelter: shelters,
  risk_point: riskPoints,
  supplier: suppliers,
} satisfies Record<ResourceKind, { kind: ResourceKind }>

export type AnyKindModule = (typeof KIND_MODULES)[ResourceKind]
