import { Alert, Form, Input, Modal, Select } from 'antd'
import { useState } from 'react'
import type { RegionLevel } from '../../../domain/regions/code.js'
import { RegionPicker } from '../../components/RegionPicker.js'
import { toast } from '../../lib/feedback.js'
import { applyFieldErrors, validValues } from '../../lib/form-errors.js'
import { reportError } from '../../lib/http.js'
import { createUser, type RoleOption } from './api.js'
import type { Shown } from './OneTimePasswordModal.js'
import { isAdminRole, roleSelectOptions } from './role-options.js'

type Props = {
  open: boolean; roles: RoleOption[]; defaultRegionCode: string; onClose: () => void
  /** The new account's one-time password, for the page to show once. */
  onSaved: (shown: Shown) => void
}
type Values = { username: string; displayName: string; role: string; regionCode: string }

/** 新建账号 (系统管理员): the server chooses a one-time password; nobody types one here. */
export function UserCreateDialog({ open, roles, defaultRegionCode, onClose, onSaved }: Props) {
  const [form] = Form.useForm<Values>()
  const [busy, setBusy] = useState(false)
  const roleKey = Form.useWatch('role', form)
  const businessRoles = roles.filter((r) => !isAdminRole(r))
  const level = (roles.find((r) => r.key === roleKey)?.level ?? undefined) as RegionLevel | undefined

  const submit = async () => {
    const v = await validValues(form)
    if (!v) return
    setBusy(true)
    try {
      const created = await createUser({ ...v, username: v.username.trim(), displayName: v.displayName.trim() })
      toast.success(`账号“${created.username}”已创建`)
      onSaved({ username: created.username, displayName: created.displayName, password: created.oneTimePassword, why: '账号已创建。本人用下面的一次性口令登录后，须先设置自己的口令。' })
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
          <Select
            options={roleSelectOptions(businessRoles)}
            // A role tied to a level needs a region of that level; the others keep the one shown.
            onChange={(key: string) => { if (roles.find((r) => r.key === key)?.level) form.setFieldValue('regionCode', undefined) }}
            data-testid="user-role"
          />
        </Form.Item>
        <Form.Item name="regionCode" label="辖区" rules={[{ required: true, message: '请选择辖区' }]}>
          <RegionPicker level={level} />
        </Form.Item>
        <Alert type="info" showIcon title="创建后由系统生成一次性口令并只显示一次；本人首次登录须修改为自己的口令。" />
      </Form>
    </Modal>
  )
}
