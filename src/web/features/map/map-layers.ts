import { App } from 'antd'
import { useEffect, useMemo, type RefObject } from 'react'
import { SKETCH_HINT, SKETCH_LABEL } from '../../../domain/map/position-sources.js'
import { toast } from '../../lib/feedback.js'
import { maplibregl } from '../../lib/maplibre.js'
import { fetchMapRegions, moveLocation, type ClusterProps } from './api.js'
import { clusterSummary } from './map-helpers.js'
import { setFeatures, setNearest } from './overlay.js'
import type { MapState } from './use-map-state.js'

/*
 * What the 一张图 draws over the basemap besides its points: cluster counts, region names, the
 * nearest search, the places being picked, placed or moved, and a clicked point's popup. Each is
 * an effect that adds its markers to the map and removes them when what it shows changes.
 */

/** A cluster count label per cluster is cheap up to a few hundred; beyond that size and colour say enough. */
const MAX_CLUSTER_LABELS = 300

type MapRef = RefObject<maplibregl.Map | null>

function htmlMarker(className: string, text: string): HTMLElement {
  const el = document.createElement('div')
  el.className = className
  el.textContent = text
  return el
}

/**
 * Draws every layer of the state on the map; `load` reloads the view after a point has moved.
 * Returns the element the clicked point's popup renders into.
 */
export function useMapLayers(mapRef: MapRef, s: MapState, load: () => void): HTMLElement {
  const { ready } = s
  useFeatureLayer(mapRef, s.data, ready)
  useNearestLayer(mapRef, s.nearest, ready)
  usePickedPoint(mapRef, s.mapPoint, s.nearest, ready)
  useRegionLabels(mapRef, s.region.code, ready)
  usePlacedMarker(mapRef, s.placed, ready)
  useMoveMarker(mapRef, s.moving, s.setMoving, load)
  return usePointPopup(mapRef, s.selected, s.setSelected)
}

/** The features, and a count label on each cluster. */
function useFeatureLayer(mapRef: MapRef, data: MapState['data'], ready: boolean) {
  useEffect(() => {
    const map = mapRef.current
    if (!ready || !map) return
    setFeatures(map, data)
    const markers = (data?.features ?? [])
      .filter((f) => f.properties.cluster)
      .slice(0, MAX_CLUSTER_LABELS)
      .map((f) => {
        const props = f.properties as ClusterProps
        const el = htmlMarker('sw-map-cluster-label', String(props.count))
        // Hovering tells what the cluster holds; clicking opens it up like the circle below.
        el.title = clusterSummary(props.byLayer)
        el.addEventListener('click', (e) => {
          e.stopPropagation()
          map.easeTo({ center: f.geometry.coordinates, zoom: Math.min(map.getZoom() + 2, 18) })
        })
        return new maplibregl.Marker({ element: el }).setLngLat(f.geometry.coordinates).addTo(map)
      })
    return () => markers.forEach((m) => m.remove())
  }, [mapRef, data, ready])
}

/** The searched place and what was found near it, framed together. */
function useNearestLayer(mapRef: MapRef, nearest: MapState['nearest'], ready: boolean) {
  useEffect(() => {
    const map = mapRef.current
    if (!ready || !map) return
    setNearest(map, nearest)
    if (!nearest) return
    const place = new maplibregl.Marker({ color: '#fa541c' }).setLngLat([nearest.at.lng, nearest.at.lat]).addTo(map)
    const points: Array<[number, number]> = [[nearest.at.lng, nearest.at.lat], ...nearest.results.flatMap((r) => r.holdings.map((h) => [h.lng, h.lat] as [number, number]))]
    if (points.length > 1) {
      const bounds = points.reduce((b, p) => b.extend(p), new maplibregl.LngLatBounds(points[0], points[0]))
      // Clear of the layer and nearest panels; on a phone the nearest panel covers the map anyway.
      const narrow = map.getContainer().clientWidth < 768
      map.fitBounds(bounds, { padding: narrow ? 24 : { top: 60, bottom: 60, left: 300, right: 460 }, maxZoom: 14 })
    } else {
      map.easeTo({ center: points[0], zoom: Math.max(map.getZoom(), 12) })
    }
    return () => { place.remove() }
  }, [mapRef, nearest, ready])
}

/** The place picked on the map shows until a search replaces it. */
function usePickedPoint(mapRef: MapRef, mapPoint: MapState['mapPoint'], nearest: MapState['nearest'], ready: boolean) {
  useEffect(() => {
    const map = mapRef.current
    if (!ready || !map || !mapPoint || nearest) return
    const m = new maplibregl.Marker({ color: '#1f4e8c' }).setLngLat(mapPoint).addTo(map)
    return () => { m.remove() }
  }, [mapRef, mapPoint, nearest, ready])
}

/** Names of the regions one level down, as plain labels (no glyphs needed). */
function useRegionLabels(mapRef: MapRef, regionCode: string, ready: boolean) {
  useEffect(() => {
    const map = mapRef.current
    if (!ready || !map) return
    const ac = new AbortController()
    let markers: maplibregl.Marker[] = []
    fetchMapRegions(regionCode, ac.signal).then((regions) => {
      if (ac.signal.aborted) return
      markers = regions.slice(0, 200).map((r) => {
        // A sketch position says nothing of the real place: the label is dashed and says so.
        const sketch = r.positionSource === 'sketch'
        const el = htmlMarker(sketch ? 'sw-map-region-label sw-map-region-sketch' : 'sw-map-region-label', sketch ? `${r.name}（示意）` : r.name)
        if (sketch) el.title = `${SKETCH_LABEL}：${SKETCH_HINT}`
        return new maplibregl.Marker({ element: el }).setLngLat([r.lng, r.lat]).addTo(map)
      })
    }).catch(() => {})
    return () => {
      ac.abort()
      markers.forEach((m) => m.remove())
    }
  }, [mapRef, regionCode, ready])
}

/** The clicked place shows while the drawer is open; it goes when the record is saved or dropped. */
function usePlacedMarker(mapRef: MapRef, placed: MapState['placed'], ready: boolean) {
  useEffect(() => {
    const map = mapRef.current
    if (!ready || !map || !placed) return
    const m = new maplibregl.Marker({ color: '#389e0d' }).setLngLat([placed.lng, placed.lat]).addTo(map)
    m.getElement().dataset.testid = 'map-place-marker'
    return () => { m.remove() }
  }, [mapRef, placed, ready])
}

/** Moving a point: drag the red marker, confirm, save. */
function useMoveMarker(mapRef: MapRef, moving: MapState['moving'], setMoving: MapState['setMoving'], load: () => void) {
  const { modal } = App.useApp()
  useEffect(() => {
    const map = mapRef.current
    if (!map || !moving) return
    const marker = new maplibregl.Marker({ draggable: true, color: '#d4380d' }).setLngLat(moving.from).addTo(map)
    marker.getElement().dataset.testid = 'map-move-marker'
    marker.on('dragend', () => {
      const to = marker.getLngLat()
      modal.confirm({
        title: '确认调整位置',
        content: `将“${moving.name}”的位置调整为 经度 ${to.lng.toFixed(6)}，纬度 ${to.lat.toFixed(6)}？此操作将记入审计日志。`,
        okText: '保存位置',
        cancelText: '取消',
        onOk: async () => {
          try {
            await moveLocation(moving.layer, moving.id, { lng: to.lng, lat: to.lat, crs: 'WGS84', version: moving.version })
            toast.success('位置已更新')
            setMoving(null)
            load()
          } catch {
            // The http client has shown the server's reason. Moving ends: a stale version needs
            // the popup reopened, which reads the record afresh.
            setMoving(null)
          }
        },
        onCancel: () => { marker.setLngLat(moving.from) },
      })
    })
    return () => { marker.remove() }
  }, [mapRef, moving, setMoving, modal, load])
}

/** The popup of a clicked point: MapLibre's popup, with React rendering into the element returned. */
function usePointPopup(mapRef: MapRef, selected: MapState['selected'], setSelected: MapState['setSelected']): HTMLElement {
  const popupBody = useMemo(() => document.createElement('div'), [])
  useEffect(() => {
    const map = mapRef.current
    if (!map || !selected) return
    const popup = new maplibregl.Popup({ maxWidth: '340px', offset: 10 }).setLngLat(selected.lngLat).setDOMContent(popupBody).addTo(map)
    const closed = () => setSelected(null)
    popup.on('close', closed)
    return () => {
      popup.off('close', closed)
      popup.remove()
    }
  }, [mapRef, selected, setSelected, popupBody])
  return popupBody
}
