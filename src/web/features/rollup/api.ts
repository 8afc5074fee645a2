import type {
  AttentionQuery, AttentionReply, CompletenessQuery, CompletenessReply, CompletenessRow, FreshnessReply, Indicator,
  RegionQuery, ResourceRollup, SupplyRollup, SupplyRollupQuery,
} from '../../../server/features/rollup/schema.js'
import { http } from '../../lib/http.js'

export type { AttentionReply, CompletenessQuery, CompletenessReply, CompletenessRow, FreshnessReply, Indicator, ResourceRollup, SupplyRollup, SupplyRollupQuery }

export const fetchSupplyRollup = (q: SupplyRollupQuery, signal?: AbortSignal) => http.get<SupplyRollup>('/api/rollup/supplies', q, { signal })
export const fetchResourceRollup = (q: RegionQuery, signal?: AbortSignal) => http.get<ResourceRollup>('/api/rollup/resources', q, { signal })
export const fetchCompleteness = (q: CompletenessQuery, signal?: AbortSignal) => http.get<CompletenessReply>('/api/rollup/completeness', q, { signal })
export const fetchFreshness = (q: RegionQuery, signal?: AbortSignal) => http.get<FreshnessReply>('/api/rollup/freshness', q, { signal })
export const fetchAttention = (q: AttentionQuery, signal?: AbortSignal) => http.get<AttentionReply>('/api/rollup/attention', q, { signal })

/** An export route with the page's filters as its query (blank filters left out). */
export function exportUrl(path: 'supplies' | 'resources' | 'completeness' | 'attention' | 'freshness', query: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams(Object.entries(query).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])))
  const qs = q.toString()
  return `/api/rollup/${path}/export${qs ? `?${qs}` : ''}`
}
