import { Form, Input, Modal, Select } from 'antd'
import { useState } from 'react'
import type { RegionLevel } from '../../../domain/regions/code.js'
import { RegionPicker } from '../../components/RegionPicker.js'
import { toast } from '../../lib/feedback.js'
import { applyFieldErrors, validValues } from '../../lib/form-errors.js'
import { reportError } from '../../lib/http.js'
import { confirmRules, newPasswordRules, PASSWORD_HINT } from '../auth/password-rules.js'
import { createUser, type RoleOption } from './api.js'
import { isAdminRole, roleSelectOptions } from './role-options.js'

type Props = { open: boolean; roles: RoleOption[]; defaultRegionCode: string; onClose: () => void; onSaved: () => void }
type Values = { username: string; displayName: string; role: string; regionCode: string; password: string; confirm: string }

export function UserCreateDialog({ open, roles, defaultRegionCode, onClose, onSaved }: Props) {
  const [form] = Form.useForm<Values>()
  const [busy, setBusy] = useState(false)
  const roleKey = Form.useWatch('role', form)
  const businessRoles = roles.filter((r) => !isAdminRole(r))
  const level = (roles.find((r) => r.key === roleKey)?.level ?? undefined) as RegionLevel | undefined

  const submit = async () => {
    const values = await validValues(form)
    if (!values) return
    const { confirm: _confirm, ...v } = values
    setBusy(true)
    try {
      await createUser({ ...v, username: v.username.trim(), displayName: v.displayName.trim() })
      toast.success(`账号“${v.username}”已创建，请将初始口令安全告知本人`)
      onSaved()
    } catch (e) {
      applyFieldErrors(form, e)
      reportError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal open={open} title="新建账号" okText="创建" onOk={submit} confirmLoading={busy} onCancel={onClose} destroyOnHidden width={560}>
      <Form form={form} layout="vertical" preserve={false} initialValues={{ regionCode: defaultRegionCode }}>
        <Form.Item
          name="username"
          label="用户名"
          extra="登录用，3–32 位字母、数字、下划线、点或短横线，创建后不能修改"
          rules={[
            { required: true, message: '请输入用户名' },
            { pattern: /^[A-Za-z0-9_.-]{3,32}$/, message: '用户名应为 3–32 位字母、数字、下划线、点或短横线' },
          ]}
        >
          <Input autoComplete="off" data-testid="user-username" />
        </Form.Item>
        <Form.Item name="displayName" label="姓名" rules={[{ required: true, whitespace: true, message: '请输入姓名' }, { max: 64 }]}>
          <Input maxLength={64} data-testid="user-display-name" />
        </Form.Item>
        <Form.Item name="role" label="角色" rules={[{ required: true, message: '请选择角色' }]} extra={roles.find((r) => r.key === roleKey)?.description}>
          <Select options={roleSelectOptions(businessRoles)} onChange={() => form.setFieldValue('regionCode', undefined)} data-testid="user-role" />
        </Form.Item>
        <Form.Item name="regionCode" label="辖区" rules={[{ required: true, message: '请选择辖区' }]}>
          <RegionPicker level={level} />
        </Form.Item>
        <Form.Item name="password" label="初始口令" extra={PASSWORD_HINT} rules={newPasswordRules}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="confirm" label="确认口令" dependencies={['password']} rules={confirmRules('password')}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  )
}
