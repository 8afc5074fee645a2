import { UserSwitchOutlined } from '@ant-design/icons'
import { lazy } from 'react'
import type { Feature } from '../../shell/feature.js'

export const usersFeature: Feature = {
  path: 'users',
  label: '用户管理',
  icon: <UserSwitchOutlined />,
  anyOf: ['users.manage', 'users.security'],
  regionFilter: true,
  page: lazy(() => import('./UserListPage.js').then((m) => ({ default: m.UserListPage }))),
}
