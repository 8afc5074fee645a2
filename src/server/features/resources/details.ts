import type { ResourceKind } from '../../../domain/resources/kinds.js'
import { experts, type ExpertDetail, type ExpertDetailInput } from './experts.js'
import { riskPoints, type RiskDetail, type RiskDetailInput } from './risks.js'
import { shelters, type ShelterDetail, type ShelterDetailInput } from './shelters.js'
import { storagePoints, type StorageDetail, type StorageDetailInput } from './storage.js'
import { suppliers, type SupplierDetail, type SupplierDetailInput } from './suppliers.js'
import { teams, type TeamDetail, type TeamDetailInput } from './teams.js'

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

/** The `detail` a form sends, per kind. */
export type DetailInputs = {
  team: TeamDetailInput
  expert: ExpertDetailInput
  storage_point: StorageDetailInput
  shelter: ShelterDetailInput
  risk_point: RiskDetailInput
  supplier: SupplierDetailInput
}

/** The `detail` a reply carries, per kind. */
export type DetailOutputs = {
  team: TeamDetail
  expert: ExpertDetail
  storage_point: StorageDetail
  shelter: ShelterDetail
  risk_point: RiskDetail
  supplier: SupplierDetail
}
