import { DatabaseOutlined } from '@ant-design/icons'
import type { FeatureGroup } from '../../shell/feature.js'

/** The 应急资源 submenu: resource lists, supplies, roll-ups and ledgers sit under it. */
export const resourcesGroup: FeatureGroup = { key: 'group-resources', label: '应急资源', icon: <DatabaseOutlined /> }
