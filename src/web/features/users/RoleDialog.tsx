import { Descriptions, Form, Modal, Select, Tag } from 'antd'
import { useState } from 'react'
import type { RegionLevel } from '../../../domain/regions/code.js'
import { RegionPicker } from '../../components/RegionPicker.js'
import { toast } from '../../lib/feedback.js'
import { applyFieldErrors, validValues } from '../../lib/form-errors.js'
import { isApiError, reportError } from '../../lib/http.js'
import { assignRole, isPending, type RoleOption, type User } from './api.js'
import { roleSelectOptions } from './role-options.js'

type Props = { user: User | null; roles: RoleOption[]; onClose: () => void; onSaved: () => void }
type Values = { role: string; regionCode: string }

/**
 * 分配角色与辖区 (安全管理员): a role tied to a level must be given a region of that level. Giving
 * or taking an administrator role is filed for a second administrator's approval.
 */
export function RoleDialog({ user, roles, onClose, onSaved }: Props) {
  const [form] = Form.useForm<Values>()
  const [busy, setBusy] = useState(false)
  const roleKey = Form.useWatch('role', form) ?? user?.role
  const role = roles.find((r) => r.key === roleKey)

  const submit = async () => {
    if (!user) return
    const v = await validValues(form)
    if (!v) return
    setBusy(true)
    try {
      const r = await assignRole(user.id, { ...v, version: user.version })
      if (isPending(r)) toast.info(`已提交审批：${r.approval.summary}，须由另一名管理员批准后生效`)
      else toast.success(`已为“${user.displayName}”分配角色`)
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
    <Modal open={user !== null} title={`分配角色：${user?.displayName ?? ''}（${user?.username ?? ''}）`} okText="确定" onOk={submit} confirmLoading={busy} onCancel={onClose} destroyOnHidden width={600}>
      {user && (
        <Form form={form} layout="vertical" preserve={false} initialValues={{ role: user.role, regionCode: user.regionCode }}>
          <Form.Item name="role" label="角色" rules={[{ required: true, message: '请选择角色' }]}>
            <Select options={roleSelectOptions(roles)} data-testid="assign-role" />
          </Form.Item>
          <Form.Item name="regionCode" label="辖区" rules={[{ required: true, message: '请选择辖区' }]}>
            <RegionPicker level={(role?.level ?? undefined) as RegionLevel | undefined} />
          </Form.Item>
          {role && (
            <Descriptions
              size="small"
              column={1}
              bordered
              items={[
                { key: 'd', label: '说明', children: role.description },
                { key: 'p', label: '权限', children: role.permissions.map((p) => <Tag key={p.key} style={{ marginBlock: 2 }}>{p.label}</Tag>) },
              ]}
            />
          )}
        </Form>
      )}
    </Modal>
  )
}
