import { Alert, Col, DatePicker, Form, Input, InputNumber, Radio, Row, Select } from 'antd'
import dayjs, { type Dayjs } from 'dayjs'
import { useEffect } from 'react'
import { CONDITIONS, RESERVE_FORMS } from '../../../domain/resources/kinds.js'
import { EditDrawer } from '../../components/EditDrawer.js'
import { RegionPicker } from '../../components/RegionPicker.js'
import { toast } from '../../lib/feedback.js'
import { validValues } from '../../lib/form-errors.js'
import { useRecordDrawer } from '../../lib/use-record-drawer.js'
import { UnitSelect } from '../../components/UnitSelect.js'
import { PersonPicker } from '../../components/PersonPicker.js'
import { ResourceSelect } from '../../components/ResourceSelect.js'
import { createSupply, getSupply, updateSupply, type Supply, type SupplyInput } from './api.js'
import { ClassSelect } from '../../components/ClassSelect.js'

type Props = {
  open: boolean
  /** The line being edited; null to add one. */
  supply: Supply | null
  defaultRegionCode: string
  /** Where a new line starts, such as a place clicked on the map. */
  initial?: { lng: number; lat: number }
  onClose: () => void
  onSaved: () => void
}

const DATE_FIELDS = ['purchasedOn', 'expiresOn', 'maintainedOn'] as const
type DateField = (typeof DATE_FIELDS)[number]
type Values = Omit<SupplyInput, DateField | 'isEquipment'> & { isEquipment: 'true' | 'false' } & Record<DateField, Dayjs | null>

const options = (table: Record<string, string>) => Object.entries(table).map(([value, label]) => ({ value, label }))

export function SupplyDrawer({ open, supply, defaultRegionCode, initial, onClose, onSaved }: Props) {
  const [form] = Form.useForm<Values>()
  const drawer = useRecordDrawer({ form, initial: supply, toValues, reload: (s) => getSupply(s.id) })
  const { current, start: startDrawer } = drawer
  const regionCode = Form.useWatch('regionCode', form)
  // Plain numbers as effect dependencies: a parent's fresh `initial` object must not reset the form.
  const initialLng = initial?.lng
  const initialLat = initial?.lat

  useEffect(() => {
    if (!open) return
    startDrawer(supply, supply ? toValues(supply) : {
      regionCode: defaultRegionCode, unit: '件', isEquipment: 'false', reserveForm: 'physical', condition: 'good', quantity: 0,
      ...(initialLng != null && initialLat != null ? { lng: initialLng, lat: initialLat } : {}),
    })
  }, [open, supply, defaultRegionCode, initialLng, initialLat, startDrawer])

  const submit = async () => {
    const raw = await validValues(form)
    if (!raw) return
    const { quantity, ...fields } = fromValues(raw)
    await drawer.save(async () => {
      if (current) await updateSupply(current.id, { ...fields, version: current.version })
      else await createSupply({ ...fields, quantity: quantity ?? 0 })
      toast.success(current ? '物资装备信息已保存' : '物资装备已登记')
      onSaved()
    })
  }

  return (
    <EditDrawer
      open={open}
      title={supply ? `编辑物资装备：${supply.name}` : '新增物资装备'}
      size={720}
      busy={drawer.busy}
      onClose={onClose}
      onSave={submit}
      saveTestId="supply-save"
      staleNotice={drawer.staleNotice ? '该条目刚被他人修改，表单已载入最新内容。请核对后重新修改并保存。' : null}
    >
      <Form form={form} layout="vertical" requiredMark data-testid="supply-form">
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="name" label="名称" rules={[{ required: true, whitespace: true, message: '请输入名称' }, { max: 100 }]}>
              <Input maxLength={100} placeholder="如：救生衣、冲锋舟、编织袋" data-testid="supply-name" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="specification" label="规格型号" rules={[{ max: 200 }]}>
              <Input maxLength={200} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="classCode" label="物资分类" extra="不选时按名称自动归类">
              <ClassSelect placeholder="按名称自动归类" />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="isEquipment" label="类别">
              <Radio.Group optionType="button" options={[{ value: 'false', label: '物资' }, { value: 'true', label: '装备' }]} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="unit" label="计量单位" rules={[{ required: true, whitespace: true, message: '请输入单位' }, { max: 10 }]}>
              <Input maxLength={10} placeholder="件、个、台、艘" data-testid="supply-unit" />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          {!current && (
            <Col span={8}>
              <Form.Item name="quantity" label="数量" rules={[{ required: true, message: '请输入数量' }]} extra="记为一笔建账入库">
                <InputNumber min={0} style={{ width: '100%' }} data-testid="supply-quantity" />
              </Form.Item>
            </Col>
          )}
          <Col span={8}>
            <Form.Item name="reserveForm" label="储备方式">
              <Select options={options(RESERVE_FORMS)} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="condition" label="状况">
              <Select options={options(CONDITIONS)} />
            </Form.Item>
          </Col>
        </Row>
        {current && (
          <Alert type="info" style={{ marginBottom: 16 }} title={`当前数量 ${current.quantity} ${current.unit}；数量请在详情中通过入库、出库、报损、盘点或调拨变动。`} />
        )}
        <Form.Item name="regionCode" label="所属区划" rules={[{ required: true, message: '请选择所属区划' }]}>
          <RegionPicker onChange={() => form.setFieldsValue({ storagePointId: null, teamId: null, holderUnitId: null })} />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="storagePointId" label="储备点">
              <ResourceSelect kind="storage_point" regionCode={regionCode} initialLabel={current?.storagePointName} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="teamId" label="配备队伍">
              <ResourceSelect kind="team" regionCode={regionCode} initialLabel={current?.teamName} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="holderUnitId" label="管理单位">
          <UnitSelect regionCode={regionCode} initialLabel={current?.holderUnitName} />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="responsiblePersonId" label="责任人">
              <PersonPicker initialLabel={current?.responsible?.name} data-testid="supply-responsible" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="liaisonPersonId" label="联络人">
              <PersonPicker initialLabel={current?.liaison?.name} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item name="purchasedOn" label="购置日期">
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="expiresOn" label="有效期至">
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="maintainedOn" label="上次保养">
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item name="maintenanceCycleDays" label="保养周期（天）">
              <InputNumber min={1} max={3650} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="lng" label="经度">
              <InputNumber min={-180} max={180} step={0.000001} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="lat" label="纬度">
              <InputNumber min={-90} max={90} step={0.000001} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="address" label="存放地址" rules={[{ max: 200 }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="note" label="备注" rules={[{ max: 500 }]}>
          <Input.TextArea maxLength={500} rows={3} showCount />
        </Form.Item>
      </Form>
    </EditDrawer>
  )
}

const day = (v: string | null) => (v ? dayjs(v) : null)

function toValues(s: Supply): Values {
  return {
    regionCode: s.regionCode,
    classCode: s.classCode,
    name: s.name,
    specification: s.specification,
    unit: s.unit,
    isEquipment: s.isEquipment ? 'true' : 'false',
    storagePointId: s.storagePointId,
    teamId: s.teamId,
    holderUnitId: s.holderUnitId,
    reserveForm: s.reserveForm,
    condition: s.condition,
    quantity: s.quantity,
    purchasedOn: day(s.purchasedOn),
    expiresOn: day(s.expiresOn),
    maintainedOn: day(s.maintainedOn),
    maintenanceCycleDays: s.maintenanceCycleDays,
    responsiblePersonId: s.responsible?.id ?? null,
    liaisonPersonId: s.liaison?.id ?? null,
    address: s.address,
    lng: s.lng,
    lat: s.lat,
    note: s.note,
  }
}

/** '' from a cleared input is sent as null: the server reads absent and null as “none”. */
const text = (s: string | null | undefined) => (s?.trim() ? s.trim() : null)
const date = (d: Dayjs | null | undefined) => (d ? d.format('YYYY-MM-DD') : null)

function fromValues(v: Values): SupplyInput {
  return {
    regionCode: v.regionCode,
    classCode: v.classCode ?? null,
    name: v.name.trim(),
    specification: text(v.specification),
    unit: v.unit.trim(),
    isEquipment: v.isEquipment === 'true',
    storagePointId: v.storagePointId ?? null,
    teamId: v.teamId ?? null,
    holderUnitId: v.holderUnitId ?? null,
    reserveForm: v.reserveForm,
    condition: v.condition,
    quantity: v.quantity,
    purchasedOn: date(v.purchasedOn),
    expiresOn: date(v.expiresOn),
    maintainedOn: date(v.maintainedOn),
    maintenanceCycleDays: v.maintenanceCycleDays ?? null,
    responsiblePersonId: v.responsiblePersonId ?? null,
    liaisonPersonId: v.liaisonPersonId ?? null,
    address: text(v.address),
    lng: v.lng ?? null,
    lat: v.lat ?? null,
    note: text(v.note),
  }
}
