import type { Crs } from '../../../domain/map/crs.js'
import type { PositionSource } from '../../../domain/map/position-sources.js'
import { http } from '../../lib/http.js'

import type { Static } from 'typebox'
import type { DrawnLayer } from '../../../domain/map/layers.js'
import type { Need } from '../../../domain/map/needs.js'
import type { CountsReply, PointReply } from '../../../server/features/map/schema.js'
import type { Holding, NearestAt, NearestResult } from '../../../server/features/nearest/schema.js'
import type { HandoverContact } from '../../../server/features/resources/handover.js'

export { fetchMapConfig, type BasemapKey, type MapConfig } from '../../lib/map-api.js'
export type { HandoverContact, Holding, Need }
export type MapLayer = DrawnLayer
export type LayerCount = Static<typeof CountsReply>['layers'][number]
export type PointDetail = PointReply
export type Contact = NonNullable<PointReply['responsible']>
export type NearestPlace = NearestAt
export type NearestReply = NearestResult
export type NearestQuery = { at: NearestPlace; needs: Need[]; maxDistanceKm?: number }

/** A cluster stands for `count` records of several layers; it opens up as the map zooms in. */
export type ClusterProps = { cluster: true; count: number; byLayer: Partial<Record<MapLayer, number>> }
export type PointProps = {
  cluster?: false
  id: number
  layer: MapLayer
  name: string
  kindLabel: string
  regionName: string
  quantity?: number | null
  unit?: string | null
  condition?: string | null
  stale: boolean
  /** 'sketch' is drawn hollow: a position the system invented (示意位置). */
  positionSource?: PositionSource | null
}
export type MapFeature = {
  type: 'Feature'
  geometry: { type: 'Point'; coordinates: [number, number] }
  properties: ClusterProps | PointProps
}
export type MapFeatureCollection = { type: 'FeatureCollection'; features: MapFeature[]; truncated?: boolean }

export type MapRegion = { code: string; name: string; level: string; lng: number; lat: number; positionSource: PositionSource }

/** The filters shared by the features, counts and export requests. */
export type MapFilters = {
  regionCode?: string
  layers: MapLayer[]
  q?: string
  condition?: string
  fresh?: 'fresh' | 'stale'
  classCode?: string
  teamSpeciality?: string
}

/** Query parameters of the filtered endpoints: layers as one comma list, blanks left out. */
export function filterQuery(f: MapFilters) {
  return {
    regionCode: f.regionCode,
    layers: f.layers.join(','),
    q: f.q?.trim() || undefined,
    condition: f.condition,
    fresh: f.fresh,
    classCode: f.classCode,
    teamSpeciality: f.teamSpeciality,
  }
}

export const fetchMapFeatures = (f: MapFilters, bbox: string, zoom: number, signal?: AbortSignal) =>
  http.get<MapFeatureCollection>('/api/map/features', { ...filterQuery(f), bbox, zoom }, { signal })
export const fetchLayerCounts = (f: MapFilters, signal?: AbortSignal) =>
  http.get<{ layers: LayerCount[] }>('/api/map/counts', filterQuery(f), { signal })
export const fetchPoint = (layer: MapLayer, id: number) => http.get<PointDetail>(`/api/map/point/${layer}/${id}`)
export const fetchMapRegions = (regionCode: string, signal?: AbortSignal) =>
  http.get<MapRegion[]>('/api/map/regions', { regionCode }, { signal })
export const moveLocation = (layer: MapLayer, id: number, body: { lng: number; lat: number; crs: Crs; version: number }) =>
  http.put<{ lng: number; lat: number; version: number }>(`/api/map/location/${layer}/${id}`, body)
export const findNearest = (q: NearestQuery) => http.post<NearestReply>('/api/nearest', q)
