import { MAP_LAYERS } from '../../../domain/map/layers.js'
import { queryString } from '../../lib/http.js'
import type { MapFeature, MapFilters, MapLayer, Need } from './api.js'
import { filterQuery } from './api.js'

/** Layers in legend order, with the colour each is drawn in. */
export const LEGEND: ReadonlyArray<{ key: MapLayer; label: string; color: string }> = [
  { key: 'team', color: '#d4380d' },
  { key: 'storage_point', color: '#1d39c4' },
  { key: 'supply', color: '#13a8a8' },
  { key: 'shelter', color: '#389e0d' },
  { key: 'risk_point', color: '#cf1322' },
  { key: 'supplier', color: '#d48806' },
  { key: 'expert', color: '#722ed1' },
].map((l) => ({ ...l, key: l.key as MapLayer, label: MAP_LAYERS[l.key as MapLayer] }))

export const layerColor = (layer: string): string => LEGEND.find((l) => l.key === layer)?.color ?? '#8c8c8c'
export const layerLabel = (layer: string): string => LEGEND.find((l) => l.key === layer)?.label ?? layer

/** Layers whose records carry a position of their own that a user may move. */
export const MOVABLE_LAYERS: ReadonlySet<string> = new Set<MapLayer>(['team', 'storage_point', 'shelter', 'risk_point', 'supplier', 'expert', 'supply'])

/** `w,s,e,n` rounded to ~1 m, so that tiny pans do not make different-looking requests. */
export function bboxParam(b: { west: number; south: number; east: number; north: number }): string {
  const r = (n: number) => Math.round(n * 1e5) / 1e5
  // Panning past the antimeridian gives longitudes beyond ±180, which the server need not know.
  const clampLng = (n: number) => Math.max(-180, Math.min(180, n))
  const clampLat = (n: number) => Math.max(-90, Math.min(90, n))
  return [clampLng(b.west), clampLat(b.south), clampLng(b.east), clampLat(b.north)].map(r).join(',')
}

/** How many records what is drawn stands for: points count once, clusters by their count. */
export function representedCount(features: readonly MapFeature[]): number {
  let n = 0
  for (const f of features) n += f.properties.cluster ? f.properties.count : 1
  return n
}

/** The largest layers in a cluster first, as `队伍 3 · 物资 12`. */
export function clusterSummary(byLayer: Partial<Record<MapLayer, number>>): string {
  return Object.entries(byLayer)
    .filter(([, n]) => (n ?? 0) > 0)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([k, n]) => `${layerLabel(k)} ${n}`)
    .join(' · ')
}

export const geojsonExportUrl = (f: MapFilters, bbox?: string) =>
  `/api/map/export.geojson${queryString({ ...filterQuery(f), bbox })}`

export const annexExportUrl = (regionCode?: string) => `/api/ledgers/annex4/export${queryString({ regionCode })}`

/** The four typical needs of a flood response (seed 000/001), one click each. */
export const NEED_PRESETS: ReadonlyArray<{ label: string; need: Need }> = [
  { label: '冲锋舟≥5', need: { type: 'supply', name: '冲锋舟', quantity: 5 } },
  { label: '救生衣≥200', need: { type: 'supply', name: '救生衣', quantity: 200 } },
  { label: '防汛队伍≥30人', need: { type: 'team', speciality: '防汛', minHeadcount: 30 } },
  { label: '安置500人', need: { type: 'shelter', capacity: 500 } },
]

/**
 * A coordinate typed by hand: `120.1, 30.8`, `120.1 30.8` or with full-width comma. Returns null
 * for anything that is not a plausible longitude, latitude pair.
 */
export function parseLngLat(text: string): [number, number] | null {
  const parts = text.trim().split(/[\s,，;；]+/).filter(Boolean)
  if (parts.length !== 2) return null
  const [lng, lat] = parts.map(Number)
  if (!Number.isFinite(lng) || !Number.isFinite(lat)) return null
  if (lng < -180 || lng > 180 || lat < -90 || lat > 90) return null
  return [lng, lat]
}

/** Whether a need row is complete enough to send. */
export function needComplete(n: Need): boolean {
  if (n.type === 'supply') return Boolean(n.name?.trim() || n.classCode) && n.quantity > 0
  if (n.type === 'team') return true
  return n.capacity > 0
}

/** `12.3 km`, or metres below one kilometre. */
export function formatDistance(km: number): string {
  return km < 1 ? `${Math.round(km * 1000)} 米` : `${km.toFixed(km < 10 ? 1 : 0)} 公里`
}
