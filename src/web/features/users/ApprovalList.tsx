import { Button, Popconfirm, Segmented, Space, Table, Tag, Typography, type TableColumnsType } from 'antd'
import { useState } from 'react'
import { toast } from '../../lib/feedback.js'
import { formatTime } from '../../lib/format.js'
import { reportError } from '../../lib/http.js'
import { useAsync } from '../../lib/use-async.js'
import { useMe } from '../../lib/session.js'
import { approveChange, listApprovals, rejectChange, type Approval } from './api.js'
import type { Shown } from './OneTimePasswordModal.js'

type State = 'pending' | 'approved' | 'rejected'
const STATE_COLORS: Record<string, string> = { pending: 'gold', approved: 'green', rejected: 'default' }

type Props = {
  /** After an approval: the one-time password of an approved reset, for the page to show once. */
  onDecided: (shown: Shown | null) => void
}

/**
 * Changes to administrator accounts waiting for a second administrator (三权分立). The buttons
 * follow the server's rules — not one's own request, not one's own account — which it enforces.
 */
export function ApprovalList({ onDecided }: Props) {
  const me = useMe()
  const [state, setState] = useState<State>('pending')
  const list = useAsync((signal) => listApprovals(state, signal), [state])

  const decide = async (a: Approval, how: 'approve' | 'reject') => {
    try {
      if (how === 'approve') {
        const r = await approveChange(a.id)
        toast.success(`已批准：${a.target.displayName}（${a.target.username}）${a.kindLabel}`)
        onDecided(r.oneTimePassword
          ? { username: r.user.username, displayName: r.user.displayName, password: r.oneTimePassword, why: '已批准重置口令，该账号现有登录已失效。本人用下面的一次性口令登录后，须先设置自己的口令。' }
          : null)
      } else {
        await rejectChange(a.id)
        toast.success(a.requestedBy.id === me.id ? '已撤回申请' : '已驳回申请')
        onDecided(null)
      }
    } catch (e) {
      reportError(e)
    } finally {
      list.reload()
    }
  }

  const columns: TableColumnsType<Approval> = [
    { title: '申请时间', dataIndex: 'requestedAt', width: 140, render: (v: string) => formatTime(v) },
    { title: '账号', key: 'target', width: 220, render: (_v, a) => (
      <Space orientation="vertical" size={0}>
        <span>{a.target.displayName}（<span className="sw-num">{a.target.username}</span>）</span>
        <Typography.Text type="secondary">{a.target.roleLabel} · {a.target.regionName}</Typography.Text>
      </Space>
    ) },
    { title: '变更', key: 'change', render: (_v, a) => (
      <Space orientation="vertical" size={0}>
        <strong>{a.kindLabel}</strong>
        <span>{a.summary}</span>
      </Space>
    ) },
    { title: '申请人', key: 'requestedBy', width: 180, render: (_v, a) => a.requestedBy.name },
    { title: '状态', key: 'state', width: 200, render: (_v, a) => (
      <Space orientation="vertical" size={0}>
        <Tag color={STATE_COLORS[a.state]}>{a.stateLabel}</Tag>
        {a.decidedBy && <Typography.Text type="secondary">{a.decidedBy.name} · {a.decidedAt ? formatTime(a.decidedAt) : ''}</Typography.Text>}
      </Space>
    ) },
    {
      title: '操作', key: 'actions', width: 130, fixed: 'right',
      render: (_v, a) => {
        if (a.state !== 'pending' || a.target.id === me.id) return null
        const mine = a.requestedBy.id === me.id
        return (
          <Space size={0}>
            {!mine && (
              <Popconfirm title={`批准：${a.summary}？`} okText="批准" onConfirm={() => decide(a, 'approve')}>
                <Button type="link" size="small" data-testid="approval-approve">批准</Button>
              </Popconfirm>
            )}
            <Popconfirm title={mine ? '撤回这项申请？' : '驳回这项申请？'} okText={mine ? '撤回' : '驳回'} onConfirm={() => decide(a, 'reject')}>
              <Button type="link" size="small" danger>{mine ? '撤回' : '驳回'}</Button>
            </Popconfirm>
          </Space>
        )
      },
    },
  ]

  return (
    <>
      <div className="sw-toolbar">
        <Segmented<State>
          value={state}
          onChange={setState}
          options={[{ value: 'pending', label: '待审批' }, { value: 'approved', label: '已批准' }, { value: 'rejected', label: '已驳回' }]}
        />
        <Typography.Text type="secondary">授予或变更系统、安全、审计管理员角色，重置其口令或停用、启用其账号，须由另一名管理员批准。</Typography.Text>
      </div>
      <Table<Approval>
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={list.data ?? []}
        columns={columns}
        pagination={false}
        scroll={{ x: 1000 }}
        locale={{ emptyText: state === 'pending' ? '没有待审批的申请' : '没有记录' }}
        data-testid="approvals-table"
      />
    </>
  )
}
