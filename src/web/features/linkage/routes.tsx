import { TeamOutlined } from '@ant-design/icons'
import { lazy } from 'react'
import type { Feature } from '../../shell/feature.js'
import { warningsGroup } from '../../shell/menu-groups.js'

export const linkageFeature: Feature = {
  path: 'linkage',
  label: '联动工作群',
  icon: <TeamOutlined />,
  anyOf: ['warnings.read'],
  // The shell's region navigator picks whose group is shown.
  regionFilter: true,
  group: warningsGroup,
  page: lazy(() => import('./LinkagePage.js').then((m) => ({ default: m.LinkagePage }))),
}
