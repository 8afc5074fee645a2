import { Button, Result, Spin } from 'antd'
import type { ReactNode } from 'react'
import { Navigate, useLocation } from 'react-router'
import { FirstPasswordScreen } from './account/FirstPasswordScreen.js'
import { useSession } from '../lib/session.js'

/**
 * Pages behind login: wait for /api/auth/me, send anonymous visitors to /login and back after,
 * and put a one-time password's replacement before anything else.
 */
export function RequireSession({ children }: { children: ReactNode }) {
  const { state, retry } = useSession()
  const location = useLocation()
  if (state.status === 'loading') {
    return <Spin size="large" fullscreen description="正在加载…" />
  }
  if (state.status === 'offline') {
    return (
      <Result
        status="warning"
        title="无法连接服务器"
        subTitle={state.message}
        extra={<Button type="primary" onClick={retry}>重试</Button>}
      />
    )
  }
  if (state.status === 'anonymous') {
    const next = location.pathname + location.search
    return <Navigate to={next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />
  }
  if (state.me.mustChangePassword) return <FirstPasswordScreen />
  return <>{children}</>
}
