import { Col, Form, InputNumber, Row, Select } from 'antd'
import { STORAGE_KINDS } from '../../../domain/resources/kinds.js'
import { orBlank } from '../../lib/format.js'
import type { Resource } from './api.js'
import { optionsOf, type KindConfig } from './kind-config.js'
import { PersonPicker } from '../../components/PersonPicker.js'

/** 储备点 / 储备库: where supply lines are kept. */
export const storagePointKind: KindConfig<'storage_point'> = {
  kind: 'storage_point',
  title: '储备点/储备库',
  noun: '储备点',
  sub: '应急物资储备库、储备点和前置仓',
  titles: { name: '储备点名称', responsible: '负责人', liaison: '联络人', ownerUnit: '管理单位' },
  filters: [{ key: 'storageKind', placeholder: '全部类型', options: optionsOf(STORAGE_KINDS), width: 120 }],
  columns: [
    { title: '类型', key: 'storageKind', width: 90, render: (_v, r) => r.detail.storageKindLabel },
    { title: '面积（m²）', key: 'area', width: 100, align: 'right', render: (_v, r) => <span className="sw-num">{orBlank(r.detail.areaM2)}</span> },
    { title: '容积（m³）', key: 'volume', width: 100, align: 'right', render: (_v, r) => <span className="sw-num">{orBlank(r.detail.volumeM3)}</span> },
    { title: '保管员', key: 'keeper', width: 90, render: (_v, r) => orBlank(r.detail.keeperName) },
  ],
  scrollX: 1550,
  blank: () => ({ storageKind: 'point' }),
  toInput: (d) => ({ storageKind: d.storageKind, areaM2: d.areaM2, volumeM3: d.volumeM3, keeperPersonId: d.keeperPersonId }),
  Fields: StorageFields,
  describe: (r) => [
    { key: 'kind', label: '类型', children: r.detail.storageKindLabel },
    { key: 'keeper', label: '保管员', children: orBlank(r.detail.keeperName) },
    { key: 'area', label: '面积（m²）', children: orBlank(r.detail.areaM2) },
    { key: 'volume', label: '容积（m³）', children: orBlank(r.detail.volumeM3) },
  ],
}

function StorageFields({ current }: { current: Resource<'storage_point'> | null }) {
  return (
    <Row gutter={16}>
      <Col span={6}>
        <Form.Item name={['detail', 'storageKind']} label="类型" rules={[{ required: true, message: '请选择类型' }]}>
          <Select options={optionsOf(STORAGE_KINDS)} />
        </Form.Item>
      </Col>
      <Col span={6}>
        <Form.Item name={['detail', 'areaM2']} label="面积（m²）">
          <InputNumber min={0} style={{ width: '100%' }} />
        </Form.Item>
      </Col>
      <Col span={6}>
        <Form.Item name={['detail', 'volumeM3']} label="容积（m³）">
          <InputNumber min={0} style={{ width: '100%' }} />
        </Form.Item>
      </Col>
      <Col span={6}>
        <Form.Item name={['detail', 'keeperPersonId']} label="保管员">
          <PersonPicker initialLabel={current?.detail.keeperName} placeholder="搜索人员" />
        </Form.Item>
      </Col>
    </Row>
  )
}
