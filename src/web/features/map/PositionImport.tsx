import { InboxOutlined } from '@ant-design/icons'
import { Alert, Button, Card, Radio, Select, Space, Statistic, Table, Tag, Typography, Upload } from 'antd'
import { useState } from 'react'
import { CRS_KEYS, type Crs } from '../../../domain/map/crs.js'
import { positionSourceLabel } from '../../../domain/map/position-sources.js'
import { toast } from '../../lib/feedback.js'
import { isApiError } from '../../lib/http.js'
import { commitPositionImport, previewPositionImport, type ImportPreview, type PreviewRow } from './positions-api.js'
import { SourceTag } from './SourceTag.js'

const ACCEPT = '.xlsx,.csv,.txt,.geojson,.json'

export const CRS_LABELS: Record<Crs, string> = {
  WGS84: 'WGS84（GPS、天地图、CGCS2000）',
  GCJ02: 'GCJ-02（高德、腾讯）',
  BD09: 'BD-09（百度）',
}

const OUTCOMES: Record<PreviewRow['outcome'], { label: string; color: string }> = {
  new: { label: '新增位置', color: 'green' },
  update: { label: '更新', color: 'blue' },
  unchanged: { label: '无变化', color: 'default' },
  problem: { label: '有问题', color: 'red' },
}

/**
 * Region positions from a file: choose the coordinate system and where the data comes from, upload,
 * read the preview (every row's region and point, or its problems by row, column and value), then
 * confirm the valid rows in one go.
 */
export function PositionImport({ onImported }: { onImported: () => void }) {
  const [crs, setCrs] = useState<Crs>('WGS84')
  const [source, setSource] = useState<'imported' | 'survey'>('imported')
  const [file, setFile] = useState<File | null>(null)
  const [preview, setPreview] = useState<ImportPreview | null>(null)
  const [refusal, setRefusal] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [onlyProblems, setOnlyProblems] = useState(false)

  const read = async (f: File, system: Crs) => {
    setFile(f)
    setPreview(null)
    setRefusal(null)
    setBusy(true)
    try {
      setPreview(await previewPositionImport(f, system))
    } catch (e) {
      setRefusal(isApiError(e) ? e.message : '无法读取该文件')
    } finally {
      setBusy(false)
    }
  }

  const valid = preview?.rows.filter((r) => r.outcome !== 'problem') ?? []
  const changing = valid.filter((r) => r.outcome !== 'unchanged')
  const commit = async () => {
    if (!preview || !file) return
    setBusy(true)
    try {
      const res = await commitPositionImport({
        fileName: file.name,
        source,
        rows: valid.map((r) => ({ row: r.row, code: r.code!, lng: r.entered!.lng, lat: r.entered!.lat, crs: r.entered!.crs, note: r.note })),
      })
      toast.success(`已导入 ${res.updated} 个区划的位置${res.unchanged ? `，${res.unchanged} 个无变化` : ''}`)
      setPreview(null)
      setFile(null)
      onImported()
    } catch {
      // shown by the http client
    } finally {
      setBusy(false)
    }
  }

  const rows = onlyProblems ? preview?.rows.filter((r) => r.outcome === 'problem') : preview?.rows
  return (
    <Card size="small" title="导入区划位置" data-testid="position-import">
      <Space direction="vertical" size={10} style={{ width: '100%' }}>
        <Typography.Text type="secondary">
          Excel（.xlsx）或 CSV：每行写明“区划代码”或“名称”（同名时加“上级”列，如乡镇名称）以及“经度”“纬度”，可加“坐标系”列；
          GeoJSON：点要素，或村界等面要素（取质心），属性中有代码或名称。导入后这些区划不再是示意位置。
        </Typography.Text>
        <Space wrap>
          <span>坐标系</span>
          <Select<Crs>
            value={crs}
            onChange={(v) => { setCrs(v); if (file) void read(file, v) }}
            options={CRS_KEYS.map((k) => ({ value: k, label: CRS_LABELS[k] }))}
            style={{ minWidth: 220 }}
            data-testid="position-import-crs"
          />
        </Space>
        <Radio.Group value={source} onChange={(e) => setSource(e.target.value)} data-testid="position-import-source">
          <Radio value="imported">导入（一般资料）</Radio>
          <Radio value="survey">测绘成果</Radio>
        </Radio.Group>
        <Upload.Dragger
          accept={ACCEPT}
          multiple={false}
          showUploadList={false}
          disabled={busy}
          beforeUpload={(f) => { void read(f, crs); return false }}
          data-testid="position-import-upload"
        >
          <p className="ant-upload-drag-icon"><InboxOutlined /></p>
          <p className="ant-upload-text">{file ? `已选择：${file.name}（可重新选择）` : '点击或拖入位置文件'}</p>
        </Upload.Dragger>
        {refusal && <Alert type="error" showIcon title={refusal} data-testid="position-import-refusal" />}
        {preview && (
          <>
            <Space wrap size={24} data-testid="position-import-summary">
              <Statistic title="行数" value={preview.total} />
              <Statistic title="可导入" value={valid.length} />
              <Statistic title="将更新" value={changing.length} />
              <Statistic title="有问题" value={preview.total - valid.length} styles={{ content: { color: preview.total > valid.length ? '#cf1322' : undefined } }} />
            </Space>
            <Typography.Text type="secondary">
              识别的列：{Object.entries(preview.columns).map(([k, v]) => `${COLUMN_LABELS[k] ?? k}←“${v}”`).join('，')}；
              坐标系 {CRS_LABELS[preview.crs]}{preview.columns.crs ? '（各行“坐标系”列填写的优先）' : ''}
            </Typography.Text>
            <Space wrap>
              <Button type="primary" disabled={changing.length === 0} loading={busy} onClick={commit} data-testid="position-import-commit">
                确认导入 {valid.length} 行（{source === 'survey' ? '测绘' : '导入'}）
              </Button>
              <Radio.Group size="small" optionType="button" value={onlyProblems} onChange={(e) => setOnlyProblems(e.target.value)}
                options={[{ value: false, label: '全部行' }, { value: true, label: '只看有问题的' }]} />
            </Space>
            <Table<PreviewRow>
              rowKey="row"
              size="small"
              dataSource={rows}
              pagination={{ pageSize: 50, size: 'small', showTotal: (t) => `共 ${t} 行` }}
              data-testid="position-import-rows"
              columns={[
                { title: '行', dataIndex: 'row', width: 44 },
                {
                  // One column for the region and what becomes of it, so a phone shows the problems without scrolling sideways.
                  title: '区划与结果',
                  render: (_, r) => (
                    <Space direction="vertical" size={2}>
                      <span>{r.fullName ?? '—'}</span>
                      <Tag color={OUTCOMES[r.outcome].color}>{OUTCOMES[r.outcome].label}</Tag>
                      {r.problems.map((p, i) => <Typography.Text key={i} type="danger" style={{ fontSize: 12 }}>{p.message}</Typography.Text>)}
                      {r.note && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.note}</Typography.Text>}
                    </Space>
                  ),
                },
                {
                  title: '位置（WGS84）', width: 132,
                  render: (_, r) => (
                    <Space direction="vertical" size={2}>
                      {r.lng === null ? '—' : <span className="sw-num" style={{ fontSize: 12 }}>{r.lng.toFixed(6)}<br />{r.lat!.toFixed(6)}</span>}
                      {r.code && <span style={{ fontSize: 12 }}>现为 {r.current ? <SourceTag source={r.current.positionSource} /> : positionSourceLabel(null)}</span>}
                    </Space>
                  ),
                },
              ]}
            />
          </>
        )}
      </Space>
    </Card>
  )
}

const COLUMN_LABELS: Record<string, string> = { code: '区划代码', name: '名称', parent: '上级', lng: '经度', lat: '纬度', crs: '坐标系' }
