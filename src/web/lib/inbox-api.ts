import type { InboxPage } from '../../server/features/inbox/schema.js'
import { http } from './http.js'

/*
 * The inbox as the shell's unread badges read it; the inbox pages read and acknowledge through
 * features/inbox.
 */

export type { InboxPage }

export const fetchInbox = (q: { page: number; pageSize: number }, signal?: AbortSignal) =>
  http.get<InboxPage>('/api/inbox', q, { signal, quiet: true })
/** The signed-in person's own messages as server-sent events (topic person:<id>). */
export const INBOX_STREAM = '/api/inbox/stream'
