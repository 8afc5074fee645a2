import { CheckCircleOutlined, CloseOutlined, SettingOutlined } from '@ant-design/icons'
import { Alert, Button, Card, Col, Descriptions, Grid, Popconfirm, Progress, Result, Row, Space, Statistic, Tag, Typography } from 'antd'
import { useEffect, useState } from 'react'
import { toast } from '../../lib/feedback.js'
import { reportError } from '../../lib/http.js'
import { formatTime } from '../../lib/format.js'
import { commitImport, getImport, listImportRows, type Annex, type CommitSummary, type ImportDetail, type Outcome } from './api.js'
import { ColumnMapping } from './ColumnMapping.js'
import { ImportRowsTable } from './ImportRowsTable.js'
import { IMPORT_STATUS, summaryLines } from './labels.js'

/** How often the status is asked while the server reads or writes. */
const POLL_MS = 700

type Props = {
  importId: number
  annex: Annex
  /** The batch changed state (previewed, committed, failed): the history below refreshes. */
  onChanged: () => void
  onClose: () => void
}

type OutcomeCounts = Record<Exclude<Outcome, 'error'>, number>

/**
 * One import from upload to result: reading progress, the column mapping (asked for when the
 * file does not say enough, open to change otherwise), preview, confirmation, what was written.
 */
export function ImportPanel({ importId, annex, onChanged, onClose }: Props) {
  const [imp, setImp] = useState<ImportDetail | null>(null)
  const [lost, setLost] = useState(false)
  const [tick, setTick] = useState(0)
  const [counts, setCounts] = useState<OutcomeCounts | null>(null)
  const [committing, setCommitting] = useState(false)
  const [result, setResult] = useState<CommitSummary | null>(null)
  const [mappingOpen, setMappingOpen] = useState(false)

  // Poll while the server works on the batch; stop once it waits for the user or is done.
  useEffect(() => {
    const ac = new AbortController()
    let timer: ReturnType<typeof setTimeout> | undefined
    const poll = async () => {
      try {
        const d = await getImport(importId, ac.signal)
        if (ac.signal.aborted) return
        setImp(d)
        setLost(false)
        if (d.status === 'parsing' || d.status === 'committing') timer = setTimeout(poll, POLL_MS)
      } catch {
        if (!ac.signal.aborted) setLost(true)
      }
    }
    void poll()
    return () => {
      ac.abort()
      clearTimeout(timer)
    }
  }, [importId, tick])

  const status = imp?.status
  useEffect(() => {
    if (status === 'previewed' || status === 'committed' || status === 'failed' || status === 'mapping') onChanged()
  }, [status])

  // The file is read again: poll until the new preview is there.
  const remapped = () => {
    setMappingOpen(false)
    setCounts(null)
    toast.info('已按新的对应关系重新读取')
    setTick((t) => t + 1)
  }

  // What confirming would do, row by row: counted once the preview is ready.
  useEffect(() => {
    if (status !== 'previewed' && status !== 'committed') return
    const ac = new AbortController()
    const count = (outcome: Outcome) => listImportRows(importId, { outcome, page: 1, pageSize: 1 }, ac.signal).then((r) => r.total)
    Promise.all([count('create'), count('update'), count('unchanged'), count('skip')])
      .then(([create, update, unchanged, skip]) => setCounts({ create, update, unchanged, skip }))
      .catch(() => {})
    return () => ac.abort()
  }, [importId, status])

  const commit = async () => {
    setCommitting(true)
    try {
      const summary = await commitImport(importId)
      setResult(summary)
      toast.success('导入完成')
    } catch (e) {
      reportError(e)
    } finally {
      setCommitting(false)
      setTick((t) => t + 1)
    }
  }

  const title = imp ? `${imp.fileName} · ${imp.annexTitle}` : '正在读取导入状态'
  return (
    <Card
      size="small"
      title={title}
      style={{ marginTop: 16 }}
      extra={<Button type="text" size="small" icon={<CloseOutlined />} onClick={onClose} aria-label="关闭" />}
      data-testid="ledger-import"
      data-status={status}
    >
      {lost && (
        <Alert
          type="error"
          showIcon
          title="无法读取导入状态"
          action={<Button size="small" onClick={() => setTick((t) => t + 1)}>重试</Button>}
          style={{ marginBottom: 12 }}
        />
      )}
      {imp && (
        <>
          <Space style={{ marginBottom: 12 }} wrap>
            <Tag color={IMPORT_STATUS[imp.status]?.color}>{IMPORT_STATUS[imp.status]?.label ?? imp.status}</Tag>
            <Typography.Text type="secondary">导入到：{imp.regionName}</Typography.Text>
            <Typography.Text type="secondary">上传于 {formatTime(imp.createdAt)}</Typography.Text>
          </Space>
          {imp.status === 'parsing' && <Reading imp={imp} />}
          {imp.status === 'committing' && <Progress percent={100} status="active" showInfo={false} />}
          {imp.status === 'failed' && <Alert type="error" showIcon title="导入失败" description={imp.message ?? '解析失败'} data-testid="ledger-import-failed" />}
          {imp.meta && <MetaLines imp={imp} />}
          {imp.status === 'mapping' && <ColumnMapping imp={imp} annex={annex} onSent={remapped} />}
          {imp.status === 'previewed' && imp.meta?.sheetColumns && (
            <div style={{ marginBottom: 12 }}>
              {imp.validRows === 0 && (
                <Alert type="error" showIcon style={{ marginBottom: 8 }}
                  title="没有可导入的有效行" description="常见原因是表格的列没有对应上。请核对下面各列的对应关系，改正后重新读取；或修改表格后重新上传。" />
              )}
              <Button icon={<SettingOutlined />} onClick={() => setMappingOpen((o) => !o)} data-testid="ledger-mapping-toggle">
                {mappingOpen || imp.validRows === 0 ? '收起列的对应关系' : '查看或修改列的对应关系'}
              </Button>
              {(mappingOpen || imp.validRows === 0) && (
                <div style={{ marginTop: 8 }}><ColumnMapping imp={imp} annex={annex} onSent={remapped} /></div>
              )}
            </div>
          )}
          {(imp.status === 'previewed' || imp.status === 'committed') && (
            <>
              {imp.message && <Alert type="warning" showIcon title={imp.message} style={{ marginBottom: 12 }} />}
              <Row gutter={[12, 12]} style={{ marginBottom: 12 }} data-testid="ledger-preview-summary">
                <Col xs={12} md={4}><Statistic title="读取行数" value={imp.totalRows} /></Col>
                <Col xs={12} md={4}><Statistic title="有效" value={imp.validRows} styles={{ content: { color: '#389e0d' } }} /></Col>
                <Col xs={12} md={4}><Statistic title="有问题（将跳过）" value={imp.errorRows} styles={{ content: { color: imp.errorRows ? '#cf1322' : undefined } }} /></Col>
                <Col xs={12} md={4}><Statistic title="将新增" value={counts?.create ?? '…'} /></Col>
                <Col xs={12} md={4}><Statistic title="将更新" value={counts?.update ?? '…'} /></Col>
                <Col xs={12} md={4}><Statistic title="无变化" value={counts?.unchanged ?? '…'} /></Col>
              </Row>
              {imp.status === 'previewed' && (
                <Space style={{ marginBottom: 12 }} wrap>
                  <Popconfirm
                    title="确认导入？"
                    description={`将写入 ${imp.validRows} 行有效数据${imp.errorRows ? `，跳过 ${imp.errorRows} 行有问题的数据` : ''}。`}
                    okText="导入"
                    onConfirm={commit}
                    disabled={imp.validRows === 0}
                  >
                    <Button type="primary" icon={<CheckCircleOutlined />} loading={committing} disabled={imp.validRows === 0} data-testid="ledger-commit">
                      确认导入
                    </Button>
                  </Popconfirm>
                  {imp.validRows === 0 && <Typography.Text type="danger">没有可导入的有效行，请修改表格后重新上传。</Typography.Text>}
                </Space>
              )}
              {imp.status === 'committed' && (
                <Result
                  status="success"
                  title="导入完成"
                  subTitle={`${formatTime(imp.committedAt)} 写入；${summaryLines(result ?? imp.summary).join('；') || '没有变化'}`}
                  style={{ padding: '8px 0 16px' }}
                  data-testid="ledger-import-result"
                />
              )}
              {imp.meta?.expected && annex.entity === 'person' && (
                <Typography.Paragraph type="secondary" data-testid="ledger-preview-people">
                  按人员计：将新增 {imp.meta.expected.created} 人、更新 {imp.meta.expected.updated} 人、无变化 {imp.meta.expected.unchanged} 人
                </Typography.Paragraph>
              )}
              <ImportRowsTable
                importId={imp.id} annex={annex} errorRows={imp.errorRows} onRemapped={imp.status === 'previewed' ? remapped : undefined}
                preferred={counts ? (['create', 'update', 'unchanged'] as const).find((o) => counts[o] > 0) : undefined}
              />
            </>
          )}
        </>
      )}
    </Card>
  )
}

/**
 * The server reports rows as it reads them but cannot know the total before the end of the
 * file, so the bar runs without a percentage and the count says how far it got.
 */
function Reading({ imp }: { imp: ImportDetail }) {
  return (
    <div data-testid="ledger-reading">
      <Progress percent={100} status="active" showInfo={false} />
      <Typography.Text>已读取 <span className="sw-num">{imp.totalRows}</span> 行（有效 {imp.validRows}，有问题 {imp.errorRows}）…</Typography.Text>
    </div>
  )
}

function MetaLines({ imp }: { imp: ImportDetail }) {
  const meta = imp.meta!
  const found = Object.values(meta.columnsFound)
  // On a phone the labels go above their values, so the column tags get the whole width.
  const narrow = !(Grid.useBreakpoint().sm ?? true)
  return (
    <>
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 2, md: 3 }}
        layout={narrow ? 'vertical' : 'horizontal'}
        style={{ marginBottom: 12 }}
        items={[
          { key: 'title', label: '表格标题', children: meta.title || '—' },
          { key: 'unit', label: '填报单位', children: meta.fillUnit || '—' },
          { key: 'date', label: '填报日期', children: meta.fillDate || '—' },
          { key: 'cols', label: '识别的列', span: 'filled', children: found.length ? found.map((c) => <Tag key={c} title={c} style={{ marginBlock: 1, maxWidth: '100%', overflow: 'hidden', textOverflow: 'ellipsis' }}>{c}</Tag>) : '—' },
        ]}
      />
      {meta.columnsMissing.length > 0 && (
        <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={`表格中没有找到这些列：${meta.columnsMissing.join('、')}`} />
      )}
    </>
  )
}
