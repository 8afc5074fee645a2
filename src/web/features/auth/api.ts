import type { Session } from '../../lib/account-api.js'
import { http } from '../../lib/http.js'

export type LoginInput = { username: string; password: string; totp?: string }

export const login = (input: LoginInput) =>
  http.post<Session>('/api/auth/login', input, { quiet: true, anonymous: true })
