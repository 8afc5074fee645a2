import type { Static } from 'typebox'
import type { AckResult, EscalatedPerson, EscalationList, InboxItem, InboxPage } from '../../../server/features/inbox/schema.js'
import { http } from '../../lib/http.js'

export type { EscalatedPerson, InboxItem, InboxPage }

export const fetchInbox = (q: { page: number; pageSize: number }, signal?: AbortSignal) =>
  http.get<InboxPage>('/api/inbox', q, { signal, quiet: true })
export const ackInbox = (deliveryId: number) => http.post<Static<typeof AckResult>>(`/api/inbox/${deliveryId}/ack`)
/** The signed-in person's own messages as server-sent events (topic person:<id>). */
export const INBOX_STREAM = '/api/inbox/stream'
/** The silent people escalated to me (one warning, or all in force), numbers in full. */
export const fetchEscalations = (warning: number | undefined, signal?: AbortSignal) =>
  http.get<EscalationList>('/api/inbox/escalations', { warning }, { signal })
