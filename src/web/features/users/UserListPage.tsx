import { PlusOutlined } from '@ant-design/icons'
import { Button, Input, Popconfirm, Select, Space, Tabs, Tag, Tooltip, type TableColumnsType } from 'antd'
import { useState } from 'react'
import { Page, PagedTable, PageHeader, Toolbar } from '../../components/PageTable.js'
import { toast } from '../../lib/feedback.js'
import { formatTime } from '../../lib/format.js'
import { useAsync } from '../../lib/use-async.js'
import { usePagedList } from '../../lib/use-paged-list.js'
import { useRegionFilter } from '../../shell/region-filter.js'
import { useCan, useMe } from '../../lib/session.js'
import { listRoles, listUsers, unlockUser, type User } from './api.js'
import { ApprovalList } from './ApprovalList.js'
import { OneTimePasswordModal, type Shown } from './OneTimePasswordModal.js'
import { ResetPasswordDialog } from './ResetPasswordDialog.js'
import { RoleDialog } from './RoleDialog.js'
import { roleSelectOptions } from './role-options.js'
import { UserCreateDialog } from './UserCreateDialog.js'
import { UserEditDialog } from './UserEditDialog.js'

type Dialog = { kind: 'edit' | 'role' | 'password'; user: User } | { kind: 'create' } | null

function StatusTag({ u }: { u: User }) {
  if (u.disabled) return <Tag color="red">停用</Tag>
  if (u.locked) {
    return (
      <Tooltip title={u.lockedUntil ? `锁定至 ${formatTime(u.lockedUntil)}` : '连续登录失败被锁定'}>
        <Tag color="orange">锁定</Tag>
      </Tooltip>
    )
  }
  if (u.mustChangePassword) {
    return (
      <Tooltip title="本人尚未用一次性口令登录并修改口令">
        <Tag color="gold">待改口令</Tag>
      </Tooltip>
    )
  }
  return <Tag color="green">正常</Tag>
}

export function UserListPage() {
  const can = useCan()
  const me = useMe()
  const { region } = useRegionFilter()
  const [q, setQ] = useState('')
  const [role, setRole] = useState<string | undefined>()
  const [dialog, setDialog] = useState<Dialog>(null)
  const [shown, setShown] = useState<Shown | null>(null)
  const roles = useAsync(() => listRoles(), [])
  const list = usePagedList((p, signal) => listUsers(p, signal), { regionCode: region.code, q: q || undefined, role })
  const manage = can('users.manage')
  const security = can('users.security')

  const done = () => {
    setDialog(null)
    list.reload()
  }

  /** A one-time password to show once, if any, then the list as it now is. */
  const doneShowing = (s: Shown | null) => {
    done()
    setShown(s)
  }

  const unlock = async (u: User) => {
    try {
      await unlockUser(u.id)
      toast.success(`已解锁“${u.username}”`)
    } catch {
      // shown by the http client
    } finally {
      list.reload()
    }
  }

  const columns: TableColumnsType<User> = [
    { title: '用户名', dataIndex: 'username', width: 180, render: (v: string, u) => (
      <Space size={4}>
        <span className="sw-num" style={{ whiteSpace: 'nowrap' }}>{v}</span>
        {u.isDemo && <Tag>演示</Tag>}
      </Space>
    ) },
    { title: '姓名', dataIndex: 'displayName', ellipsis: true },
    { title: '角色', dataIndex: 'roleLabel', width: 170 },
    { title: '辖区', dataIndex: 'regionName', ellipsis: true },
    { title: '状态', key: 'status', width: 86, render: (_v, u) => <StatusTag u={u} /> },
    { title: '动态口令', dataIndex: 'totpEnabled', width: 86, render: (v: boolean) => (v ? <Tag color="blue">已启用</Tag> : <Tag>未启用</Tag>) },
    { title: '最近登录', dataIndex: 'lastLoginAt', width: 140, render: (v: string | null) => (v ? formatTime(v) : '从未登录') },
    {
      title: '操作',
      key: 'actions',
      width: (manage ? 60 : 0) + (security ? 200 : 0),
      fixed: 'right',
      render: (_v, u) => {
        // The server refuses these on one's own account; offering them would only produce errors.
        const self = u.id === me.id
        return (
          <Space size={0} wrap>
            {manage && <Button type="link" size="small" onClick={() => setDialog({ kind: 'edit', user: u })}>编辑</Button>}
            {security && !self && <Button type="link" size="small" onClick={() => setDialog({ kind: 'role', user: u })}>分配角色</Button>}
            {security && !self && <Button type="link" size="small" onClick={() => setDialog({ kind: 'password', user: u })}>重置口令</Button>}
            {security && u.locked && (
              <Popconfirm title={`解除“${u.username}”的登录锁定？`} okText="解锁" onConfirm={() => unlock(u)}>
                <Button type="link" size="small">解锁</Button>
              </Popconfirm>
            )}
          </Space>
        )
      },
    },
  ]

  const accounts = (
    <>
      <Toolbar
        filters={
          <>
            <Input.Search placeholder="用户名、姓名" allowClear onSearch={(v) => setQ(v.trim())} style={{ width: 220 }} data-testid="users-search" />
            <Select
              placeholder="全部角色"
              allowClear
              options={roleSelectOptions(roles.data ?? [])}
              value={role}
              onChange={setRole}
              style={{ width: 200 }}
              popupMatchSelectWidth={false}
            />
          </>
        }
        actions={manage && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ kind: 'create' })} data-testid="user-create">
            新建账号
          </Button>
        )}
      />
      <PagedTable<User>
        list={list}
        columns={columns}
        scroll={{ x: 1200 }}
        data-testid="users-table"
      />
    </>
  )

  return (
    <Page testId="users-page">
      <PageHeader title="用户管理" sub={`${region.name}及下级区划的账号`} />
      <Tabs
        items={[
          { key: 'accounts', label: '账号', children: accounts },
          // Mounted only when opened, so it loads the requests as they are then.
          { key: 'approvals', label: '管理员账号变更审批', children: <ApprovalList onDecided={doneShowing} />, destroyOnHidden: true },
        ]}
      />
      <UserCreateDialog
        open={dialog?.kind === 'create'}
        roles={roles.data ?? []}
        defaultRegionCode={region.code}
        onClose={() => setDialog(null)}
        onSaved={doneShowing}
      />
      <UserEditDialog user={dialog?.kind === 'edit' ? dialog.user : null} onClose={() => setDialog(null)} onSaved={done} />
      <RoleDialog user={dialog?.kind === 'role' ? dialog.user : null} roles={roles.data ?? []} onClose={() => setDialog(null)} onSaved={done} />
      <ResetPasswordDialog user={dialog?.kind === 'password' ? dialog.user : null} onClose={() => setDialog(null)} onSaved={doneShowing} />
      <OneTimePasswordModal shown={shown} onClose={() => setShown(null)} />
    </Page>
  )
}
