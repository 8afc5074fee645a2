import { GlobalOutlined } from '@ant-design/icons'
import { lazy } from 'react'
import type { Feature } from '../../shell/feature.js'
import { resourcesGroup } from '../resources/group.js'

// MapLibre is large: it loads only with this page, in its own chunk.
const MapPage = lazy(() => import('./MapPage.js').then((m) => ({ default: m.MapPage })))

export const mapFeature: Feature = {
  path: 'map',
  label: '应急一张图',
  icon: <GlobalOutlined />,
  anyOf: ['resources.read'],
  regionFilter: true,
  group: resourcesGroup,
  page: MapPage,
}
