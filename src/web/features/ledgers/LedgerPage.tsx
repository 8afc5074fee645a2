import { DownloadOutlined, FileExcelOutlined, InboxOutlined } from '@ant-design/icons'
import { Button, Card, Col, Progress, Row, Select, Space, Tag, Typography, Upload } from 'antd'
import { useMemo, useState } from 'react'
import { Page, PageHeader } from '../../components/PageTable.js'
import { toast } from '../../lib/feedback.js'
import { useAsync } from '../../lib/use-async.js'
import { useRegionFilter } from '../../shell/region-filter.js'
import { useCan } from '../../lib/session.js'
import { downloadWorkbook } from '../../lib/download.js'
import { exportUrl, listAnnexes, templateUrl, uploadLedger } from './api.js'
import { ImportHistory } from './ImportHistory.js'
import { ImportPanel } from './ImportPanel.js'
import { annexOptions } from './labels.js'

/** What offices save ledgers as; the server tells the formats apart by content. */
const ACCEPT = '.xlsx,.xlsm,.xls,.et,.csv,.txt'

/**
 * 台账导入导出: every table offices keep in Excel — the annexes of the 排摸方案 (附件1–7), experts,
 * shelters, risk points, storage points, suppliers with their agreements — written out for the
 * chosen region, blank templates, and the import of filled-in ledgers: upload, preview with every
 * problem named by row and column, then one confirmation that writes all valid rows together.
 */
export function LedgerPage() {
  const can = useCan()
  const { region } = useRegionFilter()
  const annexes = useAsync(() => listAnnexes(), [])
  const [annexKey, setAnnexKey] = useState<string | undefined>()
  const [uploading, setUploading] = useState<{ name: string; percent: number } | null>(null)
  const [importId, setImportId] = useState<number | null>(null)
  const [historyTick, setHistoryTick] = useState(0)
  const [downloading, setDownloading] = useState<'export' | 'template' | null>(null)
  const writable = can('resources.write')

  const list = annexes.data ?? []
  const annex = list.find((a) => a.key === annexKey) ?? list.find((a) => a.key === 'annex4') ?? list[0]
  const required = useMemo(() => annex?.columns.filter((c) => c.required).map((c) => (c.parent ? `${c.parent}·${c.label}` : c.label)) ?? [], [annex])

  const download = async (what: 'export' | 'template') => {
    if (!annex) return
    setDownloading(what)
    try {
      if (what === 'export') await downloadWorkbook(exportUrl(annex.key, region.code), `${annex.key}-${region.code}.xlsx`)
      else await downloadWorkbook(templateUrl(annex.key), `${annex.key}-template.xlsx`)
    } catch {
      // shown by downloadWorkbook
    } finally {
      setDownloading(null)
    }
  }

  const upload = async (file: File) => {
    if (!annex) return
    setUploading({ name: file.name, percent: 0 })
    try {
      const { importId: id } = await uploadLedger(annex.key, region.code, file, (percent) => setUploading({ name: file.name, percent }))
      setImportId(id)
      setHistoryTick((t) => t + 1)
      toast.info('文件已上传，正在解析')
    } catch {
      // shown by uploadLedger
    } finally {
      setUploading(null)
    }
  }

  return (
    <Page testId="ledger-page">
      <PageHeader title="台账导入导出" sub={`当前区划：${region.name}。导出该区划及下级的台账；导入的数据记入该区划及下级`} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={10}>
          <Card size="small" title="台账" style={{ height: '100%' }}>
            <Select
              value={annex?.key}
              onChange={(k: string) => { setAnnexKey(k); setImportId(null) }}
              loading={annexes.loading}
              options={annexOptions(list)}
              style={{ width: '100%', marginBottom: 12 }}
              data-testid="ledger-annex"
            />
            {annex && (
              <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
                共 {annex.columns.length} 列；必填：{required.join('、') || '无'}。表头可为一至三行，列名可用常见写法（如“物资名称”“品名”）；读取后可核对、修改各列的对应关系，同样表头的文件下次自动沿用。
              </Typography.Paragraph>
            )}
            <Space wrap>
              <Button type="primary" icon={<DownloadOutlined />} loading={downloading === 'export'} disabled={!annex} onClick={() => download('export')} data-testid="ledger-export">
                导出本区划台账
              </Button>
              <Button icon={<FileExcelOutlined />} loading={downloading === 'template'} disabled={!annex} onClick={() => download('template')} data-testid="ledger-template">
                下载空白模板
              </Button>
            </Space>
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          <Card size="small" title="导入台账" style={{ height: '100%' }}>
            {writable ? (
              <div data-testid="ledger-upload">
                <Upload.Dragger
                  accept={ACCEPT}
                  multiple={false}
                  showUploadList={false}
                  disabled={!annex || uploading !== null}
                  beforeUpload={(file) => {
                    void upload(file)
                    // The upload is ours (progress, CSRF); antd only picks the file.
                    return false
                  }}
                >
                  <p className="ant-upload-drag-icon"><InboxOutlined /></p>
                  <p className="ant-upload-text">点击或拖入 Excel / CSV 文件</p>
                  <p className="ant-upload-hint">按所选台账读取（{annex ? annex.fullTitle : '请先选择台账'}）；上传后先预览，确认后才写入</p>
                </Upload.Dragger>
                {uploading && (
                  <div style={{ marginTop: 12 }} data-testid="ledger-upload-progress">
                    <Typography.Text>正在上传 {uploading.name}</Typography.Text>
                    <Progress percent={uploading.percent} status="active" size="small" />
                  </div>
                )}
              </div>
            ) : (
              <Typography.Text type="secondary">您的角色只能导出台账；导入需要“维护应急资源”权限。</Typography.Text>
            )}
          </Card>
        </Col>
      </Row>
      {importId !== null && annex && (
        <ImportPanel
          key={importId}
          importId={importId}
          annex={annex}
          onChanged={() => setHistoryTick((t) => t + 1)}
          onClose={() => setImportId(null)}
        />
      )}
      <Typography.Title level={5} style={{ margin: '20px 0 8px' }}>
        导入记录 <Tag>{region.name}</Tag>
      </Typography.Title>
      <ImportHistory
        regionCode={region.code}
        tick={historyTick}
        onOpen={(imp) => { setAnnexKey(imp.annex); setImportId(imp.id) }}
        onDeleted={writable ? (imp) => setImportId((open) => (open === imp.id ? null : open)) : undefined}
      />
    </Page>
  )
}
