import type { StyleSpecification } from 'maplibre-gl'
import type { BasemapKey, MapConfig } from './map-api.js'

/*
 * Basemap styles. The default needs no network at all (no tiles, no glyphs, no sprites): the
 * county may be offline in a flood. Labels of our own data are HTML markers, so no style here has
 * a symbol layer.
 */

const OFFLINE_BACKGROUND = '#eef2f5'

/** A plain background with a graticule every 0.1°, enough to judge distance and direction. */
export function offlineStyle(): StyleSpecification {
  const lines: Array<[number, number][]> = []
  // Only the area around China: a global 0.1° grid would be needlessly heavy.
  for (let lng = 70; lng <= 140; lng = Math.round((lng + 0.1) * 10) / 10) lines.push([[lng, 0], [lng, 56]])
  for (let lat = 0; lat <= 56; lat = Math.round((lat + 0.1) * 10) / 10) lines.push([[70, lat], [140, lat]])
  return {
    version: 8,
    sources: {
      graticule: {
        type: 'geojson',
        data: { type: 'Feature', properties: {}, geometry: { type: 'MultiLineString', coordinates: lines } },
      },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': OFFLINE_BACKGROUND } },
      { id: 'graticule', type: 'line', source: 'graticule', minzoom: 8, paint: { 'line-color': '#d5dde5', 'line-width': 1 } },
    ],
  }
}

const TDT_SUBDOMAINS = ['0', '1', '2', '3', '4', '5', '6', '7']

/** One 天地图 WMTS layer (web-mercator matrix set `w`) as XYZ tile URLs over the eight hosts. */
export function tiandituTiles(layer: 'vec' | 'cva' | 'img' | 'cia', key: string): string[] {
  return TDT_SUBDOMAINS.map((s) =>
    `https://t${s}.tianditu.gov.cn/${layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${layer}` +
    `&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${encodeURIComponent(key)}`)
}

function rasterStyle(sources: Array<{ id: string; tiles: string[]; attribution?: string }>): StyleSpecification {
  return {
    version: 8,
    sources: Object.fromEntries(sources.map((s) => [s.id, {
      type: 'raster' as const, tiles: s.tiles, tileSize: 256, maxzoom: 18, attribution: s.attribution,
    }])),
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': OFFLINE_BACKGROUND } },
      ...sources.map((s) => ({ id: s.id, type: 'raster' as const, source: s.id })),
    ],
  }
}

/** 天地图 vector or imagery, with its annotation layer (cva/cia) on top. */
export function tiandituStyle(kind: 'vec' | 'img', key: string): StyleSpecification {
  const note = kind === 'vec' ? 'cva' : 'cia'
  const attribution = '© 天地图'
  return rasterStyle([
    { id: `tdt-${kind}`, tiles: tiandituTiles(kind, key), attribution },
    { id: `tdt-${note}`, tiles: tiandituTiles(note, key), attribution },
  ])
}

/** Any XYZ raster service: `https://host/{z}/{x}/{y}.png`, `{s}` not supported by MapLibre. */
export function xyzStyle(template: string): StyleSpecification {
  return rasterStyle([{ id: 'xyz', tiles: [template] }])
}

/** The style of a basemap, falling back to the offline one when its key or template is missing. */
export function basemapStyle(key: BasemapKey, config: Pick<MapConfig, 'tiandituKey' | 'xyzTemplate'>): StyleSpecification {
  if ((key === 'tdt-vec' || key === 'tdt-img') && config.tiandituKey) return tiandituStyle(key === 'tdt-vec' ? 'vec' : 'img', config.tiandituKey)
  if (key === 'xyz' && config.xyzTemplate) return xyzStyle(config.xyzTemplate)
  return offlineStyle()
}
