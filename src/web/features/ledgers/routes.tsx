import { FileExcelOutlined } from '@ant-design/icons'
import { lazy } from 'react'
import type { Feature } from '../../shell/feature.js'
import { resourcesGroup } from '../../shell/menu-groups.js'

export const ledgersFeature: Feature = {
  path: 'ledgers',
  label: '台账导入导出',
  icon: <FileExcelOutlined />,
  anyOf: ['resources.read'],
  regionFilter: true,
  group: resourcesGroup,
  page: lazy(() => import('./LedgerPage.js').then((m) => ({ default: m.LedgerPage }))),
}
