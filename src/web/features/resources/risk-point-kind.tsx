import { Col, Form, Input, InputNumber, Row, Select, Tag } from 'antd'
import { HAZARD_TYPES, RISK_LEVELS, RISK_STATES } from '../../../domain/resources/kinds.js'
import { orBlank } from '../../lib/format.js'
import type { Resource } from './api.js'
import { listOptions, optionsOf, type KindConfig } from './kind-config.js'
import { PersonPicker } from '../../components/PersonPicker.js'

const STATE_COLORS: Record<string, string> = { monitoring: 'blue', rectifying: 'orange', eliminated: 'default' }

/** 风险隐患点: what threatens whom, who watches it, and whether it is being dealt with. */
export const riskPointKind: KindConfig<'risk_point'> = {
  kind: 'risk_point',
  title: '风险隐患点',
  noun: '隐患点',
  sub: '地质灾害、山洪、内涝等风险隐患点及其监测责任人',
  titles: { name: '隐患点名称', responsible: '负责人', liaison: '联络人', ownerUnit: '责任单位' },
  filters: [
    { key: 'hazardType', placeholder: '全部隐患类型', options: listOptions(HAZARD_TYPES), width: 140 },
    { key: 'riskLevel', placeholder: '全部等级', options: optionsOf(RISK_LEVELS), width: 110 },
    { key: 'state', placeholder: '全部状态', options: optionsOf(RISK_STATES), width: 110 },
  ],
  columns: [
    { title: '隐患类型', key: 'hazard', width: 110, render: (_v, r) => r.detail.hazardType },
    { title: '等级', key: 'level', width: 70, render: (_v, r) => <Tag color={r.detail.level === 'major' ? 'red' : undefined}>{r.detail.levelLabel}</Tag> },
    { title: '状态', key: 'state', width: 80, render: (_v, r) => <Tag color={STATE_COLORS[r.detail.state]}>{r.detail.stateLabel}</Tag> },
    { title: '威胁人数', key: 'people', width: 90, align: 'right', render: (_v, r) => <span className="sw-num">{orBlank(r.detail.threatenedPeople)}</span> },
    { title: '监测责任人', key: 'monitor', width: 100, render: (_v, r) => orBlank(r.detail.monitorName) },
  ],
  scrollX: 1600,
  blank: () => ({ level: 'general', state: 'monitoring' }),
  toInput: (d) => ({
    hazardType: d.hazardType as (typeof HAZARD_TYPES)[number],
    level: d.level,
    state: d.state,
    monitorPersonId: d.monitorPersonId,
    measures: d.measures,
    threatenedPeople: d.threatenedPeople,
  }),
  Fields: RiskFields,
  describe: (r) => [
    { key: 'hazard', label: '隐患类型', children: r.detail.hazardType },
    { key: 'level', label: '隐患等级', children: r.detail.levelLabel },
    { key: 'state', label: '处置状态', children: r.detail.stateLabel },
    { key: 'people', label: '威胁人数', children: orBlank(r.detail.threatenedPeople) },
    { key: 'monitor', label: '监测责任人', children: orBlank(r.detail.monitorName), span: 2 },
    { key: 'measures', label: '防范措施', children: orBlank(r.detail.measures), span: 2 },
  ],
}

function RiskFields({ current }: { current: Resource<'risk_point'> | null }) {
  return (
    <>
      <Row gutter={16}>
        <Col span={8}>
          <Form.Item name={['detail', 'hazardType']} label="隐患类型" rules={[{ required: true, message: '请选择隐患类型' }]}>
            <Select options={listOptions(HAZARD_TYPES)} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name={['detail', 'level']} label="隐患等级" rules={[{ required: true, message: '请选择隐患等级' }]}>
            <Select options={optionsOf(RISK_LEVELS)} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name={['detail', 'state']} label="处置状态" rules={[{ required: true, message: '请选择处置状态' }]}>
            <Select options={optionsOf(RISK_STATES)} />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item name={['detail', 'monitorPersonId']} label="监测责任人">
            <PersonPicker initialLabel={current?.detail.monitorName} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name={['detail', 'threatenedPeople']} label="威胁人数">
            <InputNumber min={0} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name={['detail', 'measures']} label="防范措施" rules={[{ max: 1000 }]}>
        <Input.TextArea rows={3} maxLength={1000} />
      </Form.Item>
    </>
  )
}
