import { MailOutlined } from '@ant-design/icons'
import { lazy } from 'react'
import type { Feature } from '../../shell/feature.js'
import { warningsGroup } from '../../shell/menu-groups.js'
import { UnreadBadge } from '../../shell/UnreadBadge.js'

/** Every signed-in user: the inbox is empty, and says why, for an account without a person. */
export const inboxFeature: Feature = {
  path: 'inbox',
  label: '我的消息',
  icon: <UnreadBadge><MailOutlined /></UnreadBadge>,
  group: warningsGroup,
  page: lazy(() => import('./InboxRoutes.js').then((m) => ({ default: m.InboxRoutes }))),
}
