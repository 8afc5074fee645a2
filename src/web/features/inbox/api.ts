import type { Static } from 'typebox'
import type { AckResult, EscalatedPerson, EscalationList, InboxItem, InboxPage } from '../../../server/features/inbox/schema.js'
import { http } from '../../lib/http.js'

export { fetchInbox } from '../../lib/inbox-api.js'
export type { EscalatedPerson, InboxItem, InboxPage }

export const ackInbox = (deliveryId: number) => http.post<Static<typeof AckResult>>(`/api/inbox/${deliveryId}/ack`)
/** The silent people escalated to me (one warning, or all in force), numbers in full. */
export const fetchEscalations = (warning: number | undefined, signal?: AbortSignal) =>
  http.get<EscalationList>('/api/inbox/escalations', { warning }, { signal })
