import { Alert, Button, Drawer, Form, Input, Space } from 'antd'
import { useEffect, useState } from 'react'
import { RegionPicker } from '../../components/RegionPicker.js'
import { toast } from '../../lib/feedback.js'
import { applyFieldErrors, validValues } from '../../lib/form-errors.js'
import { isApiError, reportError } from '../../lib/http.js'
import { blankToNull, phoneRule } from './form-rules.js'
import { createGroup, getGroup, updateGroup, type Group, type GroupInput } from './groups-api.js'
import { UnitSelect } from './UnitSelect.js'

type Props = {
  open: boolean
  group: Group | null
  defaultRegionCode: string
  onClose: () => void
  /** The saved group, so a new one can go straight on to its member list. */
  onSaved: (g: Group, created: boolean) => void
}

type Values = Omit<GroupInput, 'members'>

export function GroupDrawer({ open, group, defaultRegionCode, onClose, onSaved }: Props) {
  const [form] = Form.useForm<Values>()
  const [busy, setBusy] = useState(false)
  const [current, setCurrent] = useState<Group | null>(group)
  const [staleNotice, setStaleNotice] = useState(false)
  const regionCode = Form.useWatch('regionCode', form)

  useEffect(() => {
    if (!open) return
    setCurrent(group)
    setStaleNotice(false)
    form.resetFields()
    form.setFieldsValue(group ? toValues(group) : { regionCode: defaultRegionCode })
  }, [open, group, defaultRegionCode, form])

  const submit = async () => {
    const raw = await validValues(form)
    if (!raw) return
    const input = blankToNull(raw)
    setBusy(true)
    try {
      const saved = current
        ? await updateGroup(current.id, { ...input, version: current.version })
        : await createGroup(input)
      toast.success(current ? '领导小组已保存' : '领导小组已建立，请添加成员')
      onSaved(saved, !current)
    } catch (e) {
      if (isApiError(e, 'STALE_VERSION') && current) {
        reportError(e)
        const fresh = await getGroup(current.id).catch(() => null)
        if (fresh) {
          setCurrent(fresh)
          form.setFieldsValue(toValues(fresh))
          setStaleNotice(true)
        }
      } else {
        applyFieldErrors(form, e)
        reportError(e)
      }
    } finally {
      setBusy(false)
    }
  }

  return (
    <Drawer
      open={open}
      title={group ? `编辑领导小组：${group.name}` : '新建领导小组'}
      size={520}
      onClose={onClose}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>取消</Button>
          <Button type="primary" loading={busy} onClick={submit} data-testid="group-save">保存</Button>
        </Space>
      }
    >
      {staleNotice && (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }} title="该领导小组刚被他人修改，表单已载入最新内容。请核对后重新修改并保存。" />
      )}
      <Form form={form} layout="vertical" requiredMark data-testid="group-form">
        <Form.Item name="name" label="名称" rules={[{ required: true, whitespace: true, message: '请输入名称' }, { max: 100 }]}>
          <Input maxLength={100} placeholder="如：月河街道防汛防台抗旱指挥部" data-testid="group-name" />
        </Form.Item>
        <Form.Item name="regionCode" label="所属区划" rules={[{ required: true, message: '请选择所属区划' }]}>
          <RegionPicker />
        </Form.Item>
        <Form.Item name="officeUnitId" label="办公室所在单位" extra="负责日常工作的办公室设在哪个单位">
          <UnitSelect regionCode={regionCode} initialLabel={current?.officeUnitName} />
        </Form.Item>
        <Form.Item name="officeAddress" label="办公地址" rules={[{ max: 200 }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item
          name="officePhone"
          label="办公电话"
          rules={[phoneRule('any')]}
          extra={current?.officePhone ? '显示为脱敏号码；不改动则保留原号码' : undefined}
        >
          <Input maxLength={40} />
        </Form.Item>
      </Form>
    </Drawer>
  )
}

function toValues(g: Group): Values {
  return { regionCode: g.regionCode, name: g.name, officeUnitId: g.officeUnitId, officeAddress: g.officeAddress, officePhone: g.officePhone }
}
