import { PlusOutlined } from '@ant-design/icons'
import { Button, Drawer, Input, Space, Tag, type TableColumnsType } from 'antd'
import { useState } from 'react'
import { DeleteButton } from '../../components/DeleteButton.js'
import { PagedTable, Toolbar } from '../../components/PageTable.js'
import { useEditing } from '../../lib/use-editing.js'
import { usePagedList } from '../../lib/use-paged-list.js'
import { useCan } from '../../lib/session.js'
import { deleteGroup, getGroup, listGroups, type GroupDetail, type GroupSummary } from './api.js'
import { GroupDrawer } from './GroupDrawer.js'
import { GroupPanel } from './GroupPanel.js'

/** Named groups such as 防汛责任人: people of a role across a subtree, plus hand-picked members. */
export function CustomGroupsView({ regionCode }: { regionCode: string }) {
  const can = useCan()
  const writable = can('warnings.write')
  const [q, setQ] = useState('')
  const list = usePagedList((p, signal) => listGroups(p, signal), { regionCode, kind: 'custom' as const, q: q || undefined })
  const editing = useEditing<GroupDetail>(list.reload)
  const [open, setOpen] = useState<GroupSummary | null>(null)

  const columns: TableColumnsType<GroupSummary> = [
    { title: '名称', dataIndex: 'name', width: 220, ellipsis: true, render: (v: string, g) => (
      <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setOpen(g)} data-testid="custom-group-open">{v}</Button>
    ) },
    { title: '所属区划', dataIndex: 'regionName', width: 220, ellipsis: true, render: (v: string, g) => `${v}${g.subtree ? '（含下级）' : ''}` },
    { title: '按职责纳入', dataIndex: 'roleLabels', render: (labels: string[]) => (
      labels.length ? labels.map((l) => <Tag key={l} variant="outlined" style={{ marginBlock: 1 }}>{l}</Tag>) : '仅手工添加'
    ) },
    { title: '有效成员', dataIndex: 'memberCount', width: 90, align: 'right', render: (n: number) => <span className="sw-num">{n}</span> },
    { title: '群机器人', key: 'robots', width: 140, render: (_v, g) => (
      <>
        {g.wecomWebhook && <Tag color="green">企业微信</Tag>}
        {g.dingtalkWebhook && <Tag color="blue">钉钉</Tag>}
        {!g.wecomWebhook && !g.dingtalkWebhook && '—'}
      </>
    ) },
  ]
  if (writable) {
    columns.push({
      title: '操作',
      key: 'actions',
      width: 120,
      render: (_v, g) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => void getGroup(g.id!).then(editing.edit).catch(() => {})}>编辑</Button>
          <DeleteButton
            row={{ ...g, id: g.id!, version: g.version! }}
            description="只删除这个群及其手工添加、排除的记录，人员本身保留。"
            remove={deleteGroup}
            onDone={list.reload}
          />
        </Space>
      ),
    })
  }

  return (
    <>
      <Toolbar
        filters={<Input.Search placeholder="名称" allowClear onSearch={(v) => setQ(v.trim())} style={{ width: 240 }} />}
        actions={writable && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => editing.create()} data-testid="custom-group-create">
            新建自定义群
          </Button>
        )}
      />
      <PagedTable<GroupSummary> list={list} columns={columns} scroll={{ x: 900 }} data-testid="custom-groups" />
      <GroupDrawer
        open={editing.open}
        group={editing.row}
        defaultRegionCode={regionCode}
        onClose={editing.close}
        onSaved={(g) => {
          const created = editing.row === null
          editing.saved()
          // A new group goes straight on to its members.
          if (created) setOpen(g)
        }}
      />
      <Drawer open={open !== null} title={open?.name} size={1100} onClose={() => setOpen(null)} destroyOnHidden>
        {open?.id && <GroupPanel groupId={open.id} onChanged={list.reload} />}
      </Drawer>
    </>
  )
}
