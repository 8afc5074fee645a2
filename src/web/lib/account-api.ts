import type { Static } from 'typebox'
import type { Me as MeSchema } from '../../server/features/auth/schema.js'
import { http } from './http.js'

/*
 * The signed-in account as the shell keeps it: the session, signing out, the password and the
 * authenticator app. Signing in is the login page's own (features/auth).
 */

export type Me = Static<typeof MeSchema>
export type Session = { user: Me; csrfToken: string }

/** The current session, or a 401 ApiError when there is none (not treated as a lost session). */
export const fetchMe = () => http.get<Session>('/api/auth/me', undefined, { quiet: true, anonymous: true })

export const logout = () => http.post<{ ok: boolean }>('/api/auth/logout', {}, { anonymous: true })

export const changePassword = (oldPassword: string, newPassword: string) =>
  http.post<{ ok: boolean }>('/api/auth/password', { oldPassword, newPassword }, { quiet: true })

export const setupTotp = () => http.post<{ secret: string; otpauthUrl: string }>('/api/auth/totp/setup')
export const enableTotp = (code: string) => http.post<{ ok: boolean }>('/api/auth/totp/enable', { code }, { quiet: true })
export const disableTotp = (code: string) => http.post<{ ok: boolean }>('/api/auth/totp/disable', { code }, { quiet: true })
