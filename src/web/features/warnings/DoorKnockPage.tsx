import { ReloadOutlined } from '@ant-design/icons'
import { Button, Segmented, Tag, Typography, type TableColumnsType } from 'antd'
import { useState } from 'react'
import { useNavigate } from 'react-router'
import { Page, PagedTable, PageHeader, Toolbar } from '../../components/PageTable.js'
import { toast } from '../../lib/feedback.js'
import { formatTime, orBlank } from '../../lib/format.js'
import { usePagedList } from '../../lib/use-paged-list.js'
import { useCan, useMe } from '../../shell/session.js'
import { finishDoorKnock, listDoorKnocks, type DoorKnock } from './api.js'
import { LevelTag } from './LevelTag.js'
import { ReasonDialog } from './ReasonDialog.js'

type StateFilter = 'open' | 'done' | 'all'

/**
 * 上门叫应: people the ladder could not reach, for their township to visit in person. 办结 records
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
    { title: '未叫醒人员', dataIndex: 'personName', width: 110 },
    { title: '职务', dataIndex: 'post', width: 150, ellipsis: true, render: orBlank },
    { title: '所在区划', dataIndex: 'personRegionName', width: 160, ellipsis: true },
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
      <PageHeader title="上门叫应任务" sub={`${me.regionName}及下级区划：电话仍联系不上的责任人，请乡镇（街道）派人上门告知并记录情况`} />
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
      <PagedTable<DoorKnock> list={list} columns={columns} scroll={{ x: 1200 }} data-testid="door-knocks-table" />
      <ReasonDialog
        open={finishing !== null}
        title={finishing ? `办结上门叫应：${finishing.personName}` : '办结上门叫应'}
        label="上门情况"
        okText="办结"
        description="请写明何时由谁上门、是否已当面告知预警内容，以及联系不上的原因（如号码停机、外出）。"
        onCancel={() => setFinishing(null)}
        onSubmit={async (result) => {
          if (!finishing) return
          await finishDoorKnock(finishing.id, result)
          toast.success('上门叫应已办结')
          setFinishing(null)
          list.reload()
        }}
      />
    </Page>
  )
}
