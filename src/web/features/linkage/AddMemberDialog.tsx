import { Form, Input, Modal } from 'antd'
import { useState } from 'react'
import { validValues } from '../../lib/form-errors.js'
import { PersonSelect } from '../../components/PersonSelect.js'

type Props = {
  open: boolean
  groupName: string
  onClose: () => void
  onAdd: (personId: number, note: string | null) => Promise<void>
}

type Values = { personId: number | null; note?: string }

/**
 * One person from anywhere in the user's jurisdiction, e.g. a county cadre 包村 joining a village
 * group: they then get that village's warnings without holding a role there.
 */
export function AddMemberDialog({ open, groupName, onClose, onAdd }: Props) {
  const [form] = Form.useForm<Values>()
  const [busy, setBusy] = useState(false)

  const submit = async () => {
    const v = await validValues(form)
    if (!v || !v.personId) return
    setBusy(true)
    try {
      await onAdd(v.personId, v.note?.trim() || null)
      form.resetFields()
    } catch {
      // shown by the http client
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal open={open} title={`添加成员：${groupName}`} okText="添加" onOk={submit} confirmLoading={busy} onCancel={onClose} destroyOnHidden width={520}>
      <Form form={form} layout="vertical" preserve={false} data-testid="linkage-add-member">
        <Form.Item name="personId" label="人员" rules={[{ required: true, message: '请选择人员' }]} extra="可选本辖区内任一人员，如包村干部、驻村工作队员">
          <PersonSelect />
        </Form.Item>
        <Form.Item name="note" label="备注" rules={[{ max: 200 }]}>
          <Input maxLength={200} placeholder="如：包村联系人" />
        </Form.Item>
      </Form>
    </Modal>
  )
}
