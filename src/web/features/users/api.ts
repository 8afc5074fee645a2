import type { Static } from 'typebox'
import type {
  Approval, Approved, AssignRoleBody, CreatedUser, CreateUserBody, PasswordReset, Pending, Role, UpdateUserBody, User,
} from '../../../server/features/users/schema.js'
import { http, type Paged } from '../../lib/http.js'
import type { PageQuery } from '../../lib/use-paged-list.js'

export type { Approval, Approved, Pending, User }
export type RoleOption = Static<typeof Role>
export type UserFilter = { regionCode?: string; q?: string; role?: string }

export const listUsers = (q: UserFilter & Partial<PageQuery>, signal?: AbortSignal) =>
  http.get<Paged<User>>('/api/users', q, { signal })
export const listRoles = () => http.get<RoleOption[]>('/api/roles')
/** The new account and its one-time password, which the server shows this once. */
export const createUser = (input: CreateUserBody) => http.post<CreatedUser>('/api/users', input, { quiet: true })
// Changes to an administrator account come back 202 `{ approval }`: filed for a second administrator.
export const updateUser = (id: number, input: UpdateUserBody) => http.put<User | Pending>(`/api/users/${id}`, input, { quiet: true })
export const assignRole = (id: number, input: AssignRoleBody) => http.put<User | Pending>(`/api/users/${id}/role`, input, { quiet: true })
export const resetPassword = (id: number) =>
  http.post<PasswordReset | Pending>(`/api/users/${id}/reset-password`, {}, { quiet: true })
export const unlockUser = (id: number) => http.post<unknown>(`/api/users/${id}/unlock`)

export const isPending = (r: object): r is Pending => 'approval' in r

export const listApprovals = (state: 'pending' | 'approved' | 'rejected', signal?: AbortSignal) =>
  http.get<Approval[]>('/api/users/approvals', { state }, { signal })
export const approveChange = (id: number) => http.post<Approved>(`/api/users/approvals/${id}/approve`, {}, { quiet: true })
export const rejectChange = (id: number) => http.post<Approval>(`/api/users/approvals/${id}/reject`, {}, { quiet: true })
