import { Card, Col, Empty, Row, Segmented, Skeleton, Statistic, Table, Tag, Typography, type TableColumnsType } from 'antd'
import { useState } from 'react'
import { TEAM_LEVELS, label } from '../../../domain/resources/kinds.js'
import { useAsync } from '../../lib/use-async.js'
import { formatQuantity } from '../supplies/class-tree.js'
import { fetchAttention, type AttentionReply } from './api.js'

type Lists = AttentionReply['lists']
type Counts = AttentionReply['counts']

/** Count cards: label, and whether a non-zero count is an alarm (red) or a reminder (orange). */
const CARDS: Array<{ key: keyof Counts; title: string; alarm?: boolean }> = [
  { key: 'expiredSupplies', title: '已过期物资', alarm: true },
  { key: 'expiringSupplies', title: '即将到期物资' },
  { key: 'repair', title: '待修物资装备' },
  { key: 'scrapped', title: '已报废（待处置）' },
  { key: 'maintenanceDue', title: '应保养装备' },
  { key: 'agreementsEnded', title: '已到期保供协议', alarm: true },
  { key: 'agreementsEnding', title: '即将到期保供协议' },
  { key: 'teamsBelowMinimum', title: '人数不足的队伍', alarm: true },
  { key: 'teamsUninsured', title: '未投保或保险到期的队伍' },
  { key: 'stale', title: '超期未确认的记录' },
]

const DAY_OPTIONS = [{ value: 7, label: '7 天' }, { value: 30, label: '30 天' }, { value: 90, label: '90 天' }]

const daysText = (d: number) => (d < 0 ? <Tag color="red">已过期 {-d} 天</Tag> : d === 0 ? <Tag color="orange">今天到期</Tag> : <Tag color="orange">{d} 天后</Tag>)

export function AttentionView({ regionCode }: { regionCode: string }) {
  const [days, setDays] = useState(30)
  const reply = useAsync((signal) => fetchAttention({ regionCode, days }, signal), [regionCode, days])
  const data = reply.data
  if (!data) return reply.loading ? <Skeleton active /> : <Empty description="暂时无法加载" />

  const expiring: TableColumnsType<Lists['expiring'][number]> = [
    { title: '物资', dataIndex: 'name', width: 140, ellipsis: true },
    { title: '数量', key: 'q', width: 110, align: 'right', render: (_v, r) => <span className="sw-num">{formatQuantity(r.quantity)} {r.unit}</span> },
    { title: '有效期至', dataIndex: 'expiresOn', width: 110, render: (v: string) => <span className="sw-num">{v}</span> },
    { title: '剩余', dataIndex: 'daysLeft', width: 120, render: daysText },
    { title: '区划', dataIndex: 'regionName', width: 160, ellipsis: true },
  ]
  const repair: TableColumnsType<Lists['repair'][number]> = [
    { title: '名称', dataIndex: 'name', width: 180, ellipsis: true, render: (v: string, r) => <span>{v}{r.isEquipment && <Tag color="geekblue" style={{ marginLeft: 4 }}>装备</Tag>}</span> },
    { title: '数量', key: 'q', width: 110, align: 'right', render: (_v, r) => <span className="sw-num">{formatQuantity(r.quantity)} {r.unit}</span> },
    { title: '区划', dataIndex: 'regionName', width: 160, ellipsis: true },
  ]
  const agreements: TableColumnsType<Lists['agreementsEnding'][number]> = [
    { title: '协议物资', dataIndex: 'itemName', width: 120, ellipsis: true },
    { title: '保供单位', dataIndex: 'supplierName', width: 160, ellipsis: true, render: (v: string | null) => v ?? '—' },
    { title: '截止日期', dataIndex: 'endsOn', width: 110, render: (v: string) => <span className="sw-num">{v}</span> },
    { title: '剩余', dataIndex: 'daysLeft', width: 120, render: daysText },
    { title: '区划', dataIndex: 'regionName', width: 160, ellipsis: true },
  ]
  const teams: TableColumnsType<Lists['teamsBelowMinimum'][number]> = [
    { title: '队伍', dataIndex: 'name', width: 180, ellipsis: true },
    { title: '层级', dataIndex: 'level', width: 120, render: (v: string) => label(TEAM_LEVELS, v) },
    { title: '人数', key: 'n', width: 120, align: 'right', render: (_v, r) => (
      <Typography.Text type="warning" className="sw-num">{r.headcount} / 应不少于 {r.minimum}</Typography.Text>
    ) },
    { title: '区划', dataIndex: 'regionName', width: 160, ellipsis: true },
  ]

  return (
    <div data-testid="attention-view">
      <div style={{ marginBottom: 12 }}>
        <span style={{ marginRight: 8 }}>提前提醒</span>
        <Segmented options={DAY_OPTIONS} value={days} onChange={(v) => setDays(Number(v))} />
      </div>
      <Row gutter={[12, 12]} style={{ marginBottom: 16 }}>
        {CARDS.map((c) => {
          const n = data.counts[c.key]
          return (
            <Col key={c.key} xs={12} md={8} xl={4} xxl={4}>
              <Card size="small" data-testid={`attention-${c.key}`}>
                <Statistic title={c.title} value={n} styles={{ content: { color: n === 0 ? '#8c8c8c' : c.alarm ? '#cf1322' : '#d46b08' } }} />
              </Card>
            </Col>
          )
        })}
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card size="small" title="到期物资（最早到期的 20 条）">
            <Table rowKey="id" size="small" columns={expiring} dataSource={data.lists.expiring} pagination={false} scroll={{ x: 640 }} data-testid="attention-expiring" />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title="保供协议到期（最早到期的 20 份）">
            <Table rowKey="id" size="small" columns={agreements} dataSource={data.lists.agreementsEnding} pagination={false} scroll={{ x: 670 }} />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title="待修物资装备">
            <Table rowKey="id" size="small" columns={repair} dataSource={data.lists.repair} pagination={false} scroll={{ x: 450 }} />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title="人数不足的队伍（乡镇 30 人、村社区 10 人）">
            <Table rowKey="id" size="small" columns={teams} dataSource={data.lists.teamsBelowMinimum} pagination={false} scroll={{ x: 580 }} />
          </Card>
        </Col>
      </Row>
    </div>
  )
}
