import type { Region, RegionDetail, SearchReply } from '../../server/features/regions/schema.js'
import { http } from './http.js'

export type { Region }
export type RegionHit = SearchReply['items'][number]

/** The signed-in user's own region: the top of everything they may see. */
export const fetchRootRegion = () => http.get<Region>('/api/regions/root')
/** With `path` from the user's own region down to this one. */
export const fetchRegion = (code: string) => http.get<RegionDetail>(`/api/regions/${code}`)
export const fetchChildren = (code: string) => http.get<Region[]>(`/api/regions/${code}/children`)
export const searchRegions = (q: string, limit = 20, signal?: AbortSignal) =>
  http.get<SearchReply>('/api/regions/search', { q, limit }, { signal })
