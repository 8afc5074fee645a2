import { Form, Input, Modal, type ButtonProps } from 'antd'
import { useEffect, useState } from 'react'

type Props = {
  open: boolean
  title: string
  label: string
  okText: string
  /** Red OK button: the step cannot be undone (撤销). */
  danger?: boolean
  description?: string
  onCancel: () => void
  onSubmit: (reason: string) => Promise<void>
}

/** A step that must say why (退回, 撤销, 解除): the reason is audited and sent with the notice. */
export function ReasonDialog({ open, title, label, okText, danger, description, onCancel, onSubmit }: Props) {
  const [form] = Form.useForm<{ reason: string }>()
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    if (open) form.resetFields()
  }, [open, form])

  const okProps: ButtonProps & { 'data-testid': string } = { danger, 'data-testid': 'reason-ok' }
  const ok = async () => {
    const v = await form.validateFields().catch(() => null)
    if (!v) return
    setBusy(true)
    try {
      await onSubmit(v.reason.trim())
    } catch {
      // shown by the http client; the dialog stays open so the reason is not lost
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal open={open} title={title} okText={okText} okButtonProps={okProps} confirmLoading={busy} onOk={ok} onCancel={onCancel} destroyOnHidden>
      {description && <p>{description}</p>}
      <Form form={form} layout="vertical">
        <Form.Item name="reason" label={label} rules={[{ required: true, whitespace: true, message: `请输入${label}` }, { max: 500 }]}>
          <Input.TextArea rows={3} maxLength={500} showCount data-testid="reason-input" />
        </Form.Item>
      </Form>
    </Modal>
  )
}
