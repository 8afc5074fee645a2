import { BarChartOutlined, CheckSquareOutlined, FieldTimeOutlined } from '@ant-design/icons'
import { lazy } from 'react'
import type { Feature } from '../../shell/feature.js'
import { resourcesGroup } from '../../shell/menu-groups.js'

export const rollupFeature: Feature = {
  path: 'rollup',
  label: '汇总统计',
  icon: <BarChartOutlined />,
  anyOf: ['resources.read'],
  group: resourcesGroup,
  page: lazy(() => import('./RollupPage.js').then((m) => ({ default: m.RollupPage }))),
}

export const completenessFeature: Feature = {
  path: 'completeness',
  label: '应排尽排',
  icon: <CheckSquareOutlined />,
  anyOf: ['resources.read'],
  regionFilter: true,
  group: resourcesGroup,
  page: lazy(() => import('./CompletenessPage.js').then((m) => ({ default: m.CompletenessPage }))),
}

export const attentionFeature: Feature = {
  path: 'attention',
  label: '到期与状态',
  icon: <FieldTimeOutlined />,
  anyOf: ['resources.read'],
  regionFilter: true,
  group: resourcesGroup,
  page: lazy(() => import('./AttentionPage.js').then((m) => ({ default: m.AttentionPage }))),
}
