import { EnvironmentOutlined } from '@ant-design/icons'
import { App, Button, Spin, Typography } from 'antd'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { createPortal } from 'react-dom'
import { SKETCH_HINT, SKETCH_LABEL } from '../../../domain/map/position-sources.js'
import { toast } from '../../lib/feedback.js'
import { useAsync } from '../../lib/use-async.js'
import { useRegionFilter } from '../../shell/region-filter.js'
import { useCan } from '../../shell/session.js'
import {
  fetchLayerCounts, fetchMapConfig, fetchMapFeatures, fetchMapRegions, moveLocation,
  type BasemapKey, type ClusterProps, type MapConfig, type MapFeatureCollection, type MapFilters, type MapLayer, type NearestReply, type PointDetail,
} from './api.js'
import { LayerPanel, type LayerFilters } from './LayerPanel.js'
import { maplibregl } from './maplibre.js'
import { annexExportUrl, bboxParam, clusterSummary, geojsonExportUrl, LEGEND, representedCount } from './map-helpers.js'
import { basemapStyle } from './map-style.js'
import { NearestPanel } from './NearestPanel.js'
import { PlaceDrawer, PlaceNewButton, type Placed } from './PlaceNew.js'
import { placedAt, placeLabel, type PlaceKind } from './placing.js'
import { addOverlay, CLUSTER_LAYER, POINT_LAYER, setFeatures, setNearest } from './overlay.js'
import { PointPopup } from './PointPopup.js'
import './map.css'

/** A cluster count label per cluster is cheap up to a few hundred; beyond that size and colour say enough. */
const MAX_CLUSTER_LABELS = 300
const RELOAD_DELAY_MS = 250

type Selected = { layer: MapLayer; id: number; lngLat: [number, number] }
/** `version` is the one the user saw in the popup: a change made since then is refused as stale. */
type Moving = { layer: MapLayer; id: number; name: string; from: [number, number]; version: number }

function htmlMarker(className: string, text: string): HTMLElement {
  const el = document.createElement('div')
  el.className = className
  el.textContent = text
  return el
}

function MapView({ config }: { config: MapConfig }) {
  const { modal } = App.useApp()
  const { region } = useRegionFilter()
  const can = useCan()
  const containerRef = useRef<HTMLDivElement>(null)
  const mapRef = useRef<maplibregl.Map | null>(null)
  const [ready, setReady] = useState(false)

  const [basemap, setBasemap] = useState<BasemapKey>('offline')
  const [layers, setLayers] = useState<MapLayer[]>(LEGEND.map((l) => l.key))
  const [filters, setFilters] = useState<LayerFilters>({ q: '' })
  const query = useMemo<MapFilters>(() => ({ regionCode: region.code, layers, ...filters }), [region.code, layers, filters])

  const [data, setData] = useState<MapFeatureCollection | null>(null)
  const [loading, setLoading] = useState(false)
  const [bbox, setBbox] = useState<string | undefined>()
  const [selected, setSelected] = useState<Selected | null>(null)
  const [moving, setMoving] = useState<Moving | null>(null)
  const [nearestOpen, setNearestOpen] = useState(false)
  const [picking, setPicking] = useState(false)
  const [mapPoint, setMapPoint] = useState<[number, number] | null>(null)
  const [nearest, setNearestReply] = useState<NearestReply | null>(null)
  /** A new record of this kind waits for the map click that places it. */
  const [placing, setPlacing] = useState<PlaceKind | null>(null)
  /** The placed new record whose create drawer is open. */
  const [placed, setPlaced] = useState<Placed | null>(null)

  // Map event handlers are bound once; they read the latest state through refs.
  const dataRef = useRef(data)
  dataRef.current = data
  const nearestRef = useRef(nearest)
  nearestRef.current = nearest
  const pickingRef = useRef(picking)
  pickingRef.current = picking
  const placingRef = useRef(placing)
  placingRef.current = placing
  const queryRef = useRef(query)
  queryRef.current = query

  // The legend counts every layer, switched on or not, so that switching one back on is informed.
  const counts = useAsync((signal) => fetchLayerCounts({ ...query, layers: LEGEND.map((l) => l.key) }, signal), [region.code, filters])

  // ---- loading features for the current view ----
  const loadAbort = useRef<AbortController | null>(null)
  const loadTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const load = useCallback(() => {
    const map = mapRef.current
    if (!map) return
    loadAbort.current?.abort()
    const ac = new AbortController()
    loadAbort.current = ac
    const b = map.getBounds()
    const box = bboxParam({ west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth() })
    setBbox(box)
    setLoading(true)
    const q = queryRef.current
    const request = q.layers.length === 0
      ? Promise.resolve<MapFeatureCollection>({ type: 'FeatureCollection', features: [] })
      : fetchMapFeatures(q, box, Math.round(map.getZoom()), ac.signal)
    request
      .then((fc) => { if (!ac.signal.aborted) setData(fc) })
      .catch(() => {})
      .finally(() => { if (!ac.signal.aborted) setLoading(false) })
  }, [])
  const scheduleLoad = useCallback(() => {
    clearTimeout(loadTimer.current)
    loadTimer.current = setTimeout(load, RELOAD_DELAY_MS)
  }, [load])

  // ---- the map itself ----
  useEffect(() => {
    const map = new maplibregl.Map({
      container: containerRef.current!,
      style: basemapStyle('offline', config),
      center: config.center,
      zoom: config.zoom,
      attributionControl: { compact: true },
    })
    mapRef.current = map
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right')
    map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right')
    map.on('style.load', () => {
      addOverlay(map)
      setFeatures(map, dataRef.current)
      setNearest(map, nearestRef.current)
    })
    map.on('load', () => setReady(true))
    map.on('moveend', scheduleLoad)
    map.on('click', (e) => {
      const kind = placingRef.current
      if (kind) {
        setPlaced({ kind, ...placedAt(e.lngLat.lng, e.lngLat.lat) })
        setPlacing(null)
        return
      }
      if (pickingRef.current) {
        setMapPoint([e.lngLat.lng, e.lngLat.lat])
        setPicking(false)
        return
      }
      const hit = map.queryRenderedFeatures(e.point, { layers: [POINT_LAYER, CLUSTER_LAYER] })[0]
      if (!hit) return
      const at = (hit.geometry as { coordinates: [number, number] }).coordinates
      if (hit.layer.id === CLUSTER_LAYER) {
        map.easeTo({ center: at, zoom: Math.min(map.getZoom() + 2, 18) })
        return
      }
      const p = hit.properties as { layer: MapLayer; id: number }
      setSelected({ layer: p.layer, id: Number(p.id), lngLat: at })
    })
    for (const layer of [POINT_LAYER, CLUSTER_LAYER]) {
      map.on('mouseenter', layer, () => { map.getCanvas().style.cursor = 'pointer' })
      map.on('mouseleave', layer, () => { map.getCanvas().style.cursor = '' })
    }
    return () => {
      clearTimeout(loadTimer.current)
      loadAbort.current?.abort()
      map.remove()
      mapRef.current = null
    }
  }, [config, scheduleLoad])

  useEffect(() => {
    if (ready) mapRef.current!.setStyle(basemapStyle(basemap, config), { diff: false })
  }, [basemap, ready, config])

  useEffect(() => {
    if (ready) load()
  }, [query, ready, load])

  useEffect(() => {
    if (ready) mapRef.current!.getCanvas().style.cursor = picking || placing ? 'crosshair' : ''
  }, [picking, placing, ready])

  // ---- placing a new record: choose the kind, click the place, fill in the drawer ----
  useEffect(() => {
    if (!placing) return
    const cancel = (e: KeyboardEvent) => { if (e.key === 'Escape') setPlacing(null) }
    window.addEventListener('keydown', cancel)
    return () => window.removeEventListener('keydown', cancel)
  }, [placing])
  const startPlacing = (kind: PlaceKind) => {
    setSelected(null)
    setMoving(null)
    setPicking(false)
    setPlaced(null)
    setPlacing(kind)
  }
  // The clicked place shows while the drawer is open; it goes when the record is saved or dropped.
  useEffect(() => {
    const map = mapRef.current
    if (!ready || !map || !placed) return
    const m = new maplibregl.Marker({ color: '#389e0d' }).setLngLat([placed.lng, placed.lat]).addTo(map)
    m.getElement().dataset.testid = 'map-place-marker'
    return () => { m.remove() }
  }, [placed, ready])
  const placedSaved = () => {
    const kind = placed?.kind
    setPlaced(null)
    // The new point must be seen: its layer comes on (which reloads), and the legend recounts.
    if (kind && !layers.includes(kind)) setLayers(LEGEND.map((l) => l.key).filter((k) => k === kind || layers.includes(k)))
    else load()
    counts.reload()
  }

  // ---- drawing: features, cluster counts, nearest results ----
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
  }, [data, ready])

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
  }, [nearest, ready])

  // The place picked on the map shows until a search replaces it.
  useEffect(() => {
    const map = mapRef.current
    if (!ready || !map || !mapPoint || nearest) return
    const m = new maplibregl.Marker({ color: '#1f4e8c' }).setLngLat(mapPoint).addTo(map)
    return () => { m.remove() }
  }, [mapPoint, nearest, ready])

  // Names of the regions one level down, as plain labels (no glyphs needed).
  useEffect(() => {
    const map = mapRef.current
    if (!ready || !map) return
    const ac = new AbortController()
    let markers: maplibregl.Marker[] = []
    fetchMapRegions(region.code, ac.signal).then((regions) => {
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
  }, [region.code, ready])

  // ---- the popup of a clicked point, rendered by React into MapLibre's popup ----
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
  }, [selected, popupBody])

  // ---- moving a point: drag, confirm, save ----
  const startMove = (p: PointDetail) => {
    if (p.lng == null || p.lat == null) return
    setSelected(null)
    setMoving({ layer: p.layer as MapLayer, id: p.id, name: p.name, from: [p.lng, p.lat], version: p.version })
  }
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
  }, [moving, modal, load])

  const focus = useCallback((lng: number, lat: number) => {
    mapRef.current?.easeTo({ center: [lng, lat], zoom: Math.max(mapRef.current.getZoom(), 13) })
  }, [])

  const features = data?.features ?? []
  return (
    <div className={placing ? 'sw-map-page sw-map-placing' : 'sw-map-page'}>
      <div ref={containerRef} className="sw-map-canvas" data-testid="map-canvas" data-ready={ready ? 'true' : 'false'} />
      {!ready && <Spin className="sw-map-spin" />}
      <LayerPanel
        basemaps={config.basemaps}
        basemap={basemap}
        onBasemap={setBasemap}
        layers={layers}
        onLayers={setLayers}
        counts={counts.data?.layers}
        filters={filters}
        onFilters={setFilters}
        drawn={{ features: features.length, records: representedCount(features), truncated: Boolean(data?.truncated), loading }}
        geojsonUrl={geojsonExportUrl(query, bbox)}
        annexUrl={annexExportUrl(region.code)}
      />
      {nearestOpen && (
        <NearestPanel
          picking={picking}
          onPicking={(on) => { setPicking(on); if (on) setPlacing(null) }}
          mapPoint={mapPoint}
          onReply={setNearestReply}
          onFocus={focus}
          onClose={() => { setNearestOpen(false); setPicking(false); setMapPoint(null) }}
        />
      )}
      <div className={nearestOpen ? 'sw-map-actions sw-map-actions-beside' : 'sw-map-actions'}>
        {can('resources.write') && <PlaceNewButton onChoose={startPlacing} />}
        {!nearestOpen && (
          <Button icon={<EnvironmentOutlined />} onClick={() => setNearestOpen(true)} data-testid="nearest-open">
            附近资源
          </Button>
        )}
      </div>
      {placing && (
        <div className="sw-map-banner" data-testid="map-placing">
          点击地图选择新{placeLabel(placing)}的位置（Esc 取消）
          <Button size="small" type="link" onClick={() => setPlacing(null)}>取消</Button>
        </div>
      )}
      <PlaceDrawer placed={placed} regionCode={region.code} onClose={() => setPlaced(null)} onSaved={placedSaved} />
      {moving && (
        <div className="sw-map-banner" data-testid="map-moving">
          拖动红色标记到“{moving.name}”的新位置
          <Button size="small" type="link" onClick={() => setMoving(null)}>取消</Button>
        </div>
      )}
      {selected && createPortal(<PointPopup layer={selected.layer} id={selected.id} onMove={startMove} />, popupBody)}
    </div>
  )
}

/** 应急一张图: every located resource of the jurisdiction on one map. */
export function MapPage() {
  const config = useAsync(() => fetchMapConfig(), [])
  if (config.loading && !config.data) return <Spin style={{ display: 'block', margin: '80px auto' }} />
  if (!config.data) return <Typography.Text type="danger">无法读取地图配置</Typography.Text>
  return <MapView config={config.data} />
}
