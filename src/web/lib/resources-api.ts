import type { ResourceKind } from '../../domain/resources/kinds.js'
import type { ExpertDetail } from '../../server/features/resources/experts.js'
import type { RiskDetail } from '../../server/features/resources/risks.js'
import type { BulkConfirmInput, Contact, Item, KindFilters } from '../../server/features/resources/schema.js'
import type { ShelterDetail } from '../../server/features/resources/shelters.js'
import type { StorageDetail } from '../../server/features/resources/storage.js'
import type { SupplierDetail } from '../../server/features/resources/suppliers.js'
import type { TeamDetail } from '../../server/features/resources/teams.js'
import { http, type KeyPaged } from './http.js'

/*
 * The resource lookups other capabilities make: choosing a storage point or team, and the bulk
 * “仍有效” that supply lines share with resources. Writes live in features/resources.
 */

export type { Contact, KindFilters }

/** What the server answers for each kind's `detail`: its fields with their labels. */
export type Details = {
  team: TeamDetail
  expert: ExpertDetail
  storage_point: StorageDetail
  shelter: ShelterDetail
  risk_point: RiskDetail
  supplier: SupplierDetail
}

export type Resource<K extends ResourceKind = ResourceKind> = Item<Details[K]>

export type ResourceSort = 'name' | 'updatedAt' | 'confirmedAt' | 'region'

export type ResourceListQuery = KindFilters & {
  regionCode?: string
  q?: string
  status?: string
  fresh?: 'stale' | 'fresh'
  sort?: ResourceSort
  order?: 'asc' | 'desc'
  /** A page number, or `after` (the previous page's `next`) for key paging. */
  page?: number
  pageSize: number
  after?: string
  count?: 'exact'
}

export const listResources = <K extends ResourceKind>(kind: K, q: ResourceListQuery, signal?: AbortSignal) =>
  http.get<KeyPaged<Resource<K>>>(`/api/resources/${kind}`, q, { signal })

/** Resources of any kind, or supply lines (kind 'supply'), confirmed in one go. */
export type ConfirmTarget = BulkConfirmInput['items'][number]
export const confirmBulk = (items: ConfirmTarget[]) => http.post<{ confirmed: number }>('/api/resources/confirm-bulk', { items })
