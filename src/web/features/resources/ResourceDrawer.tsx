import { Col, Divider, Form, Input, InputNumber, Radio, Row } from 'antd'
import { useEffect } from 'react'
import { levelOf } from '../../../domain/regions/code.js'
import type { ResourceKind } from '../../../domain/resources/kinds.js'
import { EditDrawer } from '../../components/EditDrawer.js'
import { RegionPicker } from '../../components/RegionPicker.js'
import { toast } from '../../lib/feedback.js'
import { validValues } from '../../lib/form-errors.js'
import { useRecordDrawer } from '../../lib/use-record-drawer.js'
import { UnitSelect } from '../../components/UnitSelect.js'
import { createResource, getResource, updateResource, type Resource, type ResourceInput } from './api.js'
import { cleanInput } from './clean-input.js'
import type { KindConfig } from './kind-config.js'
import { KIND_CONFIGS } from './kinds.js'
import { PersonPicker } from '../../components/PersonPicker.js'

type Props<K extends ResourceKind> = {
  kind: K
  open: boolean
  /** The record being edited; null to add one. */
  record: Resource<K> | null
  defaultRegionCode: string
  /** Where a new record starts, such as a place clicked on the map. */
  initial?: { lng: number; lat: number }
  onClose: () => void
  onSaved: () => void
}

export function ResourceDrawer<K extends ResourceKind>({ kind, open, record, defaultRegionCode, initial, onClose, onSaved }: Props<K>) {
  const config: KindConfig<K> = KIND_CONFIGS[kind]
  const [form] = Form.useForm<ResourceInput<K>>()
  const drawer = useRecordDrawer({ form, initial: record, toValues: (r: Resource<K>) => toValues(config, r), reload: (r) => getResource(kind, r.id) })
  const { current, start: startDrawer } = drawer
  const regionCode = Form.useWatch('regionCode', form)
  const Fields = config.Fields
  // Plain numbers as effect dependencies: a parent's fresh `initial` object must not reset the form.
  const initialLng = initial?.lng
  const initialLat = initial?.lat

  useEffect(() => {
    if (!open) return
    startDrawer(record, record
      ? toValues(config, record)
      : {
          regionCode: defaultRegionCode,
          status: 'active',
          detail: config.blank(levelOf(defaultRegionCode)) as ResourceInput<K>['detail'],
          ...(initialLng != null && initialLat != null ? { lng: initialLng, lat: initialLat } : {}),
        })
  }, [open, record, defaultRegionCode, initialLng, initialLat, startDrawer, config])

  const submit = async () => {
    const raw = await validValues(form)
    if (!raw) return
    const input = cleanInput(raw)
    await drawer.save(async () => {
      if (current) await updateResource(kind, current.id, { ...input, version: current.version })
      else await createResource(kind, input)
      toast.success(current ? `${config.noun}信息已保存` : `${config.noun}已登记`)
      onSaved()
    })
  }

  return (
    <EditDrawer
      open={open}
      title={record ? `编辑${config.noun}：${record.name}` : `新增${config.noun}`}
      size={720}
      busy={drawer.busy}
      onClose={onClose}
      onSave={submit}
      saveTestId="resource-save"
      staleNotice={drawer.staleNotice ? '该记录刚被他人修改，表单已载入最新内容。请核对后重新修改并保存。' : null}
    >
      <Form form={form} layout="vertical" requiredMark data-testid="resource-form">
        <Row gutter={16}>
          <Col span={16}>
            <Form.Item name="name" label={config.titles.name} rules={[{ required: true, whitespace: true, message: `请输入${config.titles.name}` }, { max: 100 }]}>
              <Input maxLength={100} data-testid="resource-name" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="status" label="状态">
              <Radio.Group optionType="button" options={[{ value: 'active', label: '在用' }, { value: 'inactive', label: '停用' }]} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="regionCode" label="所属区划" rules={[{ required: true, message: '请选择所属区划' }]}>
          <RegionPicker onChange={() => form.setFieldValue('ownerUnitId', null)} />
        </Form.Item>
        <Form.Item name="ownerUnitId" label={config.titles.ownerUnit}>
          <UnitSelect regionCode={regionCode} initialLabel={current?.ownerUnitName} />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item
              name="responsiblePersonId"
              label={config.titles.responsible}
              rules={config.responsibleRequired ? [{ required: true, message: `请选择${config.titles.responsible}` }] : []}
              extra="从人员通讯录中选择，电话随人员信息维护"
            >
              <PersonPicker initialLabel={current?.responsible?.name} data-testid="resource-responsible" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="liaisonPersonId" label={config.titles.liaison}>
              <PersonPicker initialLabel={current?.liaison?.name} />
            </Form.Item>
          </Col>
        </Row>
        <Divider titlePlacement="start" plain>{config.title}信息</Divider>
        <Fields current={current} />
        <Divider titlePlacement="start" plain>位置</Divider>
        <Form.Item name="address" label="地址" rules={[{ max: 200 }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="lng" label="经度">
              <InputNumber min={-180} max={180} step={0.000001} style={{ width: '100%' }} placeholder="如 120.0868" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="lat" label="纬度">
              <InputNumber min={-90} max={90} step={0.000001} style={{ width: '100%' }} placeholder="如 30.8944" />
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

function toValues<K extends ResourceKind>(config: KindConfig<K>, r: Resource<K>): ResourceInput<K> {
  return {
    regionCode: r.regionCode,
    name: r.name,
    ownerUnitId: r.ownerUnitId,
    responsiblePersonId: r.responsible?.id ?? null,
    liaisonPersonId: r.liaison?.id ?? null,
    address: r.address,
    lng: r.lng,
    lat: r.lat,
    status: r.status,
    note: r.note,
    detail: config.toInput(r.detail),
  }
}
