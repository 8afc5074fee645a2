import { Alert, Form, Input, Modal } from 'antd'
import { useState } from 'react'
import { toast } from '../../lib/feedback.js'
import { applyFieldErrors, validValues } from '../../lib/form-errors.js'
import { isApiError, reportError } from '../../lib/http.js'
import { confirmRules, newPasswordRules, PASSWORD_HINT } from '../auth/password-rules.js'
import { resetPassword, type User } from './api.js'

type Props = { user: User | null; onClose: () => void; onSaved: () => void }
type Values = { password: string; confirm: string }

export function ResetPasswordDialog({ user, onClose, onSaved }: Props) {
  const [form] = Form.useForm<Values>()
  const [busy, setBusy] = useState(false)

  const submit = async () => {
    if (!user) return
    const v = await validValues(form)
    if (!v) return
    setBusy(true)
    try {
      await resetPassword(user.id, v.password)
      toast.success(`已重置“${user.username}”的口令；请当面或通过安全渠道告知本人`)
      onSaved()
    } catch (e) {
      if (isApiError(e, 'WEAK_PASSWORD')) form.setFields([{ name: 'password', errors: [e.message] }])
      else {
        applyFieldErrors(form, e)
        reportError(e)
      }
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal open={user !== null} title={`重置口令：${user?.displayName ?? ''}（${user?.username ?? ''}）`} okText="重置" okButtonProps={{ danger: true }} onOk={submit} confirmLoading={busy} onCancel={onClose} destroyOnHidden>
      <Alert type="warning" showIcon style={{ marginBottom: 16 }} title="重置后该账号现有登录将失效，本人下次登录时须修改口令。" />
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item name="password" label="新口令" extra={PASSWORD_HINT} rules={newPasswordRules}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="confirm" label="确认新口令" dependencies={['password']} rules={confirmRules('password')}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  )
}
