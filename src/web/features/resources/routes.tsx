import { BankOutlined, HomeOutlined, ShopOutlined, SolutionOutlined, TeamOutlined, WarningOutlined } from '@ant-design/icons'
import { lazy } from 'react'
import { RESOURCE_KIND_KEYS, type ResourceKind } from '../../../domain/resources/kinds.js'
import type { Feature } from '../../shell/feature.js'
import { resourcesGroup } from '../../shell/menu-groups.js'
import type { PlaceEditor, PlaceEditorProps } from '../../shell/registry.js'

/** One lazily loaded page per kind, all served by the shared list page. */
function resourcePage(kind: ResourceKind) {
  return lazy(() => import('./ResourceListPage.js').then((m) => ({ default: () => <m.ResourceListPage kind={kind} /> })))
}

const resourceFeature = (path: string, label: string, icon: Feature['icon'], kind: ResourceKind): Feature => ({
  path,
  label,
  icon,
  anyOf: ['resources.read'],
  regionFilter: true,
  group: resourcesGroup,
  page: resourcePage(kind),
})

export const teamsFeature = resourceFeature('teams', '救援队伍', <TeamOutlined />, 'team')
export const expertsFeature = resourceFeature('experts', '应急专家', <SolutionOutlined />, 'expert')
export const storagePointsFeature = resourceFeature('storage-points', '储备点/储备库', <BankOutlined />, 'storage_point')
export const sheltersFeature = resourceFeature('shelters', '避难场所', <HomeOutlined />, 'shelter')
export const riskPointsFeature = resourceFeature('risk-points', '风险隐患点', <WarningOutlined />, 'risk_point')
export const suppliersFeature = resourceFeature('suppliers', '保供单位', <ShopOutlined />, 'supplier')

/** Each kind's create drawer, for the map's 新增点位; loaded when first opened. */
const PlacedResource = lazy(() => import('./ResourceDrawer.js').then((m) => ({
  default: ({ kind, regionCode, at, onClose, onSaved }: PlaceEditorProps & { kind: ResourceKind }) => (
    <m.ResourceDrawer kind={kind} open record={null} defaultRegionCode={regionCode} initial={at} onClose={onClose} onSaved={onSaved} />
  ),
})))

export const resourcePlaceEditors: readonly PlaceEditor[] = RESOURCE_KIND_KEYS.map((kind) => ({
  kind,
  Editor: (p: PlaceEditorProps) => <PlacedResource kind={kind} {...p} />,
}))
