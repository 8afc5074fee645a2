import { AimOutlined, DeleteOutlined, GatewayOutlined } from '@ant-design/icons'
import { Button, InputNumber, Space, Typography } from 'antd'
import type { GeoJSONSource } from 'maplibre-gl'
import { useEffect, useRef, useState } from 'react'
import { roundCoord } from '../../../domain/map/crs.js'
import { SKETCH_LABEL } from '../../../domain/map/position-sources.js'
import { clickedRingToCap, targetShapes, type Shapes } from './geo.js'
import { mapStart, maplibregl, newOfflineMap, villageDots } from './maplibre.js'

type Mode = 'idle' | 'circle' | 'polygon'
type LngLat = [number, number]

const SHAPES = 'wt-shapes'
const DRAFT = 'wt-draft'
const EMPTY = { type: 'FeatureCollection' as const, features: [] }

function draftGeojson(points: LngLat[]) {
  return {
    type: 'FeatureCollection' as const,
    features: [
      ...points.map((p) => ({ type: 'Feature' as const, properties: {}, geometry: { type: 'Point' as const, coordinates: p } })),
      ...(points.length > 1 ? [{ type: 'Feature' as const, properties: {}, geometry: { type: 'LineString' as const, coordinates: points } }] : []),
    ],
  }
}

/**
 * The target drawn on a map: a circle is one click plus a radius, a polygon is clicks and 完成.
 * Shapes add to the chosen regions; the server resolves who lives inside them.
 */
export function TargetMap({ value, onChange }: { value: Shapes; onChange: (v: Shapes) => void }) {
  const box = useRef<HTMLDivElement>(null)
  const mapRef = useRef<maplibregl.Map | null>(null)
  const [ready, setReady] = useState(false)
  const [mode, setMode] = useState<Mode>('idle')
  const [radiusKm, setRadiusKm] = useState(5)
  const [draft, setDraft] = useState<LngLat[]>([])

  // The click handler is bound once; it reads the latest choices through refs.
  const latest = useRef({ value, onChange, mode, radiusKm })
  latest.current = { value, onChange, mode, radiusKm }

  useEffect(() => {
    let map: maplibregl.Map | null = null
    let live = true
    void mapStart().then((start) => {
      if (!live || !box.current) return
      map = newOfflineMap(box.current, start)
      mapRef.current = map
      map.on('load', () => {
        map!.addSource('wt-villages', { type: 'geojson', data: EMPTY })
        // Sketch positions (示意) hollow: a shape drawn around them may miss the real village.
        map!.addLayer({
          id: 'wt-villages', type: 'circle', source: 'wt-villages',
          paint: {
            'circle-radius': ['case', ['get', 'sketch'], 3, 2.5],
            'circle-color': ['case', ['get', 'sketch'], '#ffffff', '#4a5868'],
            'circle-opacity': 0.8,
            'circle-stroke-color': ['case', ['get', 'sketch'], '#8c9bab', '#ffffff'],
            'circle-stroke-width': ['case', ['get', 'sketch'], 1.2, 0.5],
          },
        })
        void villageDots().then((fc) => (map?.getSource('wt-villages') as GeoJSONSource | undefined)?.setData(fc))
        map!.addSource(SHAPES, { type: 'geojson', data: EMPTY })
        map!.addSource(DRAFT, { type: 'geojson', data: EMPTY })
        map!.addLayer({ id: 'wt-fill', type: 'fill', source: SHAPES, paint: { 'fill-color': '#fa541c', 'fill-opacity': 0.18 } })
        map!.addLayer({ id: 'wt-line', type: 'line', source: SHAPES, paint: { 'line-color': '#fa541c', 'line-width': 2 } })
        map!.addLayer({ id: 'wt-draft-line', type: 'line', source: DRAFT, paint: { 'line-color': '#1677ff', 'line-width': 2, 'line-dasharray': [2, 1] } })
        map!.addLayer({ id: 'wt-draft-points', type: 'circle', source: DRAFT, filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-radius': 4, 'circle-color': '#1677ff' } })
        setReady(true)
      })
      map.on('click', (e) => {
        const { value: v, onChange: change, mode: m, radiusKm: r } = latest.current
        const at: LngLat = [e.lngLat.lng, e.lngLat.lat]
        if (m === 'circle') {
          change({ ...v, circles: [...v.circles, { lat: roundCoord(at[1]), lng: roundCoord(at[0]), radiusKm: r }] })
          setMode('idle')
        } else if (m === 'polygon') {
          setDraft((d) => [...d, at])
        }
      })
    })
    return () => {
      live = false
      map?.remove()
      mapRef.current = null
    }
  }, [])

  useEffect(() => {
    if (ready) (mapRef.current?.getSource(SHAPES) as GeoJSONSource | undefined)?.setData(targetShapes(value))
  }, [value, ready])
  useEffect(() => {
    if (ready) (mapRef.current?.getSource(DRAFT) as GeoJSONSource | undefined)?.setData(draftGeojson(draft))
  }, [draft, ready])
  useEffect(() => {
    const canvas = mapRef.current?.getCanvas()
    if (ready && canvas) canvas.style.cursor = mode === 'idle' ? '' : 'crosshair'
  }, [mode, ready])

  const finishPolygon = () => {
    const ring = clickedRingToCap(draft)
    if (ring) onChange({ ...value, polygons: [...value.polygons, ring] })
    setDraft([])
    setMode('idle')
  }
  const setCircleRadius = (i: number, r: number | null) => {
    if (!r || r <= 0) return
    onChange({ ...value, circles: value.circles.map((c, j) => (j === i ? { ...c, radiusKm: r } : c)) })
  }

  return (
    <div data-testid="target-map">
      <Space wrap style={{ marginBottom: 8 }}>
        <Button
          size="small"
          icon={<AimOutlined />}
          type={mode === 'circle' ? 'primary' : 'default'}
          onClick={() => { setDraft([]); setMode(mode === 'circle' ? 'idle' : 'circle') }}
          data-testid="target-map-circle"
        >
          画圆
        </Button>
        <span>半径</span>
        <InputNumber size="small" min={0.1} max={500} step={1} value={radiusKm} onChange={(v) => setRadiusKm(v ?? 5)} suffix="公里" style={{ width: 110 }} data-testid="target-map-radius" />
        <Button
          size="small"
          icon={<GatewayOutlined />}
          type={mode === 'polygon' ? 'primary' : 'default'}
          onClick={() => { setDraft([]); setMode(mode === 'polygon' ? 'idle' : 'polygon') }}
        >
          画多边形
        </Button>
        {mode === 'polygon' && (
          <Button size="small" type="primary" disabled={draft.length < 3} onClick={finishPolygon}>完成（{draft.length} 点）</Button>
        )}
        {mode !== 'idle' && <Typography.Text type="secondary">{mode === 'circle' ? '在地图上点击圆心' : '依次点击各顶点，至少 3 点'}</Typography.Text>}
      </Space>
      <div ref={box} style={{ height: 280, border: '1px solid #e5e9f0', borderRadius: 4 }} data-ready={ready} data-testid="target-map-canvas" />
      <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="target-map-legend">
        深色实心点为辖区内各村（社区）已导入、标注或测绘的位置；空心点为{SKETCH_LABEL}（系统自动摆放，不代表实际地点）。位置在圈定范围内的区划，其责任人将收到预警。
      </Typography.Text>
      {(value.circles.length > 0 || value.polygons.length > 0) && (
        <div style={{ marginTop: 8 }}>
          {value.circles.map((c, i) => (
            <Space key={`c${i}`} style={{ display: 'flex', marginBottom: 4 }} data-testid="target-circle">
              <span>圆 {i + 1}：{c.lat.toFixed(4)}°N，{c.lng.toFixed(4)}°E，半径</span>
              <InputNumber size="small" min={0.1} max={500} value={c.radiusKm} onChange={(r) => setCircleRadius(i, r)} suffix="公里" style={{ width: 110 }} />
              <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label="删除圆" onClick={() => onChange({ ...value, circles: value.circles.filter((_, j) => j !== i) })} />
            </Space>
          ))}
          {value.polygons.map((p, i) => (
            <Space key={`p${i}`} style={{ display: 'flex', marginBottom: 4 }}>
              <span>多边形 {i + 1}：{p.length - 1} 个顶点</span>
              <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label="删除多边形" onClick={() => onChange({ ...value, polygons: value.polygons.filter((_, j) => j !== i) })} />
            </Space>
          ))}
        </div>
      )}
    </div>
  )
}
