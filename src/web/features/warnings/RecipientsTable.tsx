import { REGION_LEVEL_LABELS } from '../../../domain/regions/code.js'
import { Input, Select, Space, Tag, Typography, type TableColumnsType } from 'antd'
import { useEffect, useState } from 'react'
import { RECIPIENT_STATES, type RecipientState } from '../../../domain/warnings/delivery.js'
import { MaskedPhone } from '../../components/MaskedPhone.js'
import { PagedTable } from '../../components/PageTable.js'
import { formatTime, orBlank } from '../../lib/format.js'
import { usePagedList } from '../../lib/use-paged-list.js'
import { revealPersonPhones } from '../../lib/directory-api.js'
import { listRecipients, type Recipient } from './api.js'
import { channelLabel, reasonLabel, RECIPIENT_STATE_COLORS, recipientStateLabel, stepLabel } from '../../lib/warning-labels.js'
import { RecipientDrawer } from './RecipientDrawer.js'

type Filters = { state?: RecipientState; level?: string; q?: string }

/** Everyone the warning went to; a row opens every attempt made to reach that person. */
export function RecipientsTable({ warningId, region, tick }: { warningId: number; region?: string; tick: number }) {
  const [f, setF] = useState<Filters>({})
  const [open, setOpen] = useState<number | null>(null)
  const list = usePagedList((p, signal) => listRecipients(warningId, p, signal), { ...f, region, q: f.q || undefined })
  const { reload } = list
  // Live events: the page already throttles `tick`, so each change is one quiet reload.
  useEffect(() => { if (tick > 0) reload() }, [tick, reload])

  const columns: TableColumnsType<Recipient> = [
    { title: '姓名', dataIndex: 'name', width: 110, render: (v: string, r) => <Typography.Link onClick={() => setOpen(r.personId)} data-testid="recipient-open">{v}</Typography.Link> },
    { title: '职务', dataIndex: 'post', width: 150, ellipsis: true, render: orBlank },
    { title: '区划', dataIndex: 'regionName', width: 150, ellipsis: true },
    { title: '层级', dataIndex: 'regionLevel', width: 70, render: (v: string) => (REGION_LEVEL_LABELS as Record<string, string>)[v] ?? v },
    { title: '手机', dataIndex: 'mobile', width: 150, render: (v: string | null, r) => <MaskedPhone value={v} reveal={() => revealPersonPhones(r.personId).then((x) => x.mobile)} /> },
    { title: '状态', dataIndex: 'state', width: 90, render: (v: string) => <Tag color={RECIPIENT_STATE_COLORS[v]}>{recipientStateLabel(v)}</Tag> },
    { title: '进度', dataIndex: 'step', width: 90, render: (v: number, r) => stepLabel(v, r.state) },
    { title: '确认时间', key: 'ack', width: 150, render: (_v, r) => (r.acknowledgedAt ? `${formatTime(r.acknowledgedAt)} ${channelLabel(r.ackChannel ?? '')}` : '—') },
    { title: '最近尝试', dataIndex: 'lastAttemptAt', width: 130, render: (v: string | null) => formatTime(v) },
    { title: '原因', dataIndex: 'reason', width: 130, render: (v: string, r) => `${reasonLabel(v)}${r.escalatedFromName ? `（代 ${r.escalatedFromName}）` : ''}` },
  ]

  return (
    <div data-testid="board-recipients">
      <Space wrap style={{ marginBottom: 8 }}>
        <Input.Search placeholder="姓名、职务" allowClear onSearch={(v) => setF((x) => ({ ...x, q: v.trim() }))} style={{ width: 180 }} />
        <Select placeholder="全部状态" allowClear value={f.state} onChange={(v?: RecipientState) => setF((x) => ({ ...x, state: v }))} options={Object.entries(RECIPIENT_STATES).map(([value, label]) => ({ value, label }))} style={{ width: 120 }} />
        <Select placeholder="全部层级" allowClear value={f.level} onChange={(v?: string) => setF((x) => ({ ...x, level: v }))} options={['county', 'township', 'village'].map((v) => ({ value: v, label: (REGION_LEVEL_LABELS as Record<string, string>)[v] }))} style={{ width: 110 }} />
      </Space>
      <PagedTable<Recipient> list={list} rowKey="personId" columns={columns} scroll={{ x: 1250 }} />
      <RecipientDrawer warningId={warningId} personId={open} onClose={() => setOpen(null)} tick={tick} />
    </div>
  )
}
