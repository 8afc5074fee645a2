import { Progress } from 'antd'
import type { Board } from './api.js'
import { STATE_SERIES } from './board-charts.js'
import { percent } from './labels.js'

/**
 * The four numbers an officer reads first, and the ring filling towards 100%. `data-value`
 * carries the plain number for anything that reads the page.
 */
export function BoardNumbers({ totals, drill }: { totals: Board['totals']; drill: boolean }) {
  const p = percent(totals.acknowledged, totals.recipients)
  return (
    <div className="sw-board-numbers" data-testid="board-numbers" data-recipients={totals.recipients}>
      <div className="sw-board-ring">
        <Progress
          type="circle"
          percent={p}
          size={120}
          strokeColor={p === 100 ? '#52c41a' : '#1677ff'}
          format={() => (
            <div>
              <div style={{ fontSize: 26, fontWeight: 600 }}>{p}%</div>
              <div style={{ fontSize: 12, color: '#8c8c8c' }}>共 {totals.recipients} 人</div>
            </div>
          )}
        />
      </div>
      {STATE_SERIES.map((s) => (
        <div key={s.key} className="sw-board-number" data-testid={`board-${s.key}`} data-value={totals[s.key]}>
          <div className="sw-board-number-value sw-num" style={{ color: s.color }}>{totals[s.key]}</div>
          <div className="sw-board-number-label">{drill && s.key === 'unreachable' ? '联系不上（需核实号码）' : s.label}</div>
        </div>
      ))}
    </div>
  )
}
