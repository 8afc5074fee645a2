import { Route, Routes } from 'react-router'
import { EscalationsPage } from './EscalationsPage.js'
import { InboxPage } from './InboxPage.js'

/** 我的消息, and the 叫应升级名单 its escalation notices link to (/inbox/escalations?warning=…). */
export function InboxRoutes() {
  return (
    <Routes>
      <Route index element={<InboxPage />} />
      <Route path="escalations" element={<EscalationsPage />} />
    </Routes>
  )
}
