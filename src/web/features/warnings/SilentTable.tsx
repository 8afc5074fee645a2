import { REGION_LEVEL_LABELS } from '../../../domain/regions/code.js'
import { Tag, Typography, type TableColumnsType } from 'antd'
import { useEffect, useRef } from 'react'
import { MaskedPhone } from '../../components/MaskedPhone.js'
import { PagedTable } from '../../components/PageTable.js'
import { orBlank } from '../../lib/format.js'
import { usePagedList } from '../../lib/use-paged-list.js'
import { revealPersonPhones } from '../../lib/directory-api.js'
import { fetchSilent, type SilentRecipient } from './api.js'
import { RECIPIENT_STATE_COLORS, recipientStateLabel, stepLabel } from '../../lib/warning-labels.js'

function doorKnock(r: SilentRecipient) {
  if (!r.doorKnockState) return <Typography.Text type="secondary">—</Typography.Text>
  if (r.doorKnockState === 'open') return <Tag color="orange">待上门</Tag>
  return <span><Tag color="green">已上门</Tag>{r.doorKnockResult}</span>
}

/**
 * 未叫醒名单: called and still silent, or unreachable; whom the township must go and see. Paged
 * on the server, and fetched again whenever the board's counts move (`refresh`), so its total is
 * the board's 未叫醒 number.
 */
export function SilentTable({ warningId, refresh, onOpen }: { warningId: number; refresh: string; onOpen: (personId: number) => void }) {
  const list = usePagedList((q, signal) => fetchSilent(warningId, { page: q.page, pageSize: q.pageSize }, signal), { warningId }, 10)
  const { reload } = list
  const shown = useRef(refresh)
  useEffect(() => {
    if (shown.current === refresh) return
    shown.current = refresh
    reload()
  }, [refresh, reload])
  const columns: TableColumnsType<SilentRecipient> = [
    { title: '姓名', dataIndex: 'name', width: 100, render: (v: string, r) => <Typography.Link onClick={() => onOpen(r.personId)}>{v}</Typography.Link> },
    { title: '职务', dataIndex: 'post', width: 140, ellipsis: true, render: orBlank },
    { title: '区划', dataIndex: 'regionName', width: 150, ellipsis: true, render: (v: string, r) => `${v}（${(REGION_LEVEL_LABELS as Record<string, string>)[r.regionLevel] ?? r.regionLevel}）` },
    { title: '手机', dataIndex: 'mobile', width: 150, render: (v: string | null, r) => <MaskedPhone value={v} reveal={() => revealPersonPhones(r.personId).then((x) => x.mobile)} /> },
    { title: '状态', dataIndex: 'state', width: 90, render: (v: string) => <Tag color={RECIPIENT_STATE_COLORS[v]}>{recipientStateLabel(v)}</Tag> },
    { title: '已到', dataIndex: 'step', width: 90, render: (v: number, r) => stepLabel(v, r.state) },
    { title: '上门叫应', key: 'knock', render: (_v, r) => doorKnock(r) },
  ]
  return (
    <PagedTable<SilentRecipient>
      list={list}
      rowKey="personId"
      columns={columns}
      locale={{ emptyText: '没有未叫醒的人员' }}
      scroll={{ x: 900 }}
      data-testid="board-silent"
    />
  )
}
