import { ApiOutlined, SafetyCertificateOutlined } from '@ant-design/icons'
import { lazy } from 'react'
import type { Feature } from '../../shell/feature.js'

export const gatewaySettingsFeature: Feature = {
  path: 'gateway-settings',
  label: '网关回调',
  icon: <ApiOutlined />,
  anyOf: ['system.settings'],
  page: lazy(() => import('./GatewaySettingsPage.js').then((m) => ({ default: m.GatewaySettingsPage }))),
}

export const issuingSettingsFeature: Feature = {
  path: 'issuing-settings',
  label: '预警发布规则',
  icon: <SafetyCertificateOutlined />,
  anyOf: ['system.settings'],
  page: lazy(() => import('./IssuingSettingsPage.js').then((m) => ({ default: m.IssuingSettingsPage }))),
}
