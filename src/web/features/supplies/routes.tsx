import { InboxOutlined } from '@ant-design/icons'
import { lazy } from 'react'
import type { Feature } from '../../shell/feature.js'
import { resourcesGroup } from '../resources/group.js'

export const suppliesFeature: Feature = {
  path: 'supplies',
  label: '物资装备',
  icon: <InboxOutlined />,
  anyOf: ['resources.read'],
  regionFilter: true,
  group: resourcesGroup,
  page: lazy(() => import('./SupplyListPage.js').then((m) => ({ default: m.SupplyListPage }))),
}
