import { PlusOutlined } from '@ant-design/icons'
import { Button, Input, Space, Table, Tag, Typography, type TableColumnsType } from 'antd'
import { useState } from 'react'
import { DeleteButton } from '../../components/DeleteButton.js'
import { MaskedPhone } from '../../components/MaskedPhone.js'
import { Page, KeyPagedTable, PageHeader, Toolbar } from '../../components/PageTable.js'
import { orBlank } from '../../lib/format.js'
import { useEditing } from '../../lib/use-editing.js'
import { useKeyPagedList } from '../../lib/use-key-paged-list.js'
import { useRegionFilter } from '../../shell/region-filter.js'
import { useCan } from '../../lib/session.js'
import { GroupDrawer } from './GroupDrawer.js'
import { deleteGroup, listGroups, revealGroupPhone, type Group, type Member } from './groups-api.js'
import { MembersDrawer } from './MembersDrawer.js'
import { revealPersonPhones } from './people-api.js'

export function GroupListPage() {
  const can = useCan()
  const { region } = useRegionFilter()
  const [q, setQ] = useState('')
  const [membersOf, setMembersOf] = useState<Group | null>(null)
  const list = useKeyPagedList((p, signal) => listGroups(p, signal), { regionCode: region.code, q: q || undefined })
  const editing = useEditing<Group>(list.reload)
  const writable = can('directory.write')

  const columns: TableColumnsType<Group> = [
    { title: '名称', dataIndex: 'name', width: 280, ellipsis: true, render: (v: string, g) => (
      <Space size={4}>
        <Typography.Text strong>{v}</Typography.Text>
        {g.isDemo && <Tag>演示</Tag>}
      </Space>
    ) },
    { title: '所属区划', dataIndex: 'regionName', width: 220, ellipsis: true },
    { title: '办公室', dataIndex: 'officeUnitName', width: 220, ellipsis: true, render: orBlank },
    { title: '办公电话', dataIndex: 'officePhone', width: 170, render: (v: string | null, g) => (
      <MaskedPhone value={v} reveal={() => revealGroupPhone(g.id).then((r) => r.officePhone)} />
    ) },
    { title: '成员', key: 'count', width: 70, align: 'right', render: (_v, g) => <span className="sw-num">{g.members.length}</span> },
  ]
  if (writable) {
    columns.push({
      title: '操作',
      key: 'actions',
      width: 170,
      render: (_v, g) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => editing.edit(g)}>编辑</Button>
          <Button type="link" size="small" onClick={() => setMembersOf(g)} data-testid="group-members">成员名单</Button>
          <DeleteButton row={g} description="将同时删除其成员名单（人员本身保留）。" remove={deleteGroup} onDone={list.reload} />
        </Space>
      ),
    })
  }

  return (
    <Page testId="groups-page">
      <PageHeader title="领导小组" sub={`${region.name}及下级区划的应急领导小组、指挥部`} />
      <Toolbar
        filters={<Input.Search placeholder="名称" allowClear onSearch={(v) => setQ(v.trim())} style={{ width: 240 }} />}
        actions={writable && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => editing.create()} data-testid="group-create">
            新建领导小组
          </Button>
        )}
      />
      <KeyPagedTable<Group>
        list={list}
        columns={columns}
        expandable={{
          expandedRowRender: (g) => <MemberTable group={g} />,
          rowExpandable: () => true,
        }}
        scroll={{ x: 1000 }}
        data-testid="groups-table"
      />
      <GroupDrawer
        open={editing.open}
        group={editing.row}
        defaultRegionCode={region.code}
        onClose={editing.close}
        onSaved={(g, created) => {
          editing.saved()
          if (created) setMembersOf(g)
        }}
      />
      <MembersDrawer
        open={membersOf !== null}
        group={membersOf}
        onClose={() => setMembersOf(null)}
        onSaved={() => {
          setMembersOf(null)
          list.reload()
        }}
      />
    </Page>
  )
}

function MemberTable({ group }: { group: Group }) {
  return (
    <div style={{ padding: '4px 0' }}>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        办公地址：{orBlank(group.officeAddress)}
      </Typography.Text>
      <Table<Member>
        rowKey="personId"
        size="small"
        pagination={false}
        style={{ marginTop: 8 }}
        dataSource={group.members}
        locale={{ emptyText: '尚未添加成员' }}
        columns={[
          { title: '序号', width: 56, render: (_v, _m, i) => i + 1 },
          { title: '小组职务', dataIndex: 'positionLabel', width: 110 },
          { title: '姓名', dataIndex: 'name', width: 100 },
          { title: '职务', dataIndex: 'post', ellipsis: true, render: orBlank },
          { title: '单位', dataIndex: 'unitName', ellipsis: true, render: orBlank },
          { title: '手机', dataIndex: 'mobile', width: 170, render: (v: string | null, m) => (
            <MaskedPhone value={v} reveal={() => revealPersonPhones(m.personId).then((r) => r.mobile)} />
          ) },
          { title: '分工', dataIndex: 'duty', ellipsis: true, render: orBlank },
        ]}
      />
    </div>
  )
}
