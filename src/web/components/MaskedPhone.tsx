import { EyeInvisibleOutlined, EyeOutlined } from '@ant-design/icons'
import { Button, Space, Tooltip, Typography } from 'antd'
import { useState } from 'react'
import { BLANK } from '../lib/format.js'
import { useCan } from '../lib/session.js'

type Props = {
  /** The masked number as listed (138****5678). */
  value: string | null | undefined
  /** Fetches the full number (the person's, unit's or group's reveal endpoint). */
  reveal: () => Promise<string | null>
}

/**
 * Lists show masked numbers (个人信息保护法: least exposure). A user allowed `phone.reveal` may
 * open one number at a time; the server records each opening in the audit log, so nothing is
 * fetched until asked and the full number is forgotten when hidden again.
 */
export function MaskedPhone({ value, reveal }: Props) {
  const can = useCan()
  const [full, setFull] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  if (!value) return <span>{BLANK}</span>

  const toggle = async () => {
    if (full) {
      setFull(null)
      return
    }
    setBusy(true)
    try {
      setFull((await reveal()) ?? value)
    } catch {
      // the http client has shown why
    } finally {
      setBusy(false)
    }
  }

  return (
    <Space size={2} wrap={false}>
      <Typography.Text copyable={full ? { text: full } : false} className="sw-num" data-testid="masked-phone">
        {full ?? value}
      </Typography.Text>
      {can('phone.reveal') && (
        <Tooltip title={full ? '隐藏' : '查看完整号码（将记入审计日志）'}>
          <Button
            type="text"
            size="small"
            aria-label={full ? '隐藏完整号码' : '查看完整号码'}
            icon={full ? <EyeInvisibleOutlined /> : <EyeOutlined />}
            loading={busy}
            onClick={toggle}
            data-testid="reveal-phone"
          />
        </Tooltip>
      )}
    </Space>
  )
}
