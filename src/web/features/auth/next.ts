/**
 * Only paths of this app: `?next=//evil.example` (or `/\\evil.example`, which browsers read the
 * same way) must not send a user elsewhere after login.
 */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || next.startsWith('/login')) return '/'
  return next
}
