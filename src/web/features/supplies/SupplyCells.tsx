import { Tag } from 'antd'
import { BLANK } from '../../lib/format.js'
import type { Supply } from './api.js'

const CONDITION_COLORS: Record<string, string> = { good: 'green', repair: 'orange', scrapped: 'red' }

export function conditionTag(s: Pick<Supply, 'condition' | 'conditionLabel'>) {
  return <Tag color={CONDITION_COLORS[s.condition]}>{s.conditionLabel}</Tag>
}

/** Within this many days an expiry date is shown as a warning. */
const EXPIRY_NOTICE_DAYS = 30

/** The expiry date, and how close it is once that matters (过期 red, soon orange). */
export function ExpiryCell({ supply: s }: { supply: Pick<Supply, 'expiresOn' | 'expired' | 'daysToExpiry' | 'maintenanceDue'> }) {
  return (
    <span>
      <span className="sw-num">{s.expiresOn ?? BLANK}</span>
      {s.expired && <Tag color="red" style={{ marginLeft: 4 }}>已过期</Tag>}
      {!s.expired && s.daysToExpiry !== null && s.daysToExpiry <= EXPIRY_NOTICE_DAYS && (
        <Tag color="orange" style={{ marginLeft: 4 }}>{s.daysToExpiry === 0 ? '今天到期' : `${s.daysToExpiry} 天后到期`}</Tag>
      )}
      {s.maintenanceDue && <Tag color="gold" style={{ marginLeft: 4 }}>应保养</Tag>}
    </span>
  )
}
