import type {
  CustomGroupInput, GroupDetail, GroupListQuery, GroupMember, GroupSummary, GroupUpdate, MembersChange,
} from '../../../server/features/linkage/schema.js'
import { http, type Paged } from '../../lib/http.js'

export type { CustomGroupInput, GroupDetail, GroupMember, GroupSummary, GroupUpdate, MembersChange }

export const listGroups = (q: GroupListQuery, signal?: AbortSignal) => http.get<Paged<GroupSummary>>('/api/linkage/groups', q, { signal })
/** A region's own group: stored, or still derived from the default roles (id null). */
export const getRegionGroup = (code: string, signal?: AbortSignal) => http.get<GroupDetail>(`/api/linkage/groups/region/${code}`, undefined, { signal })
export const getGroup = (id: number, signal?: AbortSignal) => http.get<GroupDetail>(`/api/linkage/groups/${id}`, undefined, { signal })
/** Stores a region's group so members can be added or excluded; a stored one comes back as is. */
export const customiseRegionGroup = (code: string) => http.post<GroupDetail>(`/api/linkage/groups/region/${code}/customise`)
export const createGroup = (input: CustomGroupInput) => http.post<GroupDetail>('/api/linkage/groups', input, { quiet: true })
export const updateGroup = (id: number, input: GroupUpdate) => http.put<GroupDetail>(`/api/linkage/groups/${id}`, input, { quiet: true })
export const changeMembers = (id: number, change: MembersChange) => http.put<GroupDetail>(`/api/linkage/groups/${id}/members`, change)
export const deleteGroup = (id: number, version: number) => http.del<{ ok: boolean }>(`/api/linkage/groups/${id}`, { version })
