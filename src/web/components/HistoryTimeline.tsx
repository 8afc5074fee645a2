import { Empty, Timeline, Typography } from 'antd'
import { formatTime } from '../lib/format.js'

/** One line of a record's audit trail (resources and supply lines answer the same shape). */
type Entry = { id?: number; at: string; actorName: string; action: string; actionLabel: string }

/** Who changed the record and when, newest first, from the audit log. */
export function HistoryTimeline({ entries }: { entries: readonly Entry[] }) {
  if (entries.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无操作记录" />
  return (
    <Timeline
      data-testid="history-timeline"
      items={entries.map((h, i) => ({
        key: h.id ?? i,
        color: h.action.endsWith('deleted') ? 'red' : h.action.endsWith('confirmed') ? 'green' : 'blue',
        title: <Typography.Text type="secondary" className="sw-num">{formatTime(h.at)}</Typography.Text>,
        content: <span>{h.actorName} · {h.actionLabel}</span>,
      }))}
    />
  )
}
