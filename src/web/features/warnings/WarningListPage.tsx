import { PlusOutlined } from '@ant-design/icons'
import { App, Button, Input, Popconfirm, Progress, Select, Space, Tag, Tooltip, Typography, type TableColumnsType } from 'antd'
import { useState, type ReactNode } from 'react'
import { useNavigate } from 'react-router'
import { WARNING_LEVEL_KEYS, WARNING_PURPOSES, WARNING_STATUSES, type WarningLevel, type WarningPurpose, type WarningStatus } from '../../../domain/warnings/levels.js'
import { Page, PagedTable, PageHeader, Toolbar } from '../../components/PageTable.js'
import { toast } from '../../lib/feedback.js'
import { formatTime } from '../../lib/format.js'
import { usePagedList } from '../../lib/use-paged-list.js'
import { useCan, useMe } from '../../lib/session.js'
import {
  capXmlUrl, deleteWarning, getWarning, listWarnings, submitWarning, type Warning, type WarningSummary,
} from './api.js'
import { CloseDialog, type Closing } from './CloseDialog.js'
import { ImportCapButton } from './ImportCapButton.js'
import { canIssueLevel, ownWarning, reviewAndIssue, useIssuingPolicy } from './issue.js'
import { levelInfo, percent } from '../../lib/warning-labels.js'
import { LevelTag, StatusTag } from '../../components/LevelTag.js'
import { UpdateDialog } from './UpdateDialog.js'
import { WarningEditor } from './WarningEditor.js'

type Filters = { status?: WarningStatus; level?: WarningLevel; purpose?: WarningPurpose; q?: string }

const option = (table: Record<string, string>) => Object.entries(table).map(([value, label]) => ({ value, label }))

/** Acknowledged of recipients as a bar: green when everyone has confirmed. */
export function AckProgress({ counts }: { counts: WarningSummary['counts'] }) {
  if (counts.recipients === 0) return <Typography.Text type="secondary">—</Typography.Text>
  const p = percent(counts.acknowledged, counts.recipients)
  return (
    <Tooltip title={`已确认 ${counts.acknowledged}，未确认 ${counts.pending}，联系不上 ${counts.unreachable}`}>
      <div style={{ minWidth: 140 }} data-testid="warning-progress">
        <Progress percent={p} size="small" status={p === 100 ? 'success' : 'active'} format={() => `${counts.acknowledged}/${counts.recipients}`} />
      </div>
    </Tooltip>
  )
}

export function WarningListPage() {
  const me = useMe()
  const can = useCan()
  const { modal } = App.useApp()
  const navigate = useNavigate()
  const [f, setF] = useState<Filters>({})
  const set = (patch: Partial<Filters>) => setF((x) => ({ ...x, ...patch }))
  const list = usePagedList((p, signal) => listWarnings(p, signal), { ...f, q: f.q || undefined })
  const [editor, setEditor] = useState<{ warning: Warning | null } | null>(null)
  const [updating, setUpdating] = useState<Warning | null>(null)
  const [closing, setClosing] = useState<Closing | null>(null)
  const writable = can('warnings.write')
  const policy = useIssuingPolicy()

  const open = async (id: number) => setEditor({ warning: await getWarning(id) })
  const withWarning = (id: number, then: (w: Warning) => void) => () => void getWarning(id).then(then).catch(() => {})
  const afterWrite = () => {
    setEditor(null)
    list.reload()
  }
  const act = (work: () => Promise<unknown>, done: string) => () => void work()
    .then(() => toast.success(done))
    .catch(() => {})
    .finally(list.reload)

  const actions = (w: WarningSummary) => {
    const mayIssue = canIssueLevel(me.permissions, me.regionLevel, w.level, w.eventType, policy.rules)
    const links: ReactNode[] = []
    const link = (key: string, label: string, onClick: () => void, extra: { danger?: boolean; testId?: string } = {}) => (
      <Button key={key} type="link" size="small" danger={extra.danger} onClick={onClick} data-testid={extra.testId}>{label}</Button>
    )
    if (w.status === 'draft' && writable) {
      links.push(link('edit', '编辑', () => void open(w.id), { testId: 'warning-edit' }))
      links.push(link('submit', '提交审批', withWarning(w.id, (full) => act(() => submitWarning(full.id, full.version), '已提交审批')())))
      links.push(
        <Popconfirm
          key="delete"
          title={`删除预警草稿“${w.headline}”？`}
          okText="删除"
          okButtonProps={{ danger: true }}
          onConfirm={withWarning(w.id, (full) => act(() => deleteWarning(full.id, full.version), '草稿已删除')())}
        >
          <Button type="link" size="small" danger>删除</Button>
        </Popconfirm>,
      )
    }
    if (w.status === 'submitted') {
      links.push(link('review', '审阅', () => void open(w.id)))
      if (mayIssue && ownWarning(policy, me.id, w)) {
        links.push(
          <Tooltip key="own" title="双人审批：您起草或修改过该预警，须由另一位有审批权限的人员审批发布">
            <Typography.Text type="secondary" style={{ fontSize: 12, padding: '0 7px' }} data-testid="warning-own">待他人审批</Typography.Text>
          </Tooltip>,
        )
      } else if (mayIssue) {
        links.push(link('approve', '审批发布', () => void reviewAndIssue(modal, w.id).then((issued) => {
          list.reload()
          if (issued) navigate(`/boards/${issued.id}`)
        }).catch(() => list.reload()), { testId: 'warning-approve-row' }))
      }
    }
    if (w.status === 'issued' || w.status === 'cancelled' || w.status === 'ended') {
      links.push(link('board', '叫应看板', () => navigate(`/boards/${w.id}`), { testId: 'warning-board' }))
    }
    if (w.status === 'issued' && mayIssue && w.purpose === 'warning') {
      links.push(link('update', '更新', withWarning(w.id, setUpdating)))
      links.push(link('end', '解除', withWarning(w.id, (full) => setClosing({ kind: 'end', warning: full }))))
      links.push(link('cancel', '撤销', withWarning(w.id, (full) => setClosing({ kind: 'cancel', warning: full })), { danger: true }))
    }
    if (w.identifier && w.purpose === 'warning') {
      links.push(<Typography.Link key="cap" href={capXmlUrl(w.id)} download={`${w.identifier}.xml`} style={{ fontSize: 12, padding: '0 7px' }}>CAP</Typography.Link>)
    }
    return <Space size={0} wrap>{links}</Space>
  }

  const columns: TableColumnsType<WarningSummary> = [
    { title: '级别', dataIndex: 'level', width: 80, render: (v: number) => <LevelTag level={v} short /> },
    { title: '标题', dataIndex: 'headline', width: 300, render: (v: string, w) => (
      <div>
        <Space size={4}>
          {w.purpose === 'drill' && <Tag color="purple">演练</Tag>}
          <Typography.Link
            onClick={() => (w.status === 'draft' || w.status === 'submitted' ? void open(w.id) : navigate(`/boards/${w.id}`))}
            data-testid="warning-open"
          >
            {v}
          </Typography.Link>
        </Space>
        <div style={{ fontSize: 12, color: '#8c8c8c' }}>{w.eventType}{w.identifier ? ` · ${w.identifier}` : ''}{w.revision > 1 ? ` · 第 ${w.revision} 版` : ''}</div>
      </div>
    ) },
    { title: '状态', dataIndex: 'status', width: 80, render: (v: string) => <StatusTag status={v} /> },
    { title: '发布区划', dataIndex: 'regionName', width: 140, ellipsis: true },
    { title: '发布时间', key: 'time', width: 140, render: (_v, w) => (w.issuedAt ? formatTime(w.issuedAt) : <Typography.Text type="secondary">起草 {formatTime(w.createdAt)}</Typography.Text>) },
    { title: '叫应进度', key: 'progress', width: 190, render: (_v, w) => <AckProgress counts={w.counts} /> },
    { title: '操作', key: 'actions', width: 250, fixed: 'right', render: (_v, w) => actions(w) },
  ]

  return (
    <Page testId="warnings-page">
      <PageHeader title="预警发布" sub={`${me.regionName}及下级区划的预警：起草、审批发布，以及发布后的叫应进度`} />
      <Toolbar
        filters={
          <>
            <Input.Search placeholder="标题、事件类型、编号" allowClear onSearch={(v) => set({ q: v.trim() })} style={{ width: 220 }} />
            <Select placeholder="全部状态" allowClear value={f.status} onChange={(v?: WarningStatus) => set({ status: v })} options={option(WARNING_STATUSES)} style={{ width: 110 }} data-testid="warning-status-filter" />
            <Select
              placeholder="全部级别"
              allowClear
              value={f.level}
              onChange={(v?: WarningLevel) => set({ level: v })}
              options={WARNING_LEVEL_KEYS.map((l) => ({ value: l, label: <span style={{ color: levelInfo(l).color, fontWeight: 600 }}>{levelInfo(l).label}</span> }))}
              style={{ width: 130 }}
            />
            <Select placeholder="预警和演练" allowClear value={f.purpose} onChange={(v?: WarningPurpose) => set({ purpose: v })} options={option(WARNING_PURPOSES)} style={{ width: 120 }} />
          </>
        }
        actions={writable && (
          <>
            <ImportCapButton onImported={(w) => { list.reload(); setEditor({ warning: w }) }} />
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditor({ warning: null })} data-testid="warning-create">起草预警</Button>
          </>
        )}
      />
      <PagedTable<WarningSummary> list={list} columns={columns} scroll={{ x: 1200 }} data-testid="warnings-table" />
      <WarningEditor open={editor !== null} warning={editor?.warning ?? null} onClose={() => setEditor(null)} onSaved={afterWrite} />
      <UpdateDialog
        warning={updating}
        onClose={() => setUpdating(null)}
        onDone={() => {
          setUpdating(null)
          list.reload()
        }}
      />
      <CloseDialog
        closing={closing}
        onClose={() => setClosing(null)}
        onDone={() => {
          setClosing(null)
          list.reload()
        }}
      />
    </Page>
  )
}
