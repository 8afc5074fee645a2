import { AlertOutlined, DashboardOutlined, HomeOutlined, NotificationOutlined } from '@ant-design/icons'
import { lazy } from 'react'
import type { Feature } from '../../shell/feature.js'
import { warningsGroup } from '../../shell/menu-groups.js'

export const warningsFeature: Feature = {
  path: 'warnings',
  label: '预警发布',
  icon: <AlertOutlined />,
  anyOf: ['warnings.read'],
  group: warningsGroup,
  page: lazy(() => import('./WarningListPage.js').then((m) => ({ default: m.WarningListPage }))),
}

/** `/boards/:id` is one warning's live board; `/boards` lists those in force. */
export const boardsFeature: Feature = {
  path: 'boards',
  label: '叫应看板',
  icon: <DashboardOutlined />,
  anyOf: ['warnings.read'],
  group: warningsGroup,
  page: lazy(() => import('./BoardsPage.js').then((m) => ({ default: m.BoardsPage }))),
}

export const doorKnocksFeature: Feature = {
  path: 'door-knocks',
  label: '上门叫应任务',
  icon: <HomeOutlined />,
  anyOf: ['warnings.read'],
  group: warningsGroup,
  page: lazy(() => import('./DoorKnockPage.js').then((m) => ({ default: m.DoorKnockPage }))),
}

export const drillsFeature: Feature = {
  path: 'drills',
  label: '通联演练',
  icon: <NotificationOutlined />,
  anyOf: ['warnings.read'],
  group: warningsGroup,
  page: lazy(() => import('./DrillPage.js').then((m) => ({ default: m.DrillPage }))),
}
