import { Form, Input, Select } from 'antd'
import { useEffect } from 'react'
import { UNIT_KIND_KEYS, UNIT_KINDS } from '../../../domain/people/units.js'
import { EditDrawer } from '../../components/EditDrawer.js'
import { RegionPicker } from '../../components/RegionPicker.js'
import { toast } from '../../lib/feedback.js'
import { validValues } from '../../lib/form-errors.js'
import { useRecordDrawer } from '../../lib/use-record-drawer.js'
import { blankToNull, creditCodeRule, phoneRule } from './form-rules.js'
import { createUnit, getUnit, updateUnit, type Unit, type UnitInput } from './units-api.js'

type Props = {
  open: boolean
  /** The unit being edited; null to create one. */
  unit: Unit | null
  /** Region a new unit starts in: the one chosen in the navigator. */
  defaultRegionCode: string
  onClose: () => void
  onSaved: () => void
}

type Values = Required<Pick<UnitInput, 'regionCode' | 'name' | 'kind'>> & {
  creditCode?: string | null
  address?: string | null
  phone?: string | null
}

const KIND_OPTIONS = UNIT_KIND_KEYS.map((k) => ({ value: k, label: UNIT_KINDS[k] }))

export function UnitDrawer({ open, unit, defaultRegionCode, onClose, onSaved }: Props) {
  const [form] = Form.useForm<Values>()
  const drawer = useRecordDrawer({ form, initial: unit, toValues, reload: (u) => getUnit(u.id) })
  const { current, start: startDrawer } = drawer

  useEffect(() => {
    if (open) startDrawer(unit, unit ? toValues(unit) : { regionCode: defaultRegionCode })
  }, [open, unit, defaultRegionCode, startDrawer])

  const submit = async () => {
    const raw = await validValues(form)
    if (!raw) return
    const values = blankToNull(raw)
    await drawer.save(async () => {
      // The server replaces the whole record: keep what this form does not show.
      const input: UnitInput = { ...values, parentUnitId: current?.parentUnitId ?? null }
      if (current) await updateUnit(current.id, { ...input, version: current.version })
      else await createUnit(input)
      toast.success(current ? '单位信息已保存' : '单位已添加')
      onSaved()
    })
  }

  return (
    <EditDrawer
      open={open}
      title={unit ? `编辑单位：${unit.name}` : '新增单位'}
      size={520}
      busy={drawer.busy}
      onClose={onClose}
      onSave={submit}
      saveTestId="unit-save"
      staleNotice={drawer.staleNotice ? '该单位刚被他人修改，表单已载入最新内容。请核对后重新修改并保存。' : null}
    >
      <Form form={form} layout="vertical" requiredMark data-testid="unit-form">
        <Form.Item name="name" label="单位名称" rules={[{ required: true, whitespace: true, message: '请输入单位名称' }, { max: 100 }]}>
          <Input maxLength={100} placeholder="如：湖州市吴兴区月河街道应急管理办公室" data-testid="unit-name" />
        </Form.Item>
        <Form.Item name="kind" label="单位类型" rules={[{ required: true, message: '请选择单位类型' }]}>
          <Select options={KIND_OPTIONS} placeholder="请选择" data-testid="unit-kind" />
        </Form.Item>
        <Form.Item name="regionCode" label="所属区划" rules={[{ required: true, message: '请选择所属区划' }]}>
          <RegionPicker data-testid="unit-region" />
        </Form.Item>
        <Form.Item name="creditCode" label="统一社会信用代码" rules={[creditCodeRule]}>
          <Input maxLength={30} placeholder="18 位，可不填" />
        </Form.Item>
        <Form.Item name="address" label="地址" rules={[{ max: 200 }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item
          name="phone"
          label="联系电话"
          rules={[phoneRule('any')]}
          extra={current?.phone ? '显示为脱敏号码；不改动则保留原号码' : '手机号或带区号的固定电话'}
        >
          <Input maxLength={40} />
        </Form.Item>
      </Form>
    </EditDrawer>
  )
}

function toValues(u: Unit): Values {
  return { regionCode: u.regionCode, name: u.name, kind: u.kind as Values['kind'], creditCode: u.creditCode, address: u.address, phone: u.phone }
}
