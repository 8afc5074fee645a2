import type { ExpressionSpecification, GeoJSONSource } from 'maplibre-gl'
import { useEffect, useRef, useState } from 'react'
import { SKETCH_LABEL } from '../../../domain/map/position-sources.js'
import type { VillageState } from './api.js'
import { mapStart, maplibregl, newOfflineMap } from './maplibre.js'

const SOURCE = 'board-villages'
const LAYER = 'board-village-dots'

/** 全部确认 green, 部分 orange, 无人确认 red: where the silence is, at a glance. */
export const VILLAGE_COLORS = { all: '#52c41a', some: '#fa8c16', none: '#cf1322' } as const

const STATE_COLOR: ExpressionSpecification = ['match', ['get', 'state'], 'all', VILLAGE_COLORS.all, 'some', VILLAGE_COLORS.some, VILLAGE_COLORS.none]

function geojson(villages: readonly VillageState[]) {
  return {
    type: 'FeatureCollection' as const,
    features: villages.filter((v) => v.lng !== null && v.lat !== null).map((v) => ({
      type: 'Feature' as const,
      properties: { code: v.code, name: v.name, state: v.state, recipients: v.recipients, acknowledged: v.acknowledged, sketch: v.positionSource === 'sketch' },
      geometry: { type: 'Point' as const, coordinates: [v.lng!, v.lat!] },
    })),
  }
}

/** The warning's villages as dots coloured by how many of their people have confirmed. */
export function VillageMap({ villages }: { villages: readonly VillageState[] }) {
  const box = useRef<HTMLDivElement>(null)
  const mapRef = useRef<maplibregl.Map | null>(null)
  const [ready, setReady] = useState(false)
  const fitted = useRef(false)

  useEffect(() => {
    let map: maplibregl.Map | null = null
    let live = true
    void mapStart().then((start) => {
      if (!live || !box.current) return
      map = newOfflineMap(box.current, start)
      mapRef.current = map
      map.on('load', () => {
        map!.addSource(SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } })
        map!.addLayer({
          id: LAYER,
          type: 'circle',
          source: SOURCE,
          paint: {
            'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, 4, 12, 8],
            // A sketch position (示意) is a ring in the state's colour: the village is not really there.
            'circle-color': ['case', ['get', 'sketch'], '#ffffff', STATE_COLOR],
            'circle-stroke-color': ['case', ['get', 'sketch'], STATE_COLOR, '#fff'],
            'circle-stroke-width': ['case', ['get', 'sketch'], 2.5, 1],
          },
        })
        setReady(true)
      })
      map.on('click', LAYER, (e) => {
        const f = e.features?.[0]
        if (!f) return
        const p = f.properties as { name: string; recipients: number; acknowledged: number; sketch: boolean }
        const el = document.createElement('div')
        el.textContent = `${p.name}：已确认 ${p.acknowledged} / ${p.recipients} 人${p.sketch ? `（${SKETCH_LABEL}，不代表实际地点）` : ''}`
        new maplibregl.Popup({ closeButton: false }).setLngLat(e.lngLat).setDOMContent(el).addTo(map!)
      })
      map.on('mouseenter', LAYER, () => { map!.getCanvas().style.cursor = 'pointer' })
      map.on('mouseleave', LAYER, () => { map!.getCanvas().style.cursor = '' })
    })
    return () => {
      live = false
      map?.remove()
      mapRef.current = null
    }
  }, [])

  useEffect(() => {
    const map = mapRef.current
    if (!ready || !map) return
    const data = geojson(villages)
    ;(map.getSource(SOURCE) as GeoJSONSource | undefined)?.setData(data)
    // Fit once: a live update must not yank the view the officer has zoomed to.
    if (!fitted.current && data.features.length > 0) {
      const b = new maplibregl.LngLatBounds()
      for (const f of data.features) b.extend(f.geometry.coordinates as [number, number])
      map.fitBounds(b, { padding: 30, maxZoom: 12, duration: 0 })
      fitted.current = true
    }
  }, [villages, ready])

  return (
    <div style={{ position: 'relative' }}>
      <div ref={box} style={{ height: 320, border: '1px solid #e5e9f0', borderRadius: 4 }} data-ready={ready} data-testid="board-village-map" />
      <div style={{ position: 'absolute', left: 8, bottom: 8, background: 'rgba(255,255,255,0.92)', padding: '4px 8px', borderRadius: 4, fontSize: 12 }}>
        {([['all', '全部确认'], ['some', '部分确认'], ['none', '无人确认']] as const).map(([k, label]) => (
          <span key={k} style={{ marginRight: 10 }}>
            <span style={{ display: 'inline-block', width: 10, height: 10, borderRadius: 5, background: VILLAGE_COLORS[k], marginRight: 4 }} />
            {label}
          </span>
        ))}
        <span data-testid="board-village-sketch">
          <span style={{ display: 'inline-block', width: 10, height: 10, borderRadius: 5, border: '2px solid #8c8c8c', background: '#fff', marginRight: 4, verticalAlign: -1 }} />
          {SKETCH_LABEL}
        </span>
      </div>
    </div>
  )
}
