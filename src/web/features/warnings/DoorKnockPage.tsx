import { ReloadOutlined } from '@ant-design/icons'
import { Button, Segmented, Space, Tag, Typography, type TableColumnsType } from 'antd'
import { useState } from 'react'
import { useNavigate } from 'react-router'
import { ACK_VIA_LABELS } from '../../../domain/warnings/delivery.js'
import { MaskedPhone } from '../../components/MaskedPhone.js'
import { Page, PagedTable, PageHeader, Toolbar } from '../../components/PageTable.js'
import { toast } from '../../lib/feedback.js'
import { formatTime } from '../../lib/format.js'
import { usePagedList } from '../../lib/use-paged-list.js'
import { useCan, useMe } from '../../lib/session.js'
import { revealPersonPhones } from '../../lib/directory-api.js'
import { finishDoorKnock, listDoorKnocks, type DoorKnock } from './api.js'
import { DoorKnockDialog } from './DoorKnockDialog.js'
import { LevelTag } from '../../components/LevelTag.js'

/** One person of a village's list: who, the number to call (revealed one at a time), reached or not. */
function ListedPerson({ p }: { p: DoorKnock['people'][number] }) {
  return (
    <Space size={4} wrap data-testid="door-knock-person">
      <span>{p.name}{p.post ? `（${p.post}）` : ''}</span>
      <MaskedPhone value={p.mobile} reveal={() => revealPersonPhones(p.personId).then((x) => x.mobile)} />
      {p.confirmedAt === null
        ? <Tag color="orange">未确认</Tag>
        : <Tag color="green">{p.confirmedVia === 'door' ? '已当面告知' : `已确认（${ACK_VIA_LABELS[p.confirmedVia ?? ''] ?? p.confirmedVia}）`}</Tag>}
    </Space>
  )
}

type StateFilter = 'open' | 'done' | 'all'

/**
 * 上门叫应: one task per village (per township for its own staff) listing the people the ladder
 * could not reach, for the township to visit in person. 办结 records who was told at the door and
 * what was found, so the board's 未叫醒 list shows the visit.
 */
export function DoorKnockPage() {
  const me = useMe()
  const can = useCan()
  const navigate = useNavigate()
  const [state, setState] = useState<StateFilter>('open')
  const [finishing, setFinishing] = useState<DoorKnock | null>(null)
  const list = usePagedList((p, signal) => listDoorKnocks(p, signal), { state: state === 'all' ? undefined : state })

  const columns: TableColumnsType<DoorKnock> = [
    { title: '预警', dataIndex: 'headline', width: 280, render: (v: string, t) => (
      <span>
        <LevelTag level={t.level} short />
        <Typography.Link onClick={() => navigate(`/boards/${t.warningId}`)}>{v}</Typography.Link>
      </span>
    ) },
    { title: '村（社区）', dataIndex: 'areaName', width: 200, ellipsis: true },
    { title: '需上门叫应的人员', key: 'people', width: 360, render: (_v, t) => (
      <Space orientation="vertical" size={2}>{t.people.map((p) => <ListedPerson key={p.personId} p={p} />)}</Space>
    ) },
    { title: '未确认', dataIndex: 'open', width: 70, align: 'right', render: (v: number, t) => `${v} / ${t.people.length}` },
    { title: '生成时间', dataIndex: 'createdAt', width: 140, render: (v: string) => formatTime(v) },
    { title: '状态', dataIndex: 'state', width: 80, render: (v: string) => (v === 'open' ? <Tag color="orange">待上门</Tag> : <Tag color="green">已办结</Tag>) },
    { title: '办结情况', key: 'result', width: 220, render: (_v, t) => (t.state === 'done' ? `${formatTime(t.doneAt)}${t.doneByName ? ` ${t.doneByName}` : ''}：${t.result ?? ''}` : '—') },
  ]
  if (can('warnings.write')) {
    columns.push({
      title: '操作', key: 'actions', width: 80, fixed: 'right',
      render: (_v, t) => t.state === 'open' && <Button type="link" size="small" onClick={() => setFinishing(t)} data-testid="door-knock-done">办结</Button>,
    })
  }

  return (
    <Page testId="door-knocks-page">
      <PageHeader title="上门叫应任务" sub={`${me.regionName}及下级区划：每个村（社区）一项，列出电话仍联系不上的责任人，请乡镇（街道）派人上门告知并记录情况`} />
      <Toolbar
        filters={
          <Segmented<StateFilter>
            value={state}
            onChange={setState}
            options={[{ value: 'open', label: '待上门' }, { value: 'done', label: '已办结' }, { value: 'all', label: '全部' }]}
          />
        }
        actions={<Button icon={<ReloadOutlined />} onClick={list.reload}>刷新</Button>}
      />
      <PagedTable<DoorKnock> list={list} columns={columns} scroll={{ x: 1500 }} data-testid="door-knocks-table" />
      <DoorKnockDialog
        task={finishing}
        onCancel={() => setFinishing(null)}
        onSubmit={async (result, reached) => {
          if (!finishing) return
          await finishDoorKnock(finishing.id, result, reached)
          toast.success('上门叫应已办结')
          setFinishing(null)
          list.reload()
        }}
      />
    </Page>
  )
}
