import type { Static } from 'typebox'
import type { AssignRoleBody, CreateUserBody, Role, UpdateUserBody, User } from '../../../server/features/users/schema.js'
import { http, type Paged } from '../../lib/http.js'
import type { PageQuery } from '../../lib/use-paged-list.js'

export type { User }
export type RoleOption = Static<typeof Role>
export type UserFilter = { regionCode?: string; q?: string; role?: string }

export const listUsers = (q: UserFilter & Partial<PageQuery>, signal?: AbortSignal) =>
  http.get<Paged<User>>('/api/users', q, { signal })
export const listRoles = () => http.get<RoleOption[]>('/api/roles')
export const createUser = (input: CreateUserBody) => http.post<User>('/api/users', input, { quiet: true })
export const updateUser = (id: number, input: UpdateUserBody) => http.put<User>(`/api/users/${id}`, input, { quiet: true })
export const assignRole = (id: number, input: AssignRoleBody) => http.put<User>(`/api/users/${id}/role`, input, { quiet: true })
export const resetPassword = (id: number, password: string) =>
  http.post<unknown>(`/api/users/${id}/reset-password`, { password }, { quiet: true })
export const unlockUser = (id: number) => http.post<unknown>(`/api/users/${id}/unlock`)
