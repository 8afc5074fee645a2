import { Col, Form, InputNumber, Row, Select, Tag, Typography } from 'antd'
import { SHELTER_CLASSES, SHELTER_LEVELS, SHELTER_M2_PER_PERSON, SHELTER_SPACES, shelterCapacityLimit } from '../../../domain/resources/kinds.js'
import type { RegionLevel } from '../../../domain/regions/code.js'
import { orBlank } from '../../lib/format.js'
import { optionsOf, type KindConfig } from './kind-config.js'

const SHELTER_FACILITIES = ['应急供水', '应急供电', '应急厕所', '医疗救护', '物资储备', '应急广播', '消防设施', '标识标牌', '应急通道'] as const

/** 应急避难场所: GB 21734 class, GB/T 44013 level, and room for at most one person per 1.5 m². */
export const shelterKind: KindConfig<'shelter'> = {
  kind: 'shelter',
  title: '避难场所',
  noun: '避难场所',
  sub: `应急避难场所：人均有效面积不少于 ${SHELTER_M2_PER_PERSON} m²（GB 21734）`,
  titles: { name: '场所名称', responsible: '负责人', liaison: '联络人', ownerUnit: '管理单位' },
  filters: [
    { key: 'gbClass', placeholder: '全部类别', options: optionsOf(SHELTER_CLASSES), width: 140 },
    { key: 'spaceType', placeholder: '室内和室外', options: optionsOf(SHELTER_SPACES), width: 140 },
    { key: 'level', placeholder: '全部级别', options: optionsOf(SHELTER_LEVELS), width: 140 },
  ],
  columns: [
    { title: '类别', key: 'class', width: 120, render: (_v, r) => orBlank(r.detail.gb21734ClassLabel) },
    { title: '级别', key: 'level', width: 110, render: (_v, r) => orBlank(r.detail.levelLabel) },
    { title: '空间', key: 'space', width: 120, render: (_v, r) => r.detail.spaceTypeLabel },
    { title: '有效面积（m²）', key: 'area', width: 120, align: 'right', render: (_v, r) => <span className="sw-num">{r.detail.effectiveAreaM2.toLocaleString('zh-CN')}</span> },
    { title: '可容纳（人）', key: 'capacity', width: 110, align: 'right', render: (_v, r) => <span className="sw-num">{r.detail.capacity.toLocaleString('zh-CN')}</span> },
    { title: '配套设施', key: 'facilities', width: 200, render: (_v, r) => (
      r.detail.facilities.length ? r.detail.facilities.map((f) => <Tag key={f} style={{ marginBlock: 1 }}>{f}</Tag>) : orBlank(null)
    ) },
  ],
  scrollX: 1800,
  blank: (level: RegionLevel) => ({ spaceType: 'outdoor', level: level === 'province' ? null : level, facilities: [] }),
  toInput: (d) => ({
    gb21734Class: d.gb21734Class,
    level: d.level,
    spaceType: d.spaceType,
    effectiveAreaM2: d.effectiveAreaM2,
    capacity: d.capacity,
    facilities: d.facilities,
  }),
  Fields: ShelterFields,
  describe: (r) => [
    { key: 'class', label: 'GB 21734 类别', children: orBlank(r.detail.gb21734ClassLabel) },
    { key: 'level', label: '场所级别', children: orBlank(r.detail.levelLabel) },
    { key: 'space', label: '空间类型', children: r.detail.spaceTypeLabel },
    { key: 'area', label: '有效面积', children: `${r.detail.effectiveAreaM2} m²` },
    { key: 'cap', label: '可容纳人数', children: `${r.detail.capacity} 人（按面积最多 ${r.detail.capacityLimit} 人）` },
    { key: 'per', label: '人均面积', children: r.detail.m2PerPerson === null ? orBlank(null) : `${r.detail.m2PerPerson} m²` },
    { key: 'fac', label: '配套设施', children: orBlank(r.detail.facilities.join('、')), span: 2 },
  ],
}

function ShelterFields() {
  const area = Form.useWatch(['detail', 'effectiveAreaM2']) as number | null | undefined
  const limit = area && area > 0 ? shelterCapacityLimit(area) : null
  return (
    <>
      <Row gutter={16}>
        <Col span={8}>
          <Form.Item name={['detail', 'gb21734Class']} label="GB 21734 类别">
            <Select options={optionsOf(SHELTER_CLASSES)} allowClear placeholder="按可停留时间" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name={['detail', 'level']} label="场所级别">
            <Select options={optionsOf(SHELTER_LEVELS)} allowClear />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name={['detail', 'spaceType']} label="空间类型" rules={[{ required: true, message: '请选择空间类型' }]}>
            <Select options={optionsOf(SHELTER_SPACES)} />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item
            name={['detail', 'effectiveAreaM2']}
            label="有效面积（m²）"
            rules={[{ required: true, message: '请输入有效面积' }, { type: 'number', min: 0.01, message: '有效面积应大于 0' }]}
          >
            <InputNumber min={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item
            name={['detail', 'capacity']}
            label="可容纳人数"
            dependencies={[['detail', 'effectiveAreaM2']]}
            extra={limit !== null && <Typography.Text type="secondary">按人均 {SHELTER_M2_PER_PERSON} m²，最多 {limit} 人</Typography.Text>}
            rules={[
              { required: true, message: '请输入可容纳人数' },
              {
                validator: async (_r, v: number | null) => {
                  if (v !== null && v !== undefined && limit !== null && v > limit) {
                    throw new Error(`有效面积 ${area} m² 按人均 ${SHELTER_M2_PER_PERSON} m² 最多容纳 ${limit} 人`)
                  }
                },
              },
            ]}
          >
            <InputNumber min={0} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name={['detail', 'facilities']} label="配套设施" extra="可多选，也可输入其他设施后回车">
        <Select mode="tags" options={SHELTER_FACILITIES.map((f) => ({ value: f, label: f }))} tokenSeparators={['、', ',', '，']} />
      </Form.Item>
    </>
  )
}
