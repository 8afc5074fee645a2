import { useEffect, useMemo, useState } from 'react'
import { useAsync } from '../../lib/use-async.js'
import { useRegionFilter } from '../../shell/region-filter.js'
import {
  fetchLayerCounts,
  type BasemapKey, type MapFeatureCollection, type MapFilters, type MapLayer, type NearestReply, type PointDetail,
} from './api.js'
import type { LayerFilters } from './LayerPanel.js'
import { LEGEND } from './map-helpers.js'
import type { Placed } from './PlaceNew.js'
import type { PlaceKind } from './placing.js'

export type Selected = { layer: MapLayer; id: number; lngLat: [number, number] }
/** `version` is the one the user saw in the popup: a change made since then is refused as stale. */
export type Moving = { layer: MapLayer; id: number; name: string; from: [number, number]; version: number }

const ALL_LAYERS = (): MapLayer[] => LEGEND.map((l) => l.key)

/**
 * Everything the 一张图 page remembers, in one place: what is shown (basemap, layers, filters and
 * the features drawn), and what the user is doing (a point open, moved or placed, a nearest search).
 * The map, its layers and its panels read it; the modes that exclude each other switch here.
 */
export function useMapState() {
  const { region } = useRegionFilter()
  const [ready, setReady] = useState(false)

  const [basemap, setBasemap] = useState<BasemapKey>('offline')
  const [layers, setLayers] = useState<MapLayer[]>(ALL_LAYERS)
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

  // The legend counts every layer, switched on or not, so that switching one back on is informed.
  const counts = useAsync((signal) => fetchLayerCounts({ ...query, layers: ALL_LAYERS() }, signal), [region.code, filters])

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
  /** After a placed record is saved: `reload` redraws the view when its layer is already on. */
  const placedSaved = (reload: () => void) => {
    const kind = placed?.kind
    setPlaced(null)
    // The new point must be seen: its layer comes on (which reloads), and the legend recounts.
    if (kind && !layers.includes(kind)) setLayers(ALL_LAYERS().filter((k) => k === kind || layers.includes(k)))
    else reload()
    counts.reload()
  }

  // ---- moving a point: drag, confirm, save ----
  const startMove = (p: PointDetail) => {
    if (p.lng == null || p.lat == null) return
    setSelected(null)
    setMoving({ layer: p.layer as MapLayer, id: p.id, name: p.name, from: [p.lng, p.lat], version: p.version })
  }

  // ---- nearest resources: a place typed or picked on the map ----
  const pickOnMap = (on: boolean) => {
    setPicking(on)
    if (on) setPlacing(null)
  }
  const closeNearest = () => {
    setNearestOpen(false)
    setPicking(false)
    setMapPoint(null)
  }

  return {
    region, ready, setReady,
    basemap, setBasemap, layers, setLayers, filters, setFilters, query, counts,
    data, setData, loading, setLoading, bbox, setBbox,
    selected, setSelected, moving, setMoving, startMove,
    nearestOpen, setNearestOpen, picking, setPicking, pickOnMap, mapPoint, setMapPoint, nearest, setNearestReply, closeNearest,
    placing, setPlacing, startPlacing, placed, setPlaced, placedSaved,
  }
}

export type MapState = ReturnType<typeof useMapState>
