import { Alert, Form, Input, Modal, type FormInstance } from 'antd'
import { useState } from 'react'
import { applyFieldErrors, validValues } from '../../lib/form-errors.js'
import { isApiError, reportError } from '../../lib/http.js'
import { toast } from '../../lib/feedback.js'
import { changePassword } from '../../lib/account-api.js'
import { confirmRules, newPasswordRules, PASSWORD_HINT } from './password-rules.js'

type Props = {
  open: boolean
  /** An expired password must be changed before anything else: no cancel, no closing. */
  forced?: boolean
  onDone: () => void
  onCancel?: () => void
  /** Forced mode offers leaving instead of cancelling. */
  onSignOut?: () => void
}

type Values = { oldPassword: string; newPassword: string; confirm: string }

/** The change-password form's state and submit, shared by this dialog and the first-login screen. */
export function usePasswordChange(onDone: () => void) {
  const [form] = Form.useForm<Values>()
  const [busy, setBusy] = useState(false)

  const submit = async () => {
    const v = await validValues(form)
    if (!v) return
    setBusy(true)
    try {
      await changePassword(v.oldPassword, v.newPassword)
      toast.success('口令已修改')
      form.resetFields()
      onDone()
    } catch (e) {
      if (isApiError(e, 'BAD_CREDENTIALS')) form.setFields([{ name: 'oldPassword', errors: [e.message] }])
      else if (isApiError(e, 'WEAK_PASSWORD') || isApiError(e, 'SAME_PASSWORD')) form.setFields([{ name: 'newPassword', errors: [e.message] }])
      else {
        applyFieldErrors(form, e)
        reportError(e)
      }
    } finally {
      setBusy(false)
    }
  }
  return { form, busy, submit }
}

/** 原口令 (or what the old password is called), 新口令, 确认新口令, checked as the user types. */
export function PasswordChangeFields({ form, oldLabel = '原口令' }: { form: FormInstance<Values>; oldLabel?: string }) {
  return (
    <Form form={form} layout="vertical" requiredMark={false} preserve={false}>
      <Form.Item name="oldPassword" label={oldLabel} rules={[{ required: true, message: `请输入${oldLabel}` }]}>
        <Input.Password autoComplete="current-password" data-testid="password-old" />
      </Form.Item>
      <Form.Item
        name="newPassword"
        label="新口令"
        extra={PASSWORD_HINT}
        rules={newPasswordRules}
      >
        <Input.Password autoComplete="new-password" data-testid="password-new" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label="确认新口令"
        dependencies={['newPassword']}
        rules={confirmRules('newPassword')}
      >
        <Input.Password autoComplete="new-password" data-testid="password-confirm" />
      </Form.Item>
    </Form>
  )
}

export function ChangePasswordDialog({ open, forced, onDone, onCancel, onSignOut }: Props) {
  const { form, busy, submit } = usePasswordChange(onDone)
  return (
    <Modal
      open={open}
      title={forced ? '口令已过期，请修改口令' : '修改口令'}
      okText="确认修改"
      onOk={submit}
      confirmLoading={busy}
      onCancel={forced ? onSignOut : onCancel}
      cancelText={forced ? '退出登录' : '取消'}
      closable={!forced}
      mask={{ closable: !forced }}
      keyboard={!forced}
      destroyOnHidden
    >
      {forced && (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }} title="按照安全管理要求，口令须定期更换。修改后方可继续使用系统。" />
      )}
      <PasswordChangeFields form={form} />
    </Modal>
  )
}
