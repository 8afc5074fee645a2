import { Alert, Col, Form, Input, Row, Select } from 'antd'
import { useEffect } from 'react'
import { RESPONSIBILITY_ROLE_KEYS, RESPONSIBILITY_ROLES } from '../../../domain/people/units.js'
import { EditDrawer } from '../../components/EditDrawer.js'
import { RegionPicker } from '../../components/RegionPicker.js'
import { toast } from '../../lib/feedback.js'
import { validValues } from '../../lib/form-errors.js'
import { useRecordDrawer } from '../../lib/use-record-drawer.js'
import { blankToNull, emailRule, phoneRule } from './form-rules.js'
import { createPerson, getPerson, updatePerson, type Person, type PersonInput } from './people-api.js'
import { UnitSelect } from '../../components/UnitSelect.js'

type Props = {
  open: boolean
  /** The person being edited; null to add one. */
  person: Person | null
  defaultRegionCode: string
  onClose: () => void
  onSaved: () => void
}

type Values = Omit<PersonInput, 'roles'> & { roles: string[] }

const ROLE_OPTIONS = RESPONSIBILITY_ROLE_KEYS.map((k) => ({ value: k, label: RESPONSIBILITY_ROLES[k] }))

export function PersonDrawer({ open, person, defaultRegionCode, onClose, onSaved }: Props) {
  const [form] = Form.useForm<Values>()
  const drawer = useRecordDrawer({ form, initial: person, toValues, reload: (p) => getPerson(p.id) })
  const { current, start: startDrawer } = drawer
  const regionCode = Form.useWatch('regionCode', form)

  useEffect(() => {
    if (open) startDrawer(person, person ? toValues(person) : { regionCode: defaultRegionCode, roles: [] })
  }, [open, person, defaultRegionCode, startDrawer])

  const submit = async () => {
    const raw = await validValues(form)
    if (!raw) return
    const values = blankToNull(raw)
    const input = { ...values, roles: values.roles ?? [] } as PersonInput
    await drawer.save(async () => {
      if (current) await updatePerson(current.id, { ...input, version: current.version })
      else await createPerson(input)
      toast.success(current ? '人员信息已保存' : '人员已添加')
      onSaved()
    })
  }

  const masked = Boolean(current?.mobile || current?.landline)

  return (
    <EditDrawer
      open={open}
      title={person ? `编辑人员：${person.name}` : '新增人员'}
      size={600}
      busy={drawer.busy}
      onClose={onClose}
      onSave={submit}
      saveTestId="person-save"
      staleNotice={drawer.staleNotice ? '该人员信息刚被他人修改，表单已载入最新内容。请核对后重新修改并保存。' : null}
    >
      <Form form={form} layout="vertical" requiredMark data-testid="person-form">
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="name" label="姓名" rules={[{ required: true, whitespace: true, message: '请输入姓名' }, { max: 50 }]}>
              <Input maxLength={50} data-testid="person-name" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="post" label="职务" rules={[{ max: 100 }]}>
              <Input maxLength={100} placeholder="如：党委委员、副镇长" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="regionCode" label="所属区划" rules={[{ required: true, message: '请选择所属区划' }]}>
          <RegionPicker onChange={() => form.setFieldValue('unitId', null)} />
        </Form.Item>
        <Form.Item name="unitId" label="所在单位">
          <UnitSelect regionCode={regionCode} initialLabel={current?.unitName} data-testid="person-unit" />
        </Form.Item>
        <Form.Item name="roles" label="职责" extra="可多选，如同时担任负责人和防汛责任人">
          <Select mode="multiple" options={ROLE_OPTIONS} placeholder="请选择职责" allowClear data-testid="person-roles" />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="mobile" label="手机号码" rules={[phoneRule('mobile')]}>
              <Input maxLength={40} inputMode="tel" data-testid="person-mobile" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="landline" label="固定电话" rules={[phoneRule('landline')]}>
              <Input maxLength={40} inputMode="tel" placeholder="如 0572-2012345" />
            </Form.Item>
          </Col>
        </Row>
        {masked && (
          <Alert type="info" style={{ marginBottom: 16 }} title="电话号码显示为脱敏形式；不改动则保留原号码，如需更改请整体重新输入。" />
        )}
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="wechat" label="微信号" rules={[{ max: 50 }]}>
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="email" label="电子邮箱" rules={[emailRule, { max: 254 }]} extra="用于电子邮件渠道接收预警">
              <Input maxLength={254} inputMode="email" placeholder="如 zhangsan@example.com" data-testid="person-email" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="note" label="备注" rules={[{ max: 500 }]}>
          <Input.TextArea maxLength={500} rows={3} showCount />
        </Form.Item>
      </Form>
    </EditDrawer>
  )
}

function toValues(p: Person): Values {
  return {
    regionCode: p.regionCode,
    unitId: p.unitId,
    name: p.name,
    post: p.post,
    mobile: p.mobile,
    landline: p.landline,
    wechat: p.wechat,
    email: p.email,
    roles: p.roles,
    note: p.note,
  }
}
