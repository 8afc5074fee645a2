import { Alert, Button, Card, Col, Input, Row, Select, Space, Statistic, Typography } from 'antd'
import { useMemo, useState } from 'react'
import { SKETCH_HINT } from '../../../domain/map/position-sources.js'
import { REGION_LEVEL_LABELS } from '../../../domain/regions/code.js'
import { Page, PageHeader, PagedTable, Toolbar } from '../../components/PageTable.js'
import { useAsync } from '../../lib/use-async.js'
import { usePagedList } from '../../lib/use-paged-list.js'
import { useRegionFilter } from '../../shell/region-filter.js'
import { useCan } from '../../lib/session.js'
import { MarkPositionDialog } from './MarkPositionDialog.js'
import { PositionImport } from './PositionImport.js'
import { fetchPositionSummary, listRegionPositions, type RegionPosition } from './positions-api.js'
import { SourceTag } from './SourceTag.js'

type Filters = { level?: 'county' | 'township' | 'village'; source?: 'sketch' | 'imported' | 'manual' | 'survey' | 'none'; q?: string }

const SOURCE_OPTIONS = [
  { value: 'sketch', label: '示意（系统自动摆放）' },
  { value: 'imported', label: '导入' },
  { value: 'manual', label: '人工标注' },
  { value: 'survey', label: '测绘' },
  { value: 'none', label: '无位置' },
]

/**
 * 区划位置: where the townships and villages of the jurisdiction are on the map, and where that
 * knowledge came from. Until a deployment imports or marks them, they are sketches the system
 * placed near their parent — and polygon or circle warnings reach villages by these positions.
 */
export function PositionsPage() {
  const { region } = useRegionFilter()
  const can = useCan()
  const writable = can('resources.write')
  const [filters, setFilters] = useState<Filters>({})
  const [marking, setMarking] = useState<RegionPosition | null>(null)
  const summary = useAsync((signal) => fetchPositionSummary(region.code, signal), [region.code])
  const query = useMemo(() => ({ regionCode: region.code, ...filters }), [region.code, filters])
  const list = usePagedList((q, signal) => listRegionPositions(q, signal), query)
  const changed = () => {
    summary.reload()
    list.reload()
  }

  const villages = summary.data?.levels.find((l) => l.level === 'village')
  return (
    <Page testId="positions-page">
      <PageHeader title="区划位置" sub={`${region.name}：乡镇（街道）、村（社区）在地图上的位置及其来源`} />
      {villages && villages.sketch > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="positions-sketch-alert"
          title={`${villages.total} 个村（社区）中有 ${villages.sketch} 个只有示意位置`}
          description={`${SKETCH_HINT}。按多边形或圆形发布预警时，这些村可能被错误地圈入或漏掉。`}
        />
      )}
      <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
        {(summary.data?.levels ?? []).filter((l) => l.level !== 'city').map((l) => (
          <Col key={l.level} xs={24} md={12} xl={8}>
            <Card size="small" title={REGION_LEVEL_LABELS[l.level]} data-testid={`positions-summary-${l.level}`}>
              <Space wrap size={16}>
                <Statistic title="共" value={l.total} />
                <Statistic title="示意" value={l.sketch} styles={{ content: { color: l.sketch ? '#d46b08' : undefined } }} />
                <Statistic title="导入" value={l.imported} />
                <Statistic title="人工标注" value={l.manual} />
                <Statistic title="测绘" value={l.survey} />
                {l.none > 0 && <Statistic title="无位置" value={l.none} />}
              </Space>
            </Card>
          </Col>
        ))}
      </Row>
      {writable && <div style={{ marginBottom: 12 }}><PositionImport onImported={changed} /></div>}
      <Toolbar
        filters={(
          <>
            <Select allowClear placeholder="层级" style={{ width: 120 }} value={filters.level}
              onChange={(level) => setFilters({ ...filters, level })}
              options={(['county', 'township', 'village'] as const).map((l) => ({ value: l, label: REGION_LEVEL_LABELS[l] }))} />
            <Select allowClear placeholder="位置来源" style={{ width: 180 }} value={filters.source}
              onChange={(source) => setFilters({ ...filters, source })} options={SOURCE_OPTIONS} data-testid="positions-source-filter" />
            <Input.Search allowClear placeholder="名称" style={{ width: 160 }} onSearch={(q) => setFilters({ ...filters, q: q.trim() || undefined })} />
          </>
        )}
      />
      <PagedTable<RegionPosition>
        list={list}
        rowKey="code"
        data-testid="positions-table"
        columns={[
          {
            title: '区划',
            render: (_, r) => (
              <span>
                {r.name}
                <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                  {REGION_LEVEL_LABELS[r.level as keyof typeof REGION_LEVEL_LABELS] ?? r.level} · {r.code}
                </Typography.Text>
              </span>
            ),
          },
          {
            title: '位置（WGS84）与来源', width: 168,
            render: (_, r) => (
              <Space direction="vertical" size={2}>
                {r.lng !== null && <span className="sw-num" style={{ fontSize: 12 }}>{r.lng.toFixed(6)}, {r.lat!.toFixed(6)}</span>}
                <SourceTag source={r.positionSource} />
                {r.positionNote && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.positionNote}</Typography.Text>}
              </Space>
            ),
          },
          ...(writable ? [{
            title: '', width: 60,
            render: (_: unknown, r: RegionPosition) => (
              <Button size="small" type="link" style={{ padding: 0, whiteSpace: 'normal', height: 'auto' }} onClick={() => setMarking(r)} data-testid="positions-mark">标注位置</Button>
            ),
          }] : []),
        ]}
      />
      <MarkPositionDialog region={marking} onClose={() => setMarking(null)} onSaved={() => { setMarking(null); changed() }} />
    </Page>
  )
}
