import { Alert, Form, Input, Modal, Switch } from 'antd'
import { useState } from 'react'
import { toast } from '../../lib/feedback.js'
import { applyFieldErrors, validValues } from '../../lib/form-errors.js'
import { isApiError, reportError } from '../../lib/http.js'
import { isPending, updateUser, type User } from './api.js'

type Props = { user: User | null; onClose: () => void; onSaved: () => void }
type Values = { displayName: string; disabled: boolean }

/**
 * Name and 停用 (系统管理员); a stale version closes the dialog and reloads the list. Disabling or
 * enabling an administrator account is filed for a second administrator's approval.
 */
export function UserEditDialog({ user, onClose, onSaved }: Props) {
  const [form] = Form.useForm<Values>()
  const [busy, setBusy] = useState(false)

  const submit = async () => {
    if (!user) return
    const v = await validValues(form)
    if (!v) return
    setBusy(true)
    try {
      const r = await updateUser(user.id, { displayName: v.displayName.trim(), disabled: v.disabled, version: user.version })
      if (isPending(r)) toast.info(`已提交审批：${r.approval.summary}，须由另一名管理员批准后生效`)
      else toast.success('账号已保存')
      onSaved()
    } catch (e) {
      reportError(e)
      if (isApiError(e, 'STALE_VERSION')) onSaved()
      else applyFieldErrors(form, e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal open={user !== null} title={`编辑账号：${user?.username ?? ''}`} okText="保存" onOk={submit} confirmLoading={busy} onCancel={onClose} destroyOnHidden>
      {user && (
        <Form form={form} layout="vertical" preserve={false} initialValues={{ displayName: user.displayName, disabled: user.disabled }}>
          <Form.Item name="displayName" label="姓名" rules={[{ required: true, whitespace: true, message: '请输入姓名' }, { max: 64 }]}>
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item name="disabled" label="停用账号" valuePropName="checked" extra="停用后该账号不能登录，已登录的会话随即失效">
            <Switch checkedChildren="停用" unCheckedChildren="正常" />
          </Form.Item>
          {user.isDemo && <Alert type="info" title="这是演示账号。正式使用前建议停用全部演示账号。" />}
        </Form>
      )}
    </Modal>
  )
}
