import { Progress } from 'antd'
import type { Board } from './api.js'
import { STATE_SERIES } from './board-charts.js'

/**
 * The numbers an officer reads first, and the ring filling towards 100% (one decimal: 3 of 481
 * is 0.6 %, not 0 %). 未叫醒 is the length of the list below, by the same rule. `data-value`
 * carries the plain number for anything that reads the page.
 */
export function BoardNumbers({ totals, percent, drill }: { totals: Board['totals']; percent: number; drill: boolean }) {
  const p = percent
  return (
    <div className="sw-board-numbers" data-testid="board-numbers" data-recipients={totals.recipients} data-percent={p}>
      <div className="sw-board-ring">
        <Progress
          type="circle"
          percent={p}
          size={120}
          strokeColor={p === 100 ? '#52c41a' : '#1677ff'}
          format={() => (
            <div>
              <div style={{ fontSize: 26, fontWeight: 600 }} data-testid="board-percent">{p}%</div>
              <div style={{ fontSize: 12, color: '#8c8c8c' }}>{totals.acknowledged} / {totals.recipients} 人</div>
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
      <div className="sw-board-number" data-testid="board-silent-total" data-value={totals.silent}>
        <div className="sw-board-number-value sw-num" style={{ color: totals.silent > 0 ? '#cf1322' : undefined }}>{totals.silent}</div>
        <div className="sw-board-number-label">未叫醒（已呼叫仍未确认）</div>
      </div>
    </div>
  )
}
