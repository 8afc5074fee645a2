import type { ExpressionSpecification, GeoJSONSource, Map as MlMap } from 'maplibre-gl'
import type { MapFeatureCollection, NearestReply } from './api.js'
import { LEGEND } from './map-helpers.js'

/*
 * Our own sources and layers, drawn over whichever basemap is chosen. A basemap switch replaces
 * the whole style, so everything here is (re)added after each style load from the latest data.
 */

export const FEATURES_SOURCE = 'sw-features'
export const NEAREST_SOURCE = 'sw-nearest'
export const CLUSTER_LAYER = 'sw-clusters'
export const POINT_LAYER = 'sw-points'

const EMPTY = { type: 'FeatureCollection' as const, features: [] }

const colorByLayer: ExpressionSpecification = [
  'match', ['get', 'layer'],
  ...LEGEND.flatMap((l) => [l.key, l.color]),
  '#8c8c8c',
] as unknown as ExpressionSpecification

const SKETCH: ExpressionSpecification = ['==', ['get', 'positionSource'], 'sketch']

export function addOverlay(map: MlMap) {
  if (map.getSource(FEATURES_SOURCE)) return
  map.addSource(FEATURES_SOURCE, { type: 'geojson', data: EMPTY })
  map.addSource(NEAREST_SOURCE, { type: 'geojson', data: EMPTY })
  map.addLayer({
    id: 'sw-nearest-lines',
    type: 'line',
    source: NEAREST_SOURCE,
    filter: ['==', ['geometry-type'], 'LineString'],
    paint: { 'line-color': '#fa541c', 'line-width': 2, 'line-dasharray': [2, 1] },
  })
  map.addLayer({
    id: CLUSTER_LAYER,
    type: 'circle',
    source: FEATURES_SOURCE,
    filter: ['==', ['get', 'cluster'], true],
    paint: {
      'circle-color': '#1f4e8c',
      'circle-opacity': 0.75,
      'circle-stroke-color': '#fff',
      'circle-stroke-width': 2,
      'circle-radius': ['interpolate', ['linear'], ['log10', ['max', 1, ['get', 'count']]], 0, 12, 1, 16, 2, 22, 3, 28, 5, 36],
    },
  })
  map.addLayer({
    id: POINT_LAYER,
    type: 'circle',
    source: FEATURES_SOURCE,
    filter: ['!=', ['get', 'cluster'], true],
    paint: {
      // A sketch position (示意, invented by the system) is drawn hollow in its layer's colour:
      // it must never pass for the real place.
      'circle-color': ['case', SKETCH, '#ffffff', colorByLayer],
      'circle-radius': 6,
      // Not confirmed recently: drawn paler, so stale data is visible at a glance.
      'circle-opacity': ['case', ['get', 'stale'], 0.45, 0.95],
      'circle-stroke-color': ['case', SKETCH, colorByLayer, ['get', 'stale'], '#8c8c8c', '#ffffff'],
      'circle-stroke-width': ['case', SKETCH, 2.5, 1.5],
    },
  })
  map.addLayer({
    id: 'sw-nearest-holdings',
    type: 'circle',
    source: NEAREST_SOURCE,
    filter: ['==', ['geometry-type'], 'Point'],
    paint: { 'circle-color': '#fa541c', 'circle-radius': 9, 'circle-opacity': 0.35, 'circle-stroke-color': '#fa541c', 'circle-stroke-width': 2 },
  })
}

export function setFeatures(map: MlMap, data: MapFeatureCollection | null) {
  (map.getSource(FEATURES_SOURCE) as GeoJSONSource | undefined)?.setData(data ?? EMPTY)
}

/** Lines from the chosen place to every holding used, and a ring around each holding. */
export function nearestGeojson(reply: NearestReply | null) {
  if (!reply) return EMPTY
  const from: [number, number] = [reply.at.lng, reply.at.lat]
  const features = reply.results.flatMap((r) => r.holdings.flatMap((h) => [
    { type: 'Feature' as const, properties: { layer: h.layer, id: h.id }, geometry: { type: 'LineString' as const, coordinates: [from, [h.lng, h.lat]] } },
    { type: 'Feature' as const, properties: { layer: h.layer, id: h.id }, geometry: { type: 'Point' as const, coordinates: [h.lng, h.lat] } },
  ]))
  return { type: 'FeatureCollection' as const, features }
}

export function setNearest(map: MlMap, reply: NearestReply | null) {
  (map.getSource(NEAREST_SOURCE) as GeoJSONSource | undefined)?.setData(nearestGeojson(reply))
}
