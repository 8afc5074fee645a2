import { DownloadOutlined } from '@ant-design/icons'
import { Button, Checkbox, Input, Radio, Select, Space, Tooltip, Typography } from 'antd'
import { Link } from 'react-router'
import { SKETCH_HINT, SKETCH_LABEL } from '../../../domain/map/position-sources.js'
import { CONDITIONS } from '../../../domain/resources/kinds.js'
import type { BasemapKey, LayerCount, MapConfig, MapLayer } from './api.js'
import { LEGEND } from './map-helpers.js'

export type LayerFilters = { q: string; condition?: string; fresh?: 'fresh' | 'stale' }

type Props = {
  basemaps: MapConfig['basemaps']
  basemap: BasemapKey
  onBasemap: (key: BasemapKey) => void
  layers: MapLayer[]
  onLayers: (layers: MapLayer[]) => void
  counts: LayerCount[] | undefined
  filters: LayerFilters
  onFilters: (f: LayerFilters) => void
  /** What the map shows now: features drawn, records they stand for, whether the server capped them. */
  drawn: { features: number; records: number; truncated: boolean; loading: boolean }
  geojsonUrl: string
  annexUrl: string
}

/** Basemap, layers with legend and counts, filters and exports: the map's left-hand card. */
export function LayerPanel(p: Props) {
  const countOf = (layer: MapLayer) => p.counts?.find((c) => c.layer === layer)
  const toggle = (layer: MapLayer, on: boolean) =>
    p.onLayers(on ? LEGEND.map((l) => l.key).filter((k) => k === layer || p.layers.includes(k)) : p.layers.filter((k) => k !== layer))

  return (
    <div className="sw-map-card sw-map-layers" data-testid="map-layer-panel">
      <div className="sw-map-card-title">底图</div>
      <Radio.Group
        size="small"
        optionType="button"
        value={p.basemap}
        onChange={(e) => p.onBasemap(e.target.value as BasemapKey)}
        options={p.basemaps.map((b) => ({ value: b.key, label: b.label }))}
        data-testid="map-basemap"
      />

      <div className="sw-map-card-title">图层</div>
      <div className="sw-map-legend">
        {LEGEND.map((l) => {
          const c = countOf(l.key)
          return (
            <label key={l.key} className="sw-map-legend-row" data-testid={`map-layer-${l.key}`}>
              <Checkbox checked={p.layers.includes(l.key)} onChange={(e) => toggle(l.key, e.target.checked)} />
              <span className="sw-map-swatch" style={{ background: l.color }} />
              <span className="sw-map-legend-label">{l.label}</span>
              {c && (
                <Tooltip title={`共 ${c.total}，已定位 ${c.located}，位置待补充 ${c.unlocated}`}>
                  <span className="sw-num sw-map-legend-count">
                    {c.total}
                    {c.unlocated > 0 && <span className="sw-map-unlocated"> / 待补 {c.unlocated}</span>}
                  </span>
                </Tooltip>
              )}
            </label>
          )
        })}
        <Tooltip title={SKETCH_HINT}>
          <div className="sw-map-legend-row" data-testid="map-legend-sketch">
            <span style={{ width: 16 }} />
            <span className="sw-map-swatch sw-map-swatch-sketch" />
            <span className="sw-map-legend-label">{SKETCH_LABEL}（空心点、虚线框）</span>
            <Link to="/region-positions" data-testid="map-legend-positions">区划位置</Link>
          </div>
        </Tooltip>
      </div>

      <div className="sw-map-card-title">筛选</div>
      <Space direction="vertical" size={6} style={{ width: '100%' }}>
        <Input.Search
          size="small"
          allowClear
          placeholder="名称关键字"
          defaultValue={p.filters.q}
          onSearch={(q) => p.onFilters({ ...p.filters, q })}
          data-testid="map-filter-q"
        />
        <Select
          size="small"
          allowClear
          placeholder="状态（物资装备）"
          value={p.filters.condition}
          onChange={(condition) => p.onFilters({ ...p.filters, condition })}
          options={Object.entries(CONDITIONS).map(([value, label]) => ({ value, label }))}
          style={{ width: '100%' }}
        />
        <Select
          size="small"
          allowClear
          placeholder="核实情况"
          value={p.filters.fresh}
          onChange={(fresh) => p.onFilters({ ...p.filters, fresh })}
          options={[{ value: 'fresh', label: '近期已核实' }, { value: 'stale', label: '待核实（超期）' }]}
          style={{ width: '100%' }}
        />
      </Space>

      <Typography.Text type="secondary" className="sw-map-drawn">
        当前视野：
        <span data-testid="map-feature-count" data-records={p.drawn.records} data-loading={p.drawn.loading ? 'true' : 'false'} className="sw-num">
          {p.drawn.features}
        </span>
        {' '}个图元，代表 <span className="sw-num">{p.drawn.records}</span> 条记录
        {p.drawn.truncated && <span className="sw-map-unlocated">（已截断，请放大）</span>}
      </Typography.Text>

      <Space size={6} wrap>
        <Button size="small" icon={<DownloadOutlined />} href={p.geojsonUrl} data-testid="map-export-geojson">导出 GeoJSON</Button>
        <Button size="small" icon={<DownloadOutlined />} href={p.annexUrl}>导出台账</Button>
      </Space>
    </div>
  )
}
