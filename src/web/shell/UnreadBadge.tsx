import { Badge } from 'antd'
import { useSyncExternalStore, type CSSProperties, type ReactNode } from 'react'
import { subscribeUnread, unreadCount } from './unread.js'

export function useUnread(): number {
  return useSyncExternalStore(subscribeUnread, unreadCount)
}

type Props = {
  children: ReactNode
  dot?: boolean
  /** The menu passes its icon class and style down to whatever stands as the icon. */
  className?: string
  style?: CSSProperties
}

/** An icon carrying the number of unconfirmed messages (or a dot, on a submenu). */
export function UnreadBadge({ children, dot, className, style }: Props) {
  const n = useUnread()
  return (
    <Badge className={className} style={style} count={dot ? undefined : n} dot={dot && n > 0} size="small" offset={[2, -2]} data-testid={dot ? undefined : 'inbox-unread'} data-count={n}>
      {children}
    </Badge>
  )
}
