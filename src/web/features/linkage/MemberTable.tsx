import { Button, Popconfirm, Table, Tag, Typography, type TableColumnsType } from 'antd'
import { MaskedPhone } from '../../components/MaskedPhone.js'
import { orBlank } from '../../lib/format.js'
import { revealPersonPhones } from '../../lib/directory-api.js'
import type { GroupMember, MembersChange } from './api.js'

type Props = {
  members: GroupMember[]
  writable: boolean
  /** Applies one change; the caller stores a region's group first if needed. */
  onChange: (change: Omit<MembersChange, 'version'>) => Promise<void>
}

const SOURCE_COLORS: Record<GroupMember['source'], string> = { derived: 'blue', added: 'green', excluded: 'default' }

/** Members as the group reaches them: derived by role, hand-added, and excluded ones (greyed) to restore. */
export function MemberTable({ members, writable, onChange }: Props) {
  // The http client has shown why a change failed; the panel reloads on a stale version.
  const apply = (c: Omit<MembersChange, 'version'>) => onChange(c).catch(() => {})
  const columns: TableColumnsType<GroupMember> = [
    { title: '姓名', dataIndex: 'name', width: 100, render: (v: string, m) => (
      <Typography.Text delete={m.source === 'excluded'} type={m.source === 'excluded' ? 'secondary' : undefined}>{v}</Typography.Text>
    ) },
    { title: '职务', dataIndex: 'post', ellipsis: true, width: 140, render: orBlank },
    { title: '职责', dataIndex: 'roleLabels', width: 200, render: (labels: string[]) => (
      labels.length ? labels.map((l) => <Tag key={l} variant="outlined" style={{ marginBlock: 1 }}>{l}</Tag>) : orBlank(null)
    ) },
    { title: '所在区划', dataIndex: 'regionName', ellipsis: { showTitle: true }, width: 180 },
    { title: '手机', dataIndex: 'mobile', width: 160, render: (v: string | null, m) => (
      <MaskedPhone value={v} reveal={() => revealPersonPhones(m.personId).then((r) => r.mobile)} />
    ) },
    { title: '来源', dataIndex: 'sourceLabel', width: 90, render: (v: string, m) => <Tag color={SOURCE_COLORS[m.source]}>{v}</Tag> },
    { title: '备注', dataIndex: 'note', ellipsis: true, width: 120, render: orBlank },
  ]
  if (writable) {
    columns.push({
      title: '操作',
      key: 'actions',
      width: 70,
      fixed: 'right',
      render: (_v, m) => {
        if (m.source === 'derived') {
          return (
            <Popconfirm title={`将“${m.name}”排出本群？`} description="排除后不再收到本群的预警；其职责不变，可随时恢复。" okText="排除" onConfirm={() => apply({ exclude: [m.personId] })}>
              <Button type="link" size="small" danger data-testid="member-exclude">排除</Button>
            </Popconfirm>
          )
        }
        if (m.source === 'added') {
          return (
            <Popconfirm title={`将“${m.name}”移出本群？`} okText="移出" onConfirm={() => apply({ remove: [m.personId] })}>
              <Button type="link" size="small" danger>移出</Button>
            </Popconfirm>
          )
        }
        return <Button type="link" size="small" onClick={() => void apply({ remove: [m.personId] })} data-testid="member-restore">恢复</Button>
      },
    })
  }

  return (
    <Table<GroupMember>
      rowKey="personId"
      size="small"
      bordered
      dataSource={members}
      columns={columns}
      pagination={members.length > 50 ? { pageSize: 50, size: 'small', showTotal: (t) => `共 ${t} 人` } : false}
      locale={{ emptyText: '暂无成员：可在人员通讯录中为人员登记相应职责，或手工添加' }}
      scroll={{ x: 1060 }}
      data-testid="linkage-members"
    />
  )
}
