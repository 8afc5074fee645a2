import { Empty, Timeline } from 'antd'
import { formatSeconds } from '../../lib/format.js'
import type { Board } from './api.js'

/** Colours by what a step means for the officer: done, still trying, or a problem. */
function colorOf(kind: string): string {
  if (/ack|confirm|full/.test(kind)) return 'green'
  if (/fail|unreach|error/.test(kind)) return 'red'
  if (/escalat|door|knock|voice/.test(kind)) return 'orange'
  if (/cancel|end/.test(kind)) return 'gray'
  return 'blue'
}

/** What happened to the warning, newest first (warning_step). */
export function BoardTimeline({ items }: { items: Board['timeline'] }) {
  if (items.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无记录" />
  const newestFirst = [...items].sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
  return (
    <div data-testid="board-timeline">
      <Timeline
        items={newestFirst.map((t, i) => ({
          key: `${t.at}-${i}`,
          color: colorOf(t.kind),
          content: (
            <div>
              <div style={{ fontSize: 12, color: '#8c8c8c' }}>{formatSeconds(t.at)}</div>
              <div>{t.text}</div>
            </div>
          ),
        }))}
      />
    </div>
  )
}
