import type { WarningLevel, WarningStatus } from '../../../domain/warnings/levels.js'
import { http } from '../../lib/http.js'

/** What a confirm link shows: enough to act on, nothing about anyone else. */
export type ConfirmView = {
  warning: {
    headline: string
    level: WarningLevel
    eventType: string
    areaDesc: string
    onset: string
    /** Null: until lifted. */
    expires: string | null
    description: string
    instruction: string
    senderName: string
    issuedAt: string | null
    status: WarningStatus
    purpose: 'warning' | 'drill'
  }
  /** Masked (张*): the phone may be shared. */
  personName: string
  state: 'pending' | 'acknowledged' | 'escalated' | 'unreachable'
  acknowledgedAt: string | null
}

export type ConfirmOutcome = { outcome: 'acknowledged' | 'already' | 'closed' }

// Anonymous: a 401 here is no session to lose, and errors are shown on the page, not toasted.
const opts = { quiet: true, anonymous: true } as const

export const fetchConfirm = (token: string) => http.get<ConfirmView>(`/api/confirm/${encodeURIComponent(token)}`, undefined, opts)
export const postConfirm = (token: string) => http.post<ConfirmOutcome>(`/api/confirm/${encodeURIComponent(token)}`, {}, opts)
