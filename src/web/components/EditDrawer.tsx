import { Alert, Button, Drawer, Space } from 'antd'
import type { ReactNode } from 'react'

type Props = {
  open: boolean
  title: string
  size: number
  busy: boolean
  onClose: () => void
  onSave: () => void
  saveTestId: string
  saveLabel?: string
  /** Shown above the form after a stale save; null hides it. */
  staleNotice: string | null
  children: ReactNode
}

/** A drawer holding one record's form: 取消 and 保存 at the top, the stale-version notice above the form. */
export function EditDrawer({ open, title, size, busy, onClose, onSave, saveTestId, saveLabel = '保存', staleNotice, children }: Props) {
  return (
    <Drawer
      open={open}
      title={title}
      size={size}
      onClose={onClose}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>取消</Button>
          <Button type="primary" loading={busy} onClick={onSave} data-testid={saveTestId}>{saveLabel}</Button>
        </Space>
      }
    >
      {staleNotice && <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={staleNotice} />}
      {children}
    </Drawer>
  )
}
