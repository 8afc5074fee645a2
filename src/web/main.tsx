import { App, ConfigProvider, Spin } from 'antd'
import zhCNModule from 'antd/locale/zh_CN.js'
import dayjs from 'dayjs'
import 'dayjs/locale/zh-cn.js'
import { lazy, StrictMode, Suspense, useEffect } from 'react'
import { createRoot } from 'react-dom/client'
import { createBrowserRouter, RouterProvider } from 'react-router'
import { bindFeedback } from './lib/feedback.js'
import { AppLayout } from './shell/AppLayout.js'
import { DemoBanner } from './shell/DemoBanner.js'
import { FeatureGate } from './shell/FeatureGate.js'
import { features } from './shell/features.js'
import { NotFoundPage } from './shell/NotFoundPage.js'
import { RequireSession } from './shell/RequireSession.js'
import { SessionProvider } from './lib/session.js'
import { theme } from './shell/theme.js'
import './shell/global.css'

dayjs.locale('zh-cn')

// TypeScript types this CommonJS module as its exports object; Vite hands over its default.
const zhCN = 'default' in zhCNModule ? zhCNModule.default : zhCNModule

const LoginPage = lazy(() => import('./features/auth/LoginPage.js').then((m) => ({ default: m.LoginPage })))
const ConfirmPage = lazy(() => import('./features/confirm/ConfirmPage.js').then((m) => ({ default: m.ConfirmPage })))

const router = createBrowserRouter([
  {
    path: '/login',
    element: (
      <Suspense fallback={<Spin fullscreen />}>
        <LoginPage />
      </Suspense>
    ),
  },
  // A warning's confirm link, opened on a phone by someone who has no account: outside the guard.
  {
    path: '/c/:token',
    element: (
      <Suspense fallback={<Spin fullscreen />}>
        <ConfirmPage />
      </Suspense>
    ),
  },
  {
    path: '/',
    element: (
      <RequireSession>
        <AppLayout />
      </RequireSession>
    ),
    children: [
      ...features.map((f) => (f.path === '' ? { index: true, element: <FeatureGate feature={f} /> } : { path: `${f.path}/*`, element: <FeatureGate feature={f} /> })),
      { path: '*', element: <NotFoundPage /> },
    ],
  },
])

/** Gives the http client the toasts of antd's <App>, which follow the theme and locale. */
function FeedbackBinder() {
  const { message, notification } = App.useApp()
  useEffect(() => bindFeedback(message, notification), [message, notification])
  return null
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConfigProvider locale={zhCN} theme={theme} componentSize="middle">
      <App>
        <FeedbackBinder />
        <DemoBanner />
        <SessionProvider>
          <RouterProvider router={router} />
        </SessionProvider>
      </App>
    </ConfigProvider>
  </StrictMode>,
)
