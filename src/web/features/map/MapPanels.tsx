import { EnvironmentOutlined } from '@ant-design/icons'
import { Button } from 'antd'
import { createPortal } from 'react-dom'
import { useCan } from '../../lib/session.js'
import type { MapConfig } from './api.js'
import { LayerPanel } from './LayerPanel.js'
import { annexExportUrl, geojsonExportUrl, representedCount } from './map-helpers.js'
import { NearestPanel } from './NearestPanel.js'
import { PlaceDrawer, PlaceNewButton } from './PlaceNew.js'
import { placeLabel } from './placing.js'
import { PointPopup } from './PointPopup.js'
import type { MapState } from './use-map-state.js'

type Props = {
  state: MapState
  config: MapConfig
  /** Reloads the features of the current view. */
  load: () => void
  /** Brings a place into view (a result of the nearest search). */
  onFocus: (lng: number, lat: number) => void
  /** Where the clicked point's popup renders, inside MapLibre's popup. */
  popupBody: HTMLElement
}

/** What floats over the map: layers and legend, the nearest search, actions, banners, drawers and the popup. */
export function MapPanels({ state: s, config, load, onFocus, popupBody }: Props) {
  const can = useCan()
  const features = s.data?.features ?? []
  return (
    <>
      <LayerPanel
        basemaps={config.basemaps}
        basemap={s.basemap}
        onBasemap={s.setBasemap}
        layers={s.layers}
        onLayers={s.setLayers}
        counts={s.counts.data?.layers}
        filters={s.filters}
        onFilters={s.setFilters}
        drawn={{ features: features.length, records: representedCount(features), truncated: Boolean(s.data?.truncated), loading: s.loading }}
        geojsonUrl={geojsonExportUrl(s.query, s.bbox)}
        annexUrl={annexExportUrl(s.region.code)}
      />
      {s.nearestOpen && (
        <NearestPanel
          picking={s.picking}
          onPicking={s.pickOnMap}
          mapPoint={s.mapPoint}
          onReply={s.setNearestReply}
          onFocus={onFocus}
          onClose={s.closeNearest}
        />
      )}
      <div className={s.nearestOpen ? 'sw-map-actions sw-map-actions-beside' : 'sw-map-actions'}>
        {can('resources.write') && <PlaceNewButton onChoose={s.startPlacing} />}
        {!s.nearestOpen && (
          <Button icon={<EnvironmentOutlined />} onClick={() => s.setNearestOpen(true)} data-testid="nearest-open">
            附近资源
          </Button>
        )}
      </div>
      {s.placing && (
        <div className="sw-map-banner" data-testid="map-placing">
          点击地图选择新{placeLabel(s.placing)}的位置（Esc 取消）
          <Button size="small" type="link" onClick={() => s.setPlacing(null)}>取消</Button>
        </div>
      )}
      <PlaceDrawer placed={s.placed} regionCode={s.region.code} onClose={() => s.setPlaced(null)} onSaved={() => s.placedSaved(load)} />
      {s.moving && (
        <div className="sw-map-banner" data-testid="map-moving">
          拖动红色标记到“{s.moving.name}”的新位置
          <Button size="small" type="link" onClick={() => s.setMoving(null)}>取消</Button>
        </div>
      )}
      {s.selected && createPortal(<PointPopup layer={s.selected.layer} id={s.selected.id} onMove={s.startMove} />, popupBody)}
    </>
  )
}
