import { AimOutlined, GlobalOutlined } from '@ant-design/icons'
import { lazy } from 'react'
import type { Feature } from '../../shell/feature.js'
import { resourcesGroup } from '../../shell/menu-groups.js'

// MapLibre is large: it loads only with this page, in its own chunk.
const MapPage = lazy(() => import('./MapPage.js').then((m) => ({ default: m.MapPage })))
const PositionsPage = lazy(() => import('./PositionsPage.js').then((m) => ({ default: m.PositionsPage })))

export const mapFeature: Feature = {
  path: 'map',
  label: '应急一张图',
  icon: <GlobalOutlined />,
  anyOf: ['resources.read'],
  regionFilter: true,
  group: resourcesGroup,
  page: MapPage,
}

/** Where regions are and where that came from: sketch positions, import, marking by hand. */
export const positionsFeature: Feature = {
  path: 'region-positions',
  label: '区划位置',
  icon: <AimOutlined />,
  anyOf: ['resources.read'],
  regionFilter: true,
  group: resourcesGroup,
  page: PositionsPage,
}
