import { Form, Input } from 'antd'
import { useEffect } from 'react'
import { EditDrawer } from '../../components/EditDrawer.js'
import { RegionPicker } from '../../components/RegionPicker.js'
import { toast } from '../../lib/feedback.js'
import { validValues } from '../../lib/form-errors.js'
import { useRecordDrawer } from '../../lib/use-record-drawer.js'
import { blankToNull, phoneRule } from './form-rules.js'
import { createGroup, getGroup, updateGroup, type Group, type GroupInput } from './groups-api.js'
import { UnitSelect } from '../../components/UnitSelect.js'

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
  const drawer = useRecordDrawer({ form, initial: group, toValues, reload: (g) => getGroup(g.id) })
  const { current, start: startDrawer } = drawer
  const regionCode = Form.useWatch('regionCode', form)

  useEffect(() => {
    if (open) startDrawer(group, group ? toValues(group) : { regionCode: defaultRegionCode })
  }, [open, group, defaultRegionCode, startDrawer])

  const submit = async () => {
    const raw = await validValues(form)
    if (!raw) return
    const input = blankToNull(raw)
    await drawer.save(async () => {
      const saved = current
        ? await updateGroup(current.id, { ...input, version: current.version })
        : await createGroup(input)
      toast.success(current ? '领导小组已保存' : '领导小组已建立，请添加成员')
      onSaved(saved, !current)
    })
  }

  return (
    <EditDrawer
      open={open}
      title={group ? `编辑领导小组：${group.name}` : '新建领导小组'}
      size={520}
      busy={drawer.busy}
      onClose={onClose}
      onSave={submit}
      saveTestId="group-save"
      staleNotice={drawer.staleNotice ? '该领导小组刚被他人修改，表单已载入最新内容。请核对后重新修改并保存。' : null}
    >
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
    </EditDrawer>
  )
}

function toValues(g: Group): Values {
  return { regionCode: g.regionCode, name: g.name, officeUnitId: g.officeUnitId, officeAddress: g.officeAddress, officePhone: g.officePhone }
}
