import { ApartmentOutlined, ContactsOutlined, TeamOutlined } from '@ant-design/icons'
import { lazy } from 'react'
import type { Feature } from '../../shell/feature.js'

export const unitsFeature: Feature = {
  path: 'units',
  label: '组织机构',
  icon: <ApartmentOutlined />,
  anyOf: ['directory.read'],
  regionFilter: true,
  page: lazy(() => import('./UnitListPage.js').then((m) => ({ default: m.UnitListPage }))),
}

export const peopleFeature: Feature = {
  path: 'people',
  label: '人员通讯录',
  icon: <ContactsOutlined />,
  anyOf: ['directory.read'],
  regionFilter: true,
  page: lazy(() => import('./PersonListPage.js').then((m) => ({ default: m.PersonListPage }))),
}

export const leadingGroupsFeature: Feature = {
  path: 'groups',
  label: '领导小组',
  icon: <TeamOutlined />,
  anyOf: ['directory.read'],
  regionFilter: true,
  page: lazy(() => import('./GroupListPage.js').then((m) => ({ default: m.GroupListPage }))),
}
