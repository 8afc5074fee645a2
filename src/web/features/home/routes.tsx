import { HomeOutlined } from '@ant-design/icons'
import { lazy } from 'react'
import type { Feature } from '../../shell/feature.js'

export const homeFeature: Feature = {
  path: '',
  label: '首页',
  icon: <HomeOutlined />,
  page: lazy(() => import('./HomePage.js').then((m) => ({ default: m.HomePage }))),
}
