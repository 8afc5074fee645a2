import type { Db } from '../../db/database.js'
import { recordAudit, type Actor } from './record.js'

/**
 * Refused attempts — a bad CSRF token, a region outside the caller's area, a throttled or locked
 * login, a forged confirm link, an unauthenticated gateway callback — are evidence an auditor
 * needs. An attacker can make thousands a minute, though, and each audit entry takes the chain
 * lock; so each (kind, address) key writes at most `PER_WINDOW` entries per window, and the
 * next entry after a quiet spell says how many were folded into it. The limit is per instance:
 * with several instances the log takes at most that many times more, still bounded.
 */
export const REFUSALS_PER_WINDOW = 10
export const REFUSAL_WINDOW_MS = 60_000

type Bucket = { windowStart: number; written: number; folded: number }

export type Refusal = {
  /** Audit action, e.g. `refused.csrf`; labelled in domain/audit/actions.ts. */
  action: string
  /** Stable English reason or error code, and anything that helps the auditor (never secrets). */
  reason: string
  entity?: string
  entityId?: string | number | null
  regionCode?: string | null
  detail?: Record<string, unknown>
}

export type RefusalRecorder = {
  record: (actor: Actor, refusal: Refusal, now?: number) => Promise<void>
}

/**
 * A recorder with its own buckets; one per app instance (tests get their own). It never throws:
 * a refusal must stay a refusal even when the log cannot be written, so failures go to `onError`.
 */
export function createRefusalRecorder(db: Db, onError: (e: unknown) => void = () => {}): RefusalRecorder {
  const buckets = new Map<string, Bucket>()
  return {
    async record(actor, refusal, now = Date.now()) {
      const key = `${refusal.action}\u0000${actor.ip ?? ''}`
      let b = buckets.get(key)
      if (!b || now - b.windowStart >= REFUSAL_WINDOW_MS) {
        const folded = b?.folded ?? 0
        b = { windowStart: now, written: 0, folded }
        buckets.set(key, b)
        // Forget quiet keys so an attacker rotating addresses cannot grow the map without bound.
        if (buckets.size > 10_000) {
          for (const [k, v] of buckets) if (now - v.windowStart >= REFUSAL_WINDOW_MS && v.folded === 0) buckets.delete(k)
        }
      }
      if (b.written >= REFUSALS_PER_WINDOW) {
        b.folded++
        return
      }
      b.written++
      const folded = b.folded
      b.folded = 0
      try {
        await db.transaction().execute((trx) => recordAudit(trx, actor, {
          action: refusal.action,
          entity: refusal.entity ?? 'request',
          entityId: refusal.entityId ?? null,
          regionCode: refusal.regionCode ?? null,
          after: { reason: refusal.reason, ...refusal.detail, ...(folded > 0 ? { foldedBefore: folded } : {}) },
        }))
      } catch (e) {
        onError(e)
      }
    },
  }
}
