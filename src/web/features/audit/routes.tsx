import { AuditOutlined } from '@ant-design/icons'
import { lazy } from 'react'
import type { Feature } from '../../shell/feature.js'

export const auditFeature: Feature = {
  path: 'audit',
  label: '审计日志',
  icon: <AuditOutlined />,
  anyOf: ['audit.read'],
  page: lazy(() => import('./AuditLogPage.js').then((m) => ({ default: m.AuditLogPage }))),
}
