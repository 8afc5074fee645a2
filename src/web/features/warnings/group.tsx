import { AlertOutlined } from '@ant-design/icons'
import type { FeatureGroup } from '../../shell/feature.js'
import { UnreadBadge } from '../inbox/UnreadBadge.js'

/** The 预警叫应 submenu: warnings, boards, door knocks, drills, linkage groups and the inbox. */
export const warningsGroup: FeatureGroup = {
  key: 'group-warnings',
  label: '预警叫应',
  // A folded submenu still shows that a warning waits to be confirmed.
  icon: <UnreadBadge dot><AlertOutlined /></UnreadBadge>,
}
