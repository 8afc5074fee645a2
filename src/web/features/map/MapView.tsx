import { Spin } from 'antd'
import { useCallback, useEffect, useRef } from 'react'
import { maplibregl } from '../../lib/maplibre.js'
import { basemapStyle } from '../../lib/map-style.js'
import { fetchMapFeatures, type MapConfig, type MapFeatureCollection, type MapLayer } from './api.js'
import { useMapLayers } from './map-layers.js'
import { bboxParam } from './map-helpers.js'
import { MapPanels } from './MapPanels.js'
import { addOverlay, CLUSTER_LAYER, POINT_LAYER, setFeatures, setNearest } from './overlay.js'
import { placedAt } from './placing.js'
import { useMapState } from './use-map-state.js'
import './map.css'

const RELOAD_DELAY_MS = 250

/** The MapLibre map of the 一张图: it loads the features of the view and turns clicks into the state's actions. */
export function MapView({ config }: { config: MapConfig }) {
  const s = useMapState()
  const { setData, setLoading, setBbox, setReady, setPlaced, setPlacing, setMapPoint, setPicking, setSelected } = s
  const containerRef = useRef<HTMLDivElement>(null)
  const mapRef = useRef<maplibregl.Map | null>(null)

  // Map event handlers are bound once; they read the latest state through refs.
  const dataRef = useRef(s.data)
  dataRef.current = s.data
  const nearestRef = useRef(s.nearest)
  nearestRef.current = s.nearest
  const pickingRef = useRef(s.picking)
  pickingRef.current = s.picking
  const placingRef = useRef(s.placing)
  placingRef.current = s.placing
  const queryRef = useRef(s.query)
  queryRef.current = s.query

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
  }, [setBbox, setLoading, setData])
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
  }, [config, scheduleLoad, setReady, setPlaced, setPlacing, setMapPoint, setPicking, setSelected])

  const { ready, basemap, query, picking, placing } = s
  useEffect(() => {
    if (ready) mapRef.current!.setStyle(basemapStyle(basemap, config), { diff: false })
  }, [basemap, ready, config])

  useEffect(() => {
    if (ready) load()
  }, [query, ready, load])

  useEffect(() => {
    if (ready) mapRef.current!.getCanvas().style.cursor = picking || placing ? 'crosshair' : ''
  }, [picking, placing, ready])

  const popupBody = useMapLayers(mapRef, s, load)

  const focus = useCallback((lng: number, lat: number) => {
    mapRef.current?.easeTo({ center: [lng, lat], zoom: Math.max(mapRef.current.getZoom(), 13) })
  }, [])

  return (
    <div className={placing ? 'sw-map-page sw-map-placing' : 'sw-map-page'}>
      <div ref={containerRef} className="sw-map-canvas" data-testid="map-canvas" data-ready={ready ? 'true' : 'false'} />
      {!ready && <Spin className="sw-map-spin" />}
      <MapPanels state={s} config={config} load={load} onFocus={focus} popupBody={popupBody} />
    </div>
  )
}
