import { http } from '../../lib/http.js'
import type { MapConfig } from '../../lib/map-api.js'
import { maplibregl } from '../../lib/maplibre.js'
import { offlineStyle } from '../../lib/map-style.js'

export { maplibregl }

/** 湖州 is as good a default as any when the map configuration cannot be read. */
const FALLBACK: Pick<MapConfig, 'center' | 'zoom'> = { center: [120.1, 30.87], zoom: 8 }

/** Where the user's jurisdiction is, from the one-map's configuration. */
export async function mapStart(): Promise<Pick<MapConfig, 'center' | 'zoom'>> {
  return http.get<MapConfig>('/api/map/config', undefined, { quiet: true }).catch(() => FALLBACK)
}

type Marker = { code: string; name: string; lng: number; lat: number; positionSource: string }

/**
 * The villages of the user's jurisdiction as faint dots: on a basemap with no tiles, they show
 * where people live, which is what a drawn circle is meant to cover. `sketch` marks positions the
 * system invented (示意), drawn hollow.
 */
export async function villageDots() {
  const rows = await http.get<Marker[]>('/api/map/regions', { level: 'village' }, { quiet: true }).catch(() => [])
  return {
    type: 'FeatureCollection' as const,
    features: rows.map((r) => ({
      type: 'Feature' as const,
      properties: { name: r.name, sketch: r.positionSource === 'sketch' },
      geometry: { type: 'Point' as const, coordinates: [r.lng, r.lat] },
    })),
  }
}

/** A map needing no network at all: our data is drawn over a plain graticule. */
export function newOfflineMap(container: HTMLElement, start: Pick<MapConfig, 'center' | 'zoom'>): maplibregl.Map {
  const map = new maplibregl.Map({
    container,
    style: offlineStyle(),
    center: start.center,
    zoom: start.zoom,
    attributionControl: false,
  })
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right')
  // Drawers and tabs size the container after the map has measured it.
  const ro = new ResizeObserver(() => map.resize())
  ro.observe(container)
  map.once('remove', () => ro.disconnect())
  return map
}
