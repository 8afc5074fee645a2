import { Card, Col, Empty, Row, Skeleton, Statistic, Table, Tag, Typography, type TableColumnsType } from 'antd'
import { RESOURCE_KIND_KEYS, RESOURCE_KINDS } from '../../../domain/resources/kinds.js'
import { useAsync } from '../../lib/use-async.js'
import { fetchResourceRollup, type ResourceRollup } from './api.js'
import { DemoNote } from '../../components/DemoNote.js'

type Child = ResourceRollup['children'][number]

const num = (v: number) => <span className="sw-num">{v.toLocaleString('zh-CN')}</span>

/** Teams, experts, storage points, shelters, risk points and suppliers of each child region. */
export function ResourceRollupView({ regionCode, onDrill }: { regionCode: string; onDrill: (code: string, name: string) => void }) {
  const rollup = useAsync((signal) => fetchResourceRollup({ regionCode }, signal), [regionCode])
  const data = rollup.data?.region.code === regionCode ? rollup.data : undefined
  if (!data) return rollup.loading ? <Skeleton active /> : <Empty description="汇总暂时无法加载" />

  const isOwn = (c: Child) => c.code === data.region.code
  const t = data.total
  const columns: TableColumnsType<Child> = [
    { title: '区划', dataIndex: 'name', fixed: 'left', width: 170, render: (v: string, c) => (isOwn(c)
      ? <Typography.Text type="secondary">{v}</Typography.Text>
      : <Typography.Link onClick={() => onDrill(c.code, c.name)} data-testid="rollup-drill">{v}</Typography.Link>) },
    ...RESOURCE_KIND_KEYS.map((k) => ({
      title: RESOURCE_KINDS[k],
      key: k,
      width: 100,
      align: 'right' as const,
      render: (_v: unknown, c: Child) => num(c.counts[k] ?? 0),
    })),
    { title: '队伍人数', dataIndex: 'teamHeadcount', width: 90, align: 'right', render: num },
    { title: '避难容量（人）', dataIndex: 'shelterCapacity', width: 120, align: 'right', render: num },
    { title: '隐患点（重大）', key: 'risks', width: 120, align: 'right', render: (_v, c) => (
      <span className="sw-num">{c.riskPoints.general + c.riskPoints.major}{c.riskPoints.major > 0 && <Typography.Text type="danger">（{c.riskPoints.major}）</Typography.Text>}</span>
    ) },
    { title: '待确认', dataIndex: 'stale', width: 80, align: 'right', render: (v: number) => (v > 0 ? <Typography.Text type="warning" className="sw-num">{v}</Typography.Text> : num(0)) },
    { title: '上报', dataIndex: 'reported', width: 80, render: (v: boolean, c) => (isOwn(c) ? null : v ? <Tag color="green">已上报</Tag> : <Tag color="orange">未上报</Tag>) },
  ]

  const cards: Array<{ title: string; value: number; suffix: string }> = [
    { title: '救援队伍', value: t.counts.team ?? 0, suffix: `支 · ${t.teamHeadcount.toLocaleString('zh-CN')} 人` },
    { title: '应急专家', value: t.counts.expert ?? 0, suffix: '名' },
    { title: '储备点/储备库', value: t.counts.storage_point ?? 0, suffix: '处' },
    { title: '避难场所', value: t.counts.shelter ?? 0, suffix: `处 · 可容纳 ${t.shelterCapacity.toLocaleString('zh-CN')} 人` },
    { title: '风险隐患点（未销号）', value: t.riskPoints.general + t.riskPoints.major, suffix: `处 · 重大 ${t.riskPoints.major}` },
    { title: '保供单位', value: t.counts.supplier ?? 0, suffix: '家' },
  ]

  return (
    <div data-testid="rollup-resources">
      <DemoNote show={data.includesDemo} />
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        {cards.map((c) => (
          <Col key={c.title} xs={12} md={8} xl={4}>
            <Card size="small"><Statistic title={c.title} value={c.value} suffix={<span style={{ fontSize: 13 }}>{c.suffix}</span>} /></Card>
          </Col>
        ))}
      </Row>
      {t.stale > 0 && (
        <Typography.Paragraph type="warning">共 {t.stale} 条记录超过更新期限未确认，请到各资源列表核实后点“仍有效”。</Typography.Paragraph>
      )}
      <Table<Child>
        rowKey="code"
        size="small"
        bordered
        columns={columns}
        dataSource={data.children}
        pagination={false}
        scroll={{ x: 1350 }}
        data-testid="rollup-resource-children"
      />
    </div>
  )
}
