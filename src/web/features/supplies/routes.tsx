import { InboxOutlined } from '@ant-design/icons'
import { lazy } from 'react'
import type { Feature } from '../../shell/feature.js'
import { resourcesGroup } from '../../shell/menu-groups.js'
import type { PlaceEditor, PlaceEditorProps } from '../../shell/registry.js'

export const suppliesFeature: Feature = {
  path: 'supplies',
  label: '物资装备',
  icon: <InboxOutlined />,
  anyOf: ['resources.read'],
  regionFilter: true,
  group: resourcesGroup,
  page: lazy(() => import('./SupplyListPage.js').then((m) => ({ default: m.SupplyListPage }))),
}

/** The supply line's create drawer, for the map's 新增点位; loaded when first opened. */
const PlacedSupply = lazy(() => import('./SupplyDrawer.js').then((m) => ({
  default: ({ regionCode, at, onClose, onSaved }: PlaceEditorProps) => (
    <m.SupplyDrawer open supply={null} defaultRegionCode={regionCode} initial={at} onClose={onClose} onSaved={onSaved} />
  ),
})))

export const supplyPlaceEditor: PlaceEditor = { kind: 'supply', Editor: PlacedSupply }
