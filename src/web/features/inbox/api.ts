import type { Static } from 'typebox'
import type { AckResult, InboxItem, InboxPage } from '../../../server/features/inbox/schema.js'
import { http } from '../../lib/http.js'

export type { InboxItem, InboxPage }

export const fetchInbox = (q: { page: number; pageSize: number }, signal?: AbortSignal) =>
  http.get<InboxPage>('/api/inbox', q, { signal, quiet: true })
export const ackInbox = (deliveryId: number) => http.post<Static<typeof AckResult>>(`/api/inbox/${deliveryId}/ack`)
/** The signed-in person's own messages as server-sent events (topic person:<id>). */
export const INBOX_STREAM = '/api/inbox/stream'
