import type { ResourceKind } from '../../../domain/resources/kinds.js'
import type { Agreement, AgreementInput, AgreementListQuery, AgreementUpdate } from '../../../server/features/resources/agreements-schema.js'
import type { ExpertGroup } from '../../../server/features/resources/expert-groups.js'
import type { ExpertDetailInput } from '../../../server/features/resources/experts.js'
import type { RiskDetailInput } from '../../../server/features/resources/risks.js'
import type { BaseInput, HistoryEntry } from '../../../server/features/resources/schema.js'
import type { ShelterDetailInput } from '../../../server/features/resources/shelters.js'
import type { StorageDetailInput } from '../../../server/features/resources/storage.js'
import type { SupplierDetailInput } from '../../../server/features/resources/suppliers.js'
import type { TeamDetailInput } from '../../../server/features/resources/teams.js'
import { http, type Paged } from '../../lib/http.js'
import type { Resource } from '../../lib/resources-api.js'

export {
  confirmBulk, listResources,
  type ConfirmTarget, type Contact, type Details, type KindFilters, type Resource, type ResourceListQuery, type ResourceSort,
} from '../../lib/resources-api.js'
export type { Agreement, AgreementInput, ExpertGroup, HistoryEntry }

/** What a form sends as `detail` for each kind. */
export type DetailInputs = {
  team: TeamDetailInput
  expert: ExpertDetailInput
  storage_point: StorageDetailInput
  shelter: ShelterDetailInput
  risk_point: RiskDetailInput
  supplier: SupplierDetailInput
}

export type ResourceWithHistory<K extends ResourceKind = ResourceKind> = Resource<K> & { history: HistoryEntry[] }
export type ResourceInput<K extends ResourceKind = ResourceKind> = BaseInput & { detail: DetailInputs[K] }

const base = (kind: ResourceKind) => `/api/resources/${kind}`

export const getResource = <K extends ResourceKind>(kind: K, id: number) => http.get<ResourceWithHistory<K>>(`${base(kind)}/${id}`)
export const createResource = <K extends ResourceKind>(kind: K, input: ResourceInput<K>) =>
  http.post<Resource<K>>(base(kind), input, { quiet: true })
/** Whole replacement: optional fields left out are cleared. */
export const updateResource = <K extends ResourceKind>(kind: K, id: number, input: ResourceInput<K> & { version: number }) =>
  http.put<Resource<K>>(`${base(kind)}/${id}`, input, { quiet: true })
export const deleteResource = (kind: ResourceKind, id: number, version: number) =>
  http.del<{ ok: boolean }>(`${base(kind)}/${id}`, { version })
/** “仍有效”: the record was checked and is still right, which restarts its freshness clock. */
export const confirmResource = <K extends ResourceKind>(kind: K, id: number, version: number) =>
  http.post<Resource<K>>(`${base(kind)}/${id}/confirm`, { version })

// ---- supply agreements of 保供单位 ----

/** What an agreement needs to know of its enterprise. */
export type SupplierRef = { id: number; name: string; regionCode: string }

export const listAgreements = (q: AgreementListQuery, signal?: AbortSignal) => http.get<Paged<Agreement>>('/api/agreements', q, { signal })
export const createAgreement = (input: AgreementInput) => http.post<Agreement>('/api/agreements', input, { quiet: true })
export const updateAgreement = (id: number, input: AgreementUpdate) => http.put<Agreement>(`/api/agreements/${id}`, input, { quiet: true })
export const deleteAgreement = (id: number, version: number) => http.del<{ ok: boolean }>(`/api/agreements/${id}`, { version })

// ---- expert groups ----

export const listExpertGroups = () => http.get<ExpertGroup[]>('/api/expert-groups')
