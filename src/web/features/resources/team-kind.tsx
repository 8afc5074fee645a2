import { Col, Form, Input, InputNumber, Row, Select, Switch, Tag, Typography } from 'antd'
import { MIN_TEAM_HEADCOUNT, TEAM_LEVELS, TEAM_SPECIALITIES, TEAM_TYPES, type TeamLevel } from '../../../domain/resources/kinds.js'
import { orBlank } from '../../lib/format.js'
import type { Resource } from './api.js'
import { DateInput } from './DateInput.js'
import { listOptions, optionsOf, type KindConfig } from './kind-config.js'
import { PersonPicker } from '../../components/PersonPicker.js'

const LEVEL_BY_REGION: Record<string, TeamLevel> = { city: 'city', county: 'county', township: 'township', village: 'village' }

/** 应急救援队伍 (附件2). */
export const teamKind: KindConfig<'team'> = {
  kind: 'team',
  title: '救援队伍',
  noun: '队伍',
  sub: '应急救援队伍：乡镇（街道）综合队伍不少于 30 人，村（社区）不少于 10 人',
  titles: { name: '队伍名称', responsible: '负责人', liaison: '联络人', ownerUnit: '所属单位' },
  filters: [
    { key: 'level', placeholder: '全部层级', options: optionsOf(TEAM_LEVELS), width: 140 },
    { key: 'teamType', placeholder: '全部类型', options: optionsOf(TEAM_TYPES), width: 180 },
    { key: 'speciality', placeholder: '全部专业', options: listOptions(TEAM_SPECIALITIES), width: 120 },
  ],
  columns: [
    { title: '层级', key: 'level', width: 120, render: (_v, r) => r.detail.levelLabel },
    { title: '人数', key: 'headcount', width: 80, align: 'right', render: (_v, r) => {
      const d = r.detail
      const short = d.minimumHeadcount !== null && d.headcount !== null && d.headcount < d.minimumHeadcount
      return <Typography.Text type={short ? 'warning' : undefined} strong={short} className="sw-num">{orBlank(d.headcount)}</Typography.Text>
    } },
    { title: '类型', key: 'teamType', width: 150, ellipsis: true, render: (_v, r) => r.detail.teamTypeLabel },
    { title: '专业方向', key: 'specialities', width: 180, render: (_v, r) => (
      r.detail.specialities.length ? r.detail.specialities.map((s) => <Tag key={s} style={{ marginBlock: 1 }}>{s}</Tag>) : orBlank(null)
    ) },
    { title: '队长', key: 'leader', width: 90, render: (_v, r) => orBlank(r.detail.leaderName) },
    { title: '保险', key: 'insured', width: 120, render: (_v, r) => (
      r.detail.insured ? <span className="sw-num">{r.detail.insuranceUntil ? `至 ${r.detail.insuranceUntil}` : '已投保'}</span> : <Tag>未投保</Tag>
    ) },
  ],
  scrollX: 1750,
  blank: (level) => ({ level: LEVEL_BY_REGION[level] ?? 'township', teamType: 'grassroots', specialities: ['综合'], insured: false }),
  toInput: (d) => ({
    level: d.level,
    teamType: d.teamType,
    specialities: d.specialities,
    headcount: d.headcount ?? 0,
    leaderPersonId: d.leaderPersonId,
    establishedOn: d.establishedOn,
    insured: d.insured,
    insuranceUntil: d.insuranceUntil,
    equipmentSummary: d.equipmentSummary,
  }),
  Fields: TeamFields,
  describe: (r) => [
    { key: 'level', label: '队伍层级', children: r.detail.levelLabel },
    { key: 'type', label: '队伍类型', children: r.detail.teamTypeLabel },
    { key: 'spec', label: '专业方向', children: orBlank(r.detail.specialities.join('、')), span: 2 },
    { key: 'count', label: '人数', children: `${orBlank(r.detail.headcount)}${r.detail.minimumHeadcount ? `（应不少于 ${r.detail.minimumHeadcount} 人）` : ''}` },
    { key: 'leader', label: '队长', children: orBlank(r.detail.leaderName) },
    { key: 'since', label: '成立日期', children: orBlank(r.detail.establishedOn) },
    { key: 'ins', label: '人身意外伤害保险', children: r.detail.insured ? `已投保${r.detail.insuranceUntil ? `，至 ${r.detail.insuranceUntil}` : ''}` : '未投保' },
    { key: 'equip', label: '主要装备', children: orBlank(r.detail.equipmentSummary), span: 2 },
  ],
}

function TeamFields({ current }: { current: Resource<'team'> | null }) {
  const level = Form.useWatch(['detail', 'level']) as TeamLevel | undefined
  const insured = Form.useWatch(['detail', 'insured']) as boolean | undefined
  const minimum = level ? MIN_TEAM_HEADCOUNT[level] : undefined
  return (
    <>
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item name={['detail', 'level']} label="队伍层级" rules={[{ required: true, message: '请选择队伍层级' }]}>
            <Select options={optionsOf(TEAM_LEVELS)} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name={['detail', 'teamType']} label="队伍类型" rules={[{ required: true, message: '请选择队伍类型' }]}>
            <Select options={optionsOf(TEAM_TYPES)} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name={['detail', 'specialities']} label="专业方向" extra="可多选，也可输入其他专业后回车">
        <Select mode="tags" options={listOptions(TEAM_SPECIALITIES)} tokenSeparators={['、', ',', '，']} />
      </Form.Item>
      <Row gutter={16}>
        <Col span={8}>
          <Form.Item
            name={['detail', 'headcount']}
            label="人数"
            rules={[{ required: true, message: '请输入队伍人数' }]}
            extra={minimum ? `该层级队伍应不少于 ${minimum} 人` : undefined}
          >
            <InputNumber min={0} precision={0} style={{ width: '100%' }} data-testid="team-headcount" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name={['detail', 'leaderPersonId']} label="队长">
            <PersonPicker initialLabel={current?.detail.leaderName} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name={['detail', 'establishedOn']} label="成立日期">
            <DateInput />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item name={['detail', 'insured']} label="已为队员购买人身意外伤害保险" valuePropName="checked">
            <Switch checkedChildren="是" unCheckedChildren="否" />
          </Form.Item>
        </Col>
        <Col span={12}>
          {insured && (
            <Form.Item name={['detail', 'insuranceUntil']} label="保险到期日">
              <DateInput />
            </Form.Item>
          )}
        </Col>
      </Row>
      <Form.Item name={['detail', 'equipmentSummary']} label="主要装备" rules={[{ max: 1000 }]}>
        <Input.TextArea rows={2} maxLength={1000} placeholder="如：冲锋舟 2 艘、抽水泵 4 台" />
      </Form.Item>
    </>
  )
}
