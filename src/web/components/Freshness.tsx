import { CheckCircleOutlined } from '@ant-design/icons'
import { Button, Tag, Tooltip, Typography } from 'antd'
import dayjs from 'dayjs'
import { useState } from 'react'

/** The freshness filter: the server's `fresh` takes 'stale' or 'fresh'. */
export const FRESH_OPTIONS = [
  { value: 'stale', label: '待确认' },
  { value: 'fresh', label: '已确认' },
] as const
export type FreshChoice = (typeof FRESH_OPTIONS)[number]['value']

type Confirmable = { confirmedAt: string | null; confirmedByName: string | null; stale: boolean }

/** When the record was last confirmed, and an orange tag once that is too long ago. */
export function FreshnessCell({ confirmedAt, confirmedByName, stale }: Confirmable) {
  const when = confirmedAt ? dayjs(confirmedAt).format('YYYY-MM-DD') : null
  const who = confirmedByName ? `${confirmedByName} ` : ''
  if (stale) {
    return (
      <Tooltip title={when ? `${who}上次确认于 ${when}，已超过更新期限` : '从未确认'}>
        <Tag color="orange" data-testid="stale-tag">待确认</Tag>
      </Tooltip>
    )
  }
  return (
    <Tooltip title={`${who}确认于 ${when}`}>
      <Typography.Text type="secondary" className="sw-num">{when}</Typography.Text>
    </Tooltip>
  )
}

/**
 * “仍有效”: one tap says the record was checked and is still right. Busy while the request runs,
 * so a double tap does not confirm twice against a stale version.
 */
export function ConfirmButton({ onConfirm, stale }: { onConfirm: () => Promise<unknown>; stale: boolean }) {
  const [busy, setBusy] = useState(false)
  const click = async () => {
    setBusy(true)
    try {
      await onConfirm()
    } catch {
      // shown by the http client
    } finally {
      setBusy(false)
    }
  }
  return (
    <Tooltip title="核实后确认信息仍然有效">
      <Button
        type="link"
        size="small"
        icon={<CheckCircleOutlined />}
        loading={busy}
        onClick={(e) => { e.stopPropagation(); void click() }}
        style={stale ? undefined : { color: '#8c8c8c' }}
        data-testid="confirm-fresh"
      >
        仍有效
      </Button>
    </Tooltip>
  )
}

/** Rule breaches the server found (队伍不足30人): orange, so they stand out in a dense table. */
export function WarningTags({ warnings }: { warnings: readonly string[] }) {
  return (
    <>
      {warnings.map((w) => (
        <Tag key={w} color="orange" style={{ marginBlock: 1, whiteSpace: 'normal' }} data-testid="resource-warning">{w}</Tag>
      ))}
    </>
  )
}
