import { Radio, Tag } from 'antd'
import { WARNING_LEVEL_KEYS, type WarningLevel } from '../../domain/warnings/levels.js'
import { levelInfo, levelTextColor, STATUS_COLORS, statusLabel } from '../lib/warning-labels.js'

/** The level in its own colour: 红 橙 黄 蓝 is how everyone reads a warning first. */
export function LevelTag({ level, short }: { level: number; short?: boolean }) {
  const info = levelInfo(level)
  return (
    <Tag color={info.color} variant="solid" style={{ color: levelTextColor(level), fontWeight: 600 }} data-testid="level-tag">
      {short ? info.short : info.label}
    </Tag>
  )
}

export function StatusTag({ status }: { status: string }) {
  return <Tag color={STATUS_COLORS[status as keyof typeof STATUS_COLORS] ?? 'default'}>{statusLabel(status)}</Tag>
}

/** Level choice as four coloured buttons. */
export function LevelRadio({ value, onChange }: { value?: WarningLevel; onChange?: (v: WarningLevel) => void }) {
  return (
    <Radio.Group value={value} onChange={(e) => onChange?.(e.target.value as WarningLevel)} buttonStyle="solid" data-testid="warning-level">
      {WARNING_LEVEL_KEYS.map((l) => {
        const info = levelInfo(l)
        const on = value === l
        return (
          <Radio.Button
            key={l}
            value={l}
            data-testid={`warning-level-${l}`}
            style={on ? { background: info.color, borderColor: info.color, color: levelTextColor(l) } : { color: info.color, fontWeight: 600 }}
          >
            {info.label}
          </Radio.Button>
        )
      })}
    </Radio.Group>
  )
}
