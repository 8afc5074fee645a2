import type { ResourceKind } from '../../../domain/resources/kinds.js'
import { expertKind } from './expert-kind.js'
import type { KindConfig } from './kind-config.js'
import { riskPointKind } from './risk-point-kind.js'
import { shelterKind } from './shelter-kind.js'
import { storagePointKind } from './storage-point-kind.js'
import { supplierKind } from './supplier-kind.js'
import { teamKind } from './team-kind.js'

/** The configuration of every resource list, by kind. */
export const KIND_CONFIGS: { [K in ResourceKind]: KindConfig<K> } = {
  team: teamKind,
  expert: expertKind,
  storage_point: storagePointKind,
  shelter: shelterKind,
  risk_point: riskPointKind,
  supplier: supplierKind,
}
