import { toast } from '../lib/feedback.js'
import { throttle } from '../lib/throttle.js'
import { fetchInbox, INBOX_STREAM } from '../lib/inbox-api.js'

/*
 * The unread count behind the menu badges: one request and one event stream for the whole
 * session, however many badges show it, opened with the first and closed with the last.
 */

const RETRY_MS = 10_000
let unread = 0
/** The account is linked to a person; otherwise the stream would only refuse (409). */
let linked = false
let known = false
const listeners = new Set<() => void>()
let source: EventSource | null = null
let retry: ReturnType<typeof setTimeout> | undefined

function set(n: number) {
  // A rise while the app is open means a new warning: say so wherever the user is.
  if (known && n > unread) toast.warning('收到新的预警消息，请到“我的消息”确认收到')
  known = true
  if (n === unread) return
  unread = n
  for (const l of listeners) l()
}

export function refreshUnread(): void {
  fetchInbox({ page: 1, pageSize: 1 }).then((r) => {
    set(r.unread)
    linked = r.notice === null
    if (linked && listeners.size > 0 && !source && retry === undefined) connect()
  }, () => {})
}

const refresh = throttle(refreshUnread, 1000)

function connect() {
  retry = undefined
  if (typeof EventSource === 'undefined' || !linked || listeners.size === 0) return
  const s = new EventSource(INBOX_STREAM, { withCredentials: true })
  source = s
  s.onmessage = () => refresh.call()
  // After a drop, whatever arrived meanwhile is counted once.
  s.onopen = () => refresh.call()
  s.onerror = () => {
    if (s.readyState !== EventSource.CLOSED) return
    s.close()
    source = null
    retry = setTimeout(connect, RETRY_MS)
  }
}

export function subscribeUnread(listener: () => void): () => void {
  listeners.add(listener)
  if (listeners.size === 1) {
    // The first count tells whether there is a stream to open.
    known = false
    refreshUnread()
  }
  return () => {
    listeners.delete(listener)
    if (listeners.size > 0) return
    clearTimeout(retry)
    retry = undefined
    refresh.cancel()
    source?.close()
    source = null
  }
}

export function unreadCount(): number {
  return unread
}
