import { CheckOutlined, CloseOutlined, MinusOutlined } from '@ant-design/icons'
import { Card, Col, Empty, Row, Segmented, Space, Statistic, Switch, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd'
import { useMemo, useState } from 'react'
import { levelOf } from '../../../domain/regions/code.js'
import { Page, PageHeader } from '../../components/PageTable.js'
import { useAsync } from '../../lib/use-async.js'
import { useRegionFilter } from '../../shell/region-filter.js'
import { exportUrl, fetchCompleteness, type CompletenessRow, type Indicator } from './api.js'
import { ExportButton } from './ExportButton.js'
import { barsHeight, missingBars } from './chart-options.js'
import { EChart } from '../../components/EChart.js'
import { DemoNote } from '../../components/DemoNote.js'

type Level = 'township' | 'village'

const LEVEL_OPTIONS = [{ value: 'township', label: '乡镇（街道）' }, { value: 'village', label: '村（社区）' }]

/** Indicators whose null means "does not apply here" (no risk points), not "not yet counted". */
const NULL_MEANS_NOT_APPLICABLE = new Set(['hazard_supplies'])

/** ✓ met, ✗ missing, — not yet counted (the data it needs is not in the system yet) or not applicable. */
function IndicatorMark({ indicator }: { indicator: Indicator }) {
  const tip = indicator.note || indicator.label
  if (indicator.ok === null) {
    const reason = NULL_MEANS_NOT_APPLICABLE.has(indicator.key) ? '不涉及' : '未接入'
    return <Tooltip title={`${reason}：${tip}`}><MinusOutlined style={{ color: '#bfbfbf' }} aria-label={reason} /></Tooltip>
  }
  return indicator.ok
    ? <Tooltip title={tip}><CheckOutlined style={{ color: '#389e0d' }} aria-label="齐全" /></Tooltip>
    : <Tooltip title={tip}><CloseOutlined style={{ color: '#cf1322' }} aria-label="缺项" /></Tooltip>
}

/**
 * 应排尽排: whether every township (六有) or village (三有) has listed what it must, indicator by
 * indicator, so the county sees at a glance who has not reported and what is missing.
 */
export function CompletenessPage() {
  const { region } = useRegionFilter()
  const regionLevel = levelOf(region.code)
  // A township has only villages below it; above, the county usually looks at townships first.
  const fixedLevel: Level | null = regionLevel === 'township' || regionLevel === 'village' ? 'village' : null
  const [chosenLevel, setLevel] = useState<Level>('township')
  const level = fixedLevel ?? chosenLevel
  const [onlyMissing, setOnlyMissing] = useState(false)
  const [page, setPage] = useState({ page: 1, pageSize: 50 })
  const reply = useAsync(
    (signal) => fetchCompleteness({ regionCode: region.code, level, onlyMissing: onlyMissing || undefined, ...page }, signal),
    [region.code, level, onlyMissing, page.page, page.pageSize],
  )
  const data = reply.data
  const option = useMemo(() => missingBars(data?.summary.byMissing ?? []), [data])
  const indicatorColumns = data?.items[0]?.indicators ?? []

  const columns: TableColumnsType<CompletenessRow> = [
    { title: level === 'township' ? '乡镇（街道）' : '村（社区）', dataIndex: 'name', fixed: 'left', width: 170, render: (v: string, r) => (
      <div>
        <div>{v}</div>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.parentName}</Typography.Text>
      </div>
    ) },
    { title: '上报', dataIndex: 'reported', width: 70, align: 'center', render: (v: boolean) => (v ? <Tag color="green">已上报</Tag> : <Tag color="orange">未上报</Tag>) },
    ...indicatorColumns.map((ind, i) => ({
      title: ind.label,
      key: ind.key,
      width: 90,
      align: 'center' as const,
      render: (_v: unknown, r: CompletenessRow) => {
        const own = r.indicators.find((x) => x.key === ind.key) ?? r.indicators[i]
        return own ? <IndicatorMark indicator={own} /> : null
      },
    })),
    { title: '队伍人数', dataIndex: 'teamHeadcount', width: 90, align: 'right', render: (v: number | null, r) => (
      v === null ? '—' : <Typography.Text type={r.teamMeetsMinimum ? undefined : 'warning'} className="sw-num">{v}</Typography.Text>
    ) },
    { title: '物资条目', dataIndex: 'supplyLines', width: 90, align: 'right', render: (v: number) => <span className="sw-num">{v}</span> },
    { title: '信息员', dataIndex: 'informants', width: 80, align: 'right', render: (v: number) => <span className="sw-num">{v}</span> },
    { title: '缺项', dataIndex: 'missing', width: 300, render: (missing: string[]) => (
      // Hazard shortfalls list their items (缺防汛物资：救生衣、抽水泵), so tags may wrap.
      missing.length ? missing.map((m) => <Tag key={m} color="red" variant="outlined" style={{ marginBlock: 1, whiteSpace: 'normal' }}>{m}</Tag>) : <Tag color="green">齐全</Tag>
    ) },
  ]

  const s = data?.summary
  return (
    <Page testId="completeness-page">
      <PageHeader
        title="应排尽排"
        sub={`${region.name}：乡镇（街道）“六有”、村（社区）“三有”及队伍、物资、联络人等排查情况；“风险所需物资”按辖内风险隐患点的灾种核对必备物资；— 表示该项尚未纳入统计或不涉及`}
        extra={
          <Space>
            {!fixedLevel && (
              <Segmented
                options={LEVEL_OPTIONS}
                value={level}
                onChange={(v) => { setLevel(v as Level); setPage((p) => ({ ...p, page: 1 })) }}
                data-testid="completeness-level"
              />
            )}
            <span>
              <Switch size="small" checked={onlyMissing} onChange={(v) => { setOnlyMissing(v); setPage((p) => ({ ...p, page: 1 })) }} data-testid="completeness-only-missing" />
              <span style={{ marginLeft: 6 }}>只看缺项</span>
            </span>
            <ExportButton
              url={exportUrl('completeness', { regionCode: region.code, level, onlyMissing: onlyMissing || undefined })}
              fallbackName={`completeness-${region.code}.xlsx`}
            />
          </Space>
        }
      />
      <DemoNote show={data?.includesDemo} />
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={24} lg={10}>
          <Row gutter={[16, 16]}>
            <Col span={8}><Card size="small"><Statistic title="区划数" value={s?.regions ?? 0} loading={reply.loading && !s} /></Card></Col>
            <Col span={8}><Card size="small"><Statistic title="已上报" value={s?.reported ?? 0} suffix={s ? `/ ${s.regions}` : ''} /></Card></Col>
            <Col span={8}><Card size="small"><Statistic title="齐全" value={s?.complete ?? 0} suffix={s ? `/ ${s.regions}` : ''} styles={{ content: { color: '#389e0d' } }} /></Card></Col>
          </Row>
        </Col>
        <Col xs={24} lg={14}>
          <Card size="small" title="缺项分布（区划数）">
            {s && s.byMissing.length > 0
              ? <EChart option={option} height={Math.min(barsHeight(s.byMissing.length), 320)} data-testid="completeness-chart" />
              : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={s ? '没有缺项' : '加载中'} />}
          </Card>
        </Col>
      </Row>
      <Table<CompletenessRow>
        rowKey="code"
        size="small"
        bordered
        columns={columns}
        dataSource={data?.items ?? []}
        loading={reply.loading}
        pagination={{
          current: page.page,
          pageSize: page.pageSize,
          total: data?.total ?? 0,
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100, 200],
          showTotal: (total) => `共 ${total} 个区划`,
          onChange: (p, size) => setPage({ page: size !== page.pageSize ? 1 : p, pageSize: size }),
          size: 'small',
        }}
        scroll={{ x: 940 + indicatorColumns.length * 90 }}
        data-testid="completeness-table"
      />
    </Page>
  )
}
