import { Col, Form, Input, Row, Select } from 'antd'
import { useMemo } from 'react'
import { EXPERT_DOMAINS, GENDERS } from '../../../domain/resources/kinds.js'
import { orBlank } from '../../lib/format.js'
import { useAsync } from '../../lib/use-async.js'
import { listExpertGroups } from './api.js'
import { DateInput } from './DateInput.js'
import { optionsOf, type KindConfig } from './kind-config.js'

/** 应急专家: the person record carries the phone, so the 负责人 field is the expert. */
export const expertKind: KindConfig<'expert'> = {
  kind: 'expert',
  title: '应急专家',
  noun: '专家',
  sub: '应急专家库：按事故灾难、自然灾害、公共卫生、社会安全、综合管理五个领域分组',
  titles: { name: '专家姓名', responsible: '专家本人（人员通讯录）', liaison: '联络人', ownerUnit: '推荐单位' },
  responsibleRequired: false,
  filters: [
    { key: 'domain', placeholder: '全部领域', options: optionsOf(EXPERT_DOMAINS), width: 120 },
    {
      key: 'groupCode',
      placeholder: '全部组别',
      load: () => listExpertGroups().then((gs) => gs.map((g) => ({ value: g.code, label: `${g.domainLabel} · ${g.name}` }))),
      width: 200,
    },
  ],
  columns: [
    { title: '领域', key: 'domain', width: 100, render: (_v, r) => r.detail.domainLabel },
    { title: '组别', key: 'group', width: 140, ellipsis: true, render: (_v, r) => orBlank(r.detail.groupName) },
    { title: '职称', key: 'title', width: 120, ellipsis: true, render: (_v, r) => orBlank(r.detail.title) },
    { title: '专长', key: 'speciality', width: 180, ellipsis: true, render: (_v, r) => orBlank(r.detail.speciality) },
    { title: '工作单位', key: 'workUnit', width: 180, ellipsis: true, render: (_v, r) => orBlank(r.detail.workUnit) },
  ],
  scrollX: 1750,
  blank: () => ({ domain: 'natural' }),
  // Gender and birth month travel along, so saving the form keeps what a ledger import brought in.
  toInput: (d) => ({
    domain: d.domain, groupCode: d.groupCode, title: d.title, speciality: d.speciality, workUnit: d.workUnit, gender: d.gender, bornOn: d.bornOn,
  }),
  Fields: ExpertFields,
  describe: (r) => [
    { key: 'domain', label: '专业领域', children: r.detail.domainLabel },
    { key: 'group', label: '专家组别', children: orBlank(r.detail.groupName) },
    { key: 'title', label: '职称', children: orBlank(r.detail.title) },
    { key: 'work', label: '工作单位', children: orBlank(r.detail.workUnit) },
    { key: 'gender', label: '性别', children: orBlank(r.detail.genderLabel) },
    { key: 'born', label: '出生年月', children: orBlank(r.detail.bornOn?.slice(0, 7) ?? null) },
    { key: 'spec', label: '专长', children: orBlank(r.detail.speciality), span: 2 },
  ],
}

function ExpertFields() {
  const form = Form.useFormInstance()
  const domain = Form.useWatch(['detail', 'domain']) as string | undefined
  const groups = useAsync(() => listExpertGroups(), [])
  const options = useMemo(
    () => (groups.data ?? []).filter((g) => !domain || g.domain === domain).map((g) => ({ value: g.code, label: g.name })),
    [groups.data, domain],
  )
  return (
    <>
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item name={['detail', 'domain']} label="专业领域" rules={[{ required: true, message: '请选择专业领域' }]}>
            <Select options={optionsOf(EXPERT_DOMAINS)} onChange={() => form.setFieldValue(['detail', 'groupCode'], null)} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name={['detail', 'groupCode']} label="专家组别">
            <Select options={options} allowClear loading={groups.loading} placeholder="请选择组别" />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item name={['detail', 'title']} label="职称" rules={[{ max: 50 }]}>
            <Input maxLength={50} placeholder="如：高级工程师" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name={['detail', 'workUnit']} label="工作单位" rules={[{ max: 100 }]}>
            <Input maxLength={100} />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item name={['detail', 'gender']} label="性别">
            <Select options={optionsOf(GENDERS)} allowClear />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name={['detail', 'bornOn']} label="出生年月">
            <DateInput />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name={['detail', 'speciality']} label="专长" rules={[{ max: 200 }]}>
        <Input.TextArea rows={2} maxLength={200} />
      </Form.Item>
    </>
  )
}
