import { Card, Col, Empty, Progress, Row, Skeleton, Statistic, Table, Typography, type TableColumnsType } from 'antd'
import { freshPercent } from '../../../domain/rollup/report.js'
import { useAsync } from '../../lib/use-async.js'
import { exportUrl, fetchFreshness, type FreshnessReply } from './api.js'
import { ExportButton } from './ExportButton.js'
import { DemoNote } from '../../components/DemoNote.js'

type Line = { key: string; label: string; records: number; stale: number }

const columns = (first: string): TableColumnsType<Line> => [
  { title: first, dataIndex: 'label', width: 180 },
  { title: '记录数', dataIndex: 'records', width: 90, align: 'right', render: (v: number) => <span className="sw-num">{v}</span> },
  { title: '待确认', dataIndex: 'stale', width: 90, align: 'right', render: (v: number) => (
    v > 0 ? <Typography.Text type="warning" className="sw-num">{v}</Typography.Text> : <span className="sw-num">0</span>
  ) },
  { title: '已确认比例', key: 'pct', render: (_v, r) => {
    const pct = freshPercent(r.records, r.stale)
    return <Progress percent={pct} size="small" status={pct < 60 ? 'exception' : pct < 90 ? 'normal' : 'success'} style={{ minWidth: 160, margin: 0 }} />
  } },
]

/** 数据新鲜度: how much of the database was confirmed within the configured period. */
export function FreshnessView({ regionCode }: { regionCode: string }) {
  const reply = useAsync((signal) => fetchFreshness({ regionCode }, signal), [regionCode])
  const data: FreshnessReply | undefined = reply.data
  if (!data) return reply.loading ? <Skeleton active /> : <Empty description="暂时无法加载" />

  const byKind: Line[] = data.byKind.map((k) => ({ key: k.kind, label: k.label, records: k.records, stale: k.stale }))
  const byChild: Line[] = data.children.map((c) => ({ key: c.code, label: c.name, records: c.records, stale: c.stale }))
  const pct = freshPercent(data.total.records, data.total.stale)

  return (
    <div data-testid="freshness-view">
      <DemoNote show={data.includesDemo} />
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={12} md={6}><Card size="small"><Statistic title="记录总数" value={data.total.records} /></Card></Col>
        <Col xs={12} md={6}><Card size="small"><Statistic title="待确认" value={data.total.stale} styles={{ content: { color: data.total.stale ? '#d46b08' : undefined } }} /></Card></Col>
        <Col xs={12} md={6}><Card size="small"><Statistic title="更新期限" value={data.freshnessDays} suffix="天" /></Card></Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <div className="sw-page-sub">期限内已确认</div>
            <Progress type="dashboard" percent={pct} size={72} />
          </Card>
        </Col>
      </Row>
      <Typography.Paragraph type="secondary">
        <span style={{ float: 'right' }}>
          <ExportButton url={exportUrl('freshness', { regionCode })} fallbackName={`freshness-${regionCode}.xlsx`} />
        </span>
        超过 {data.freshnessDays} 天未确认（或从未确认）的记录为“待确认”。核实后在各列表中点“仍有效”，或勾选多条批量确认。
      </Typography.Paragraph>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={11}>
          <Table<Line> rowKey="key" size="small" bordered columns={columns('类别')} dataSource={byKind} pagination={false} />
        </Col>
        <Col xs={24} xl={13}>
          <Table<Line> rowKey="key" size="small" bordered columns={columns('区划')} dataSource={byChild} pagination={false} />
        </Col>
      </Row>
    </div>
  )
}
