import { useEffect, useState } from 'react'
import { http } from '../lib/http.js'

/** The height the banner takes, for pages that size themselves to the window (the one-map). */
const BANNER_HEIGHT = '22px'

/**
 * A thin strip on every page — the login page and the confirm link too — while the deployment
 * holds demo data (GET /api/health says `demo`), so nobody takes made-up people and numbers for
 * real ones or types real ones into a demo. It goes when the demo is purged (npm run demo:purge).
 */
export function DemoBanner() {
  const [demo, setDemo] = useState(false)
  useEffect(() => {
    let live = true
    http.get<{ demo?: boolean }>('/api/health', {}, { quiet: true, anonymous: true })
      .then((h) => { if (live) setDemo(h.demo === true) })
      .catch(() => {})
    return () => { live = false }
  }, [])
  useEffect(() => {
    document.documentElement.style.setProperty('--sw-demo-banner', demo ? BANNER_HEIGHT : '0px')
  }, [demo])
  if (!demo) return null
  return (
    <div className="sw-demo-banner" role="status" data-testid="demo-banner">
      演示数据 · 人员与电话均为虚构，仅供体验，请勿录入真实信息
    </div>
  )
}
