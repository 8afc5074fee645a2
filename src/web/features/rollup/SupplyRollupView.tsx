import { Card, Col, Empty, Row, Skeleton, Statistic, Table, Tag, Typography, type TableColumnsType } from 'antd'
import { useMemo } from 'react'
import { useAsync } from '../../lib/use-async.js'
import { formatQuantity } from '../../lib/class-tree.js'
import { fetchSupplyRollup, type SupplyRollup, type SupplyRollupQuery } from './api.js'
import { barsHeight, topClassBars } from './chart-options.js'
import { EChart } from '../../components/EChart.js'
import { DemoNote } from '../../components/DemoNote.js'

type Child = SupplyRollup['children'][number]
type ByName = SupplyRollup['byName'][number]

type Props = {
  regionCode: string
  filter: Omit<SupplyRollupQuery, 'regionCode'>
  onDrill: (code: string, name: string) => void
}

export function SupplyRollupView({ regionCode, filter, onDrill }: Props) {
  const rollup = useAsync((signal) => fetchSupplyRollup({ regionCode, ...filter }, signal), [regionCode, JSON.stringify(filter)])
  const data = rollup.data?.region.code === regionCode ? rollup.data : undefined
  const option = useMemo(() => topClassBars(data?.children ?? []), [data])

  if (!data) return rollup.loading ? <Skeleton active /> : <Empty description="汇总暂时无法加载" />

  // The pseudo-child 本级 carries the region's own code: records registered at the region itself.
  const isOwn = (c: Child) => c.code === data.region.code
  const below = data.children.filter((c) => !isOwn(c))
  const reported = below.filter((c) => c.reported).length

  const columns: TableColumnsType<Child> = [
    { title: '区划', dataIndex: 'name', fixed: 'left', width: 180, render: (v: string, c) => (isOwn(c)
      ? <Typography.Text type="secondary">{v}</Typography.Text>
      : <Typography.Link onClick={() => onDrill(c.code, c.name)} data-testid="rollup-drill">{v}</Typography.Link>) },
    { title: '条目', dataIndex: 'lines', width: 80, align: 'right', render: (v: number) => <span className="sw-num">{v}</span> },
    { title: '其中装备', dataIndex: 'equipmentLines', width: 90, align: 'right', render: (v: number) => <span className="sw-num">{v}</span> },
    ...data.total.byTopClass.map((t) => ({
      title: t.className,
      key: t.classCode,
      width: 130,
      align: 'right' as const,
      render: (_v: unknown, c: Child) => <span className="sw-num">{c.byTopClass.find((x) => x.classCode === t.classCode)?.lines ?? 0}</span>,
    })),
    { title: '上报', dataIndex: 'reported', width: 80, render: (v: boolean, c) => (isOwn(c) ? null : v ? <Tag color="green">已上报</Tag> : <Tag color="orange">未上报</Tag>) },
  ]

  const nameColumns: TableColumnsType<ByName> = [
    { title: '物资名称', dataIndex: 'name' },
    { title: '计量单位', dataIndex: 'unit', width: 100 },
    { title: '数量合计', dataIndex: 'quantity', width: 140, align: 'right', render: (v: number) => <span className="sw-num">{formatQuantity(v)}</span> },
    { title: '条目数', dataIndex: 'lines', width: 90, align: 'right', render: (v: number) => <span className="sw-num">{v}</span> },
  ]

  return (
    <div data-testid="rollup-supplies">
      <DemoNote show={data.includesDemo} />
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={12} md={6}>
          <Card size="small">
            <div data-testid="rollup-lines" data-value={data.total.lines}>
              <Statistic title="物资装备条目" value={data.total.lines} suffix="条" />
            </div>
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small"><Statistic title="其中装备" value={data.total.equipmentLines} suffix="条" /></Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small"><Statistic title="下级区划已上报" value={reported} suffix={`/ ${below.length}`} /></Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <div className="sw-page-sub" style={{ marginBottom: 4 }}>数量（按计量单位，不同单位不相加）</div>
            <div style={{ maxHeight: 44, overflow: 'auto' }}>
              {data.total.quantityByUnit.length === 0 ? '—' : data.total.quantityByUnit.map((q) => (
                <Tag key={q.unit} style={{ marginBlock: 1 }} className="sw-num">{formatQuantity(q.quantity)} {q.unit}</Tag>
              ))}
            </div>
          </Card>
        </Col>
      </Row>
      {data.total.lines > 0 && (
        <Card size="small" title="各下级区划物资装备条目（按大类）" style={{ marginBottom: 16 }}>
          <EChart
            option={option}
            height={barsHeight(data.children.length)}
            onClick={({ dataIndex }) => {
              const c = data.children[dataIndex]
              if (c && !isOwn(c)) onDrill(c.code, c.name)
            }}
            data-testid="rollup-chart"
          />
        </Card>
      )}
      <Table<Child>
        rowKey="code"
        size="small"
        bordered
        columns={columns}
        dataSource={data.children}
        pagination={false}
        scroll={{ x: 560 + data.total.byTopClass.length * 130 }}
        data-testid="rollup-children"
        summary={() => (
          <Table.Summary.Row>
            <Table.Summary.Cell index={0}><Typography.Text strong>合计</Typography.Text></Table.Summary.Cell>
            <Table.Summary.Cell index={1} align="right"><span className="sw-num">{data.total.lines}</span></Table.Summary.Cell>
            <Table.Summary.Cell index={2} align="right"><span className="sw-num">{data.total.equipmentLines}</span></Table.Summary.Cell>
            {data.total.byTopClass.map((t, i) => (
              <Table.Summary.Cell key={t.classCode} index={3 + i} align="right"><span className="sw-num">{t.lines}</span></Table.Summary.Cell>
            ))}
            <Table.Summary.Cell index={3 + data.total.byTopClass.length} />
          </Table.Summary.Row>
        )}
      />
      <Typography.Title level={5} style={{ margin: '20px 0 8px' }}>按物资名称汇总</Typography.Title>
      <Table<ByName>
        rowKey={(r) => `${r.name}\u0000${r.unit}`}
        size="small"
        bordered
        columns={nameColumns}
        dataSource={data.byName}
        pagination={{ pageSize: 20, size: 'small', showSizeChanger: false, hideOnSinglePage: true }}
        data-testid="rollup-by-name"
      />
    </div>
  )
}
