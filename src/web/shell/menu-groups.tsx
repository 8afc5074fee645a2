import { AlertOutlined, DatabaseOutlined } from '@ant-design/icons'
import type { FeatureGroup } from './feature.js'
import { UnreadBadge } from './UnreadBadge.js'

/*
 * The submenus features sit under. They belong to the shell, so that a feature names its group
 * without importing the capability the group is named after.
 */

/** The 应急资源 submenu: resource lists, supplies, roll-ups and ledgers sit under it. */
export const resourcesGroup: FeatureGroup = { key: 'group-resources', label: '应急资源', icon: <DatabaseOutlined /> }

/** The 预警叫应 submenu: warnings, boards, door knocks, drills, linkage groups and the inbox. */
export const warningsGroup: FeatureGroup = {
  key: 'group-warnings',
  label: '预警叫应',
  // A folded submenu still shows that a warning waits to be confirmed.
  icon: <UnreadBadge dot><AlertOutlined /></UnreadBadge>,
}
