import type { ResourceKind } from '../../../domain/resources/kinds.js'
import { http, type Paged } from '../../lib/http.js'

export type Contact = { id: number; name: string; post: string | null; mobile: string | null }

/** Kind fields of a record with their labels; which keys exist depends on the kind. */
export type ResourceDetail = Record<string, unknown>

export type Resource = {
  id: number
  kind: ResourceKind
  kindLabel: string
  regionCode: string
  regionName: string
  name: string
  ownerUnitId: number | null
  ownerUnitName: string | null
  responsible: Contact | null
  liaison: Contact | null
  address: string | null
  lng: number | null
  lat: number | null
  status: string
  note: string | null
  confirmedAt: string | null
  confirmedByName: string | null
  stale: boolean
  version: number
  updatedAt: string
  detail: ResourceDetail
  /** Rule breaches to show beside the record (队伍不足30人, 超出容量). */
  warnings: string[]
}

export type HistoryEntry = { id?: number; at: string; actorName: string; action: string; actionLabel: string }

export type ResourceWithHistory = Resource & { history: HistoryEntry[] }

export type ResourceSort = 'name' | 'updatedAt' | 'confirmedAt' | 'region'

export type ResourceListQuery = {
  regionCode?: string
  q?: string
  status?: string
  fresh?: 'stale' | 'fresh'
  sort?: ResourceSort
  order?: 'asc' | 'desc'
  page: number
  pageSize: number
} & Record<string, string | number | boolean | undefined>

export type ResourceInput = {
  regionCode: string
  name: string
  ownerUnitId?: number | null
  responsiblePersonId?: number | null
  liaisonPersonId?: number | null
  address?: string | null
  lng?: number | null
  lat?: number | null
  status?: string
  note?: string | null
  detail: ResourceDetail
}

const base = (kind: ResourceKind) => `/api/resources/${kind}`

export const listResources = (kind: ResourceKind, q: ResourceListQuery, signal?: AbortSignal) =>
  http.get<Paged<Resource>>(base(kind), q, { signal })
export const getResource = (kind: ResourceKind, id: number) => http.get<ResourceWithHistory>(`${base(kind)}/${id}`)
export const createResource = (kind: ResourceKind, input: ResourceInput) => http.post<Resource>(base(kind), input, { quiet: true })
/** Whole replacement: optional fields left out are cleared. */
export const updateResource = (kind: ResourceKind, id: number, input: ResourceInput & { version: number }) =>
  http.put<Resource>(`${base(kind)}/${id}`, input, { quiet: true })
export const deleteResource = (kind: ResourceKind, id: number, version: number) =>
  http.del<{ ok: boolean }>(`${base(kind)}/${id}`, { version })
/** “仍有效”: the record was checked and is still right, which resets its freshness clock. */
export const confirmResource = (kind: ResourceKind, id: number, version: number) =>
  http.post<Resource>(`${base(kind)}/${id}/confirm`, { version })

/** What the bulk confirmation accepts: a resource of any kind, or a supply line. */
export type ConfirmTarget = { kind: ResourceKind | 'supply'; id: number }
export const confirmBulk = (items: ConfirmTarget[]) =>
  http.post<{ confirmed?: number }>('/api/resources/confirm-bulk', { items })

// ---- supply agreements of 保供单位 ----

export type Agreement = {
  id: number
  supplierId: number
  supplierName: string | null
  regionCode: string
  regionName: string
  classCode: string | null
  className: string | null
  itemName: string
  quantity: number | null
  unit: string | null
  startsOn: string | null
  endsOn: string | null
  responseHours: number | null
  daysLeft: number | null
  ending: boolean
  ended: boolean
  version: number
}

export type AgreementInput = {
  supplierId: number
  regionCode: string
  classCode?: string | null
  itemName: string
  quantity?: number | null
  unit?: string | null
  startsOn?: string | null
  endsOn?: string | null
  responseHours?: number | null
}

export type AgreementQuery = { regionCode?: string; supplierId?: number; endingWithinDays?: number; page: number; pageSize: number }

export const listAgreements = (q: AgreementQuery, signal?: AbortSignal) => http.get<Paged<Agreement>>('/api/agreements', q, { signal })
export const createAgreement = (input: AgreementInput) => http.post<Agreement>('/api/agreements', input, { quiet: true })
export const updateAgreement = (id: number, input: AgreementInput & { version: number }) =>
  http.put<Agreement>(`/api/agreements/${id}`, input, { quiet: true })
export const deleteAgreement = (id: number, version: number) => http.del<{ ok: boolean }>(`/api/agreements/${id}`, { version })

// ---- expert groups ----

export type ExpertGroup = { code: string; domain: string; domainLabel: string; name: string }
export const listExpertGroups = () => http.get<ExpertGroup[]>('/api/expert-groups')
