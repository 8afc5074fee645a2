import type { Group, GroupInput, GroupListQuery, GroupUpdate, Member, MemberInput } from '../../../server/features/directory/schema.js'
import { http, type KeyPaged } from '../../lib/http.js'

export type { Group, GroupInput, Member, MemberInput }

export const listGroups = (q: GroupListQuery, signal?: AbortSignal) => http.get<KeyPaged<Group>>('/api/leading-groups', q, { signal })
export const getGroup = (id: number) => http.get<Group>(`/api/leading-groups/${id}`)
export const createGroup = (input: GroupInput) => http.post<Group>('/api/leading-groups', input, { quiet: true })
export const updateGroup = (id: number, input: GroupUpdate) => http.put<Group>(`/api/leading-groups/${id}`, input, { quiet: true })
export const deleteGroup = (id: number, version: number) => http.del<{ ok: boolean }>(`/api/leading-groups/${id}`, { version })
export const setGroupMembers = (id: number, members: MemberInput[], version: number) =>
  http.put<Group>(`/api/leading-groups/${id}/members`, { members, version }, { quiet: true })
export const revealGroupPhone = (id: number) => http.post<{ officePhone: string | null }>(`/api/leading-groups/${id}/reveal`)
