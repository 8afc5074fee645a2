import { Card, Col, Empty, Row, Segmented, Skeleton, Statistic, Table, Tag, Typography, type TableColumnsType } from 'antd'
import { useState } from 'react'
import { TEAM_LEVELS, label } from '../../../domain/resources/kinds.js'
import { ATTENTION_COUNTS, daysLeftText } from '../../../domain/rollup/report.js'
import { useAsync } from '../../lib/use-async.js'
import { formatQuantity } from '../../lib/class-tree.js'
import { exportUrl, fetchAttention, type AttentionReply } from './api.js'
import { ExportButton } from './ExportButton.js'
import { DemoNote } from '../../components/DemoNote.js'

type Lists = AttentionReply['lists']

/** Count cards: label, and whether a non-zero count is an alarm (red) or a reminder (orange); the export names them alike. */
const CARDS = ATTENTION_COUNTS

const DAY_OPTIONS = [{ value: 7, label: '7 天' }, { value: 30, label: '30 天' }, { value: 90, label: '90 天' }]

const daysText = (d: number) => <Tag color={d < 0 ? 'red' : 'orange'}>{daysLeftText(d)}</Tag>

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
      <DemoNote show={data?.includesDemo} />
      <div style={{ marginBottom: 12 }}>
        <span style={{ marginRight: 8 }}>提前提醒</span>
        <Segmented options={DAY_OPTIONS} value={days} onChange={(v) => setDays(Number(v))} />
        <span style={{ marginLeft: 12 }}>
          <ExportButton url={exportUrl('attention', { regionCode, days })} fallbackName={`attention-${regionCode}.xlsx`} />
        </span>
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
