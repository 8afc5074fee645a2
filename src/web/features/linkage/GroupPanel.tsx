import { PlusOutlined, SettingOutlined } from '@ant-design/icons'
import { Button, Descriptions, Empty, Popconfirm, Space, Spin, Tag, Typography } from 'antd'
import { useState } from 'react'
import { toast } from '../../lib/feedback.js'
import { isApiError } from '../../lib/http.js'
import { useAsync } from '../../lib/use-async.js'
import { useRegionFilter } from '../../shell/region-filter.js'
import { useCan } from '../../lib/session.js'
import { AddMemberDialog } from './AddMemberDialog.js'
import {
  changeMembers, customiseRegionGroup, deleteGroup, getGroup, getRegionGroup, type GroupDetail, type MembersChange,
} from './api.js'
import { GroupDrawer } from './GroupDrawer.js'
import { MemberTable } from './MemberTable.js'

type Props =
  | { regionCode: string; groupId?: undefined; onChanged?: () => void }
  | { groupId: number; regionCode?: undefined; onChanged?: () => void }

/**
 * One group with its members and what defines it. A region's group that was never customised is
 * stored on the first change (a member added or excluded, a robot set), so nobody has to think
 * about the difference.
 */
export function GroupPanel({ regionCode, groupId, onChanged }: Props) {
  const can = useCan()
  const { home } = useRegionFilter()
  const writable = can('warnings.write')
  const { data: group, loading, setData, reload } = useAsync(
    (signal) => (groupId !== undefined ? getGroup(groupId, signal) : getRegionGroup(regionCode!, signal)),
    [regionCode, groupId],
  )
  const [adding, setAdding] = useState(false)
  const [settings, setSettings] = useState<GroupDetail | null>(null)

  const stored = async (g: GroupDetail): Promise<GroupDetail> => (g.stored ? g : customiseRegionGroup(g.regionCode))

  const applied = (g: GroupDetail) => {
    setData(g)
    onChanged?.()
  }

  const change = async (c: Omit<MembersChange, 'version'>) => {
    if (!group) return
    try {
      const g = await stored(group)
      applied(await changeMembers(g.id!, { ...c, version: g.version! }))
    } catch (e) {
      // Someone else changed the group: show what it is now.
      if (isApiError(e, 'STALE_VERSION')) reload()
      throw e
    }
  }

  const openSettings = async () => {
    if (!group) return
    const g = await stored(group)
    if (!group.stored) applied(g)
    setSettings(g)
  }

  const restoreDefault = async () => {
    if (!group?.id) return
    await deleteGroup(group.id, group.version!)
    toast.success('已恢复为按默认职责派生')
    reload()
    onChanged?.()
  }

  if (loading && !group) return <Spin style={{ display: 'block', padding: 24 }} />
  if (!group) return <Empty description="未能载入联动工作群" />

  return (
    <div data-testid="linkage-group">
      <div className="sw-toolbar">
        <Space size={8} wrap>
          <Typography.Title level={5} style={{ margin: 0 }}>{group.name}</Typography.Title>
          {group.kind === 'custom'
            ? <Tag color="purple">自定义群</Tag>
            : <Tag color={group.stored ? 'gold' : 'default'}>{group.stored ? '已自定义' : '按默认职责派生'}</Tag>}
          <Typography.Text type="secondary">有效成员 {group.memberCount} 人</Typography.Text>
        </Space>
        {writable && (
          <Space wrap>
            <Button icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="linkage-add">添加成员</Button>
            <Button icon={<SettingOutlined />} onClick={() => void openSettings().catch(() => {})} data-testid="linkage-settings">职责与群机器人</Button>
            {group.kind === 'region' && group.stored && (
              <Popconfirm
                title="恢复为默认？"
                description="将清除手工添加、排除的成员和群机器人设置，成员重新按默认职责派生。"
                okText="恢复默认"
                okButtonProps={{ danger: true }}
                onConfirm={() => restoreDefault().catch(() => {})}
              >
                <Button danger>恢复默认</Button>
              </Popconfirm>
            )}
          </Space>
        )}
      </div>
      <Descriptions size="small" column={2} style={{ marginBottom: 12 }}>
        <Descriptions.Item label="所属区划">{group.regionName}{group.subtree ? '（含下级区划）' : ''}</Descriptions.Item>
        <Descriptions.Item label="群机器人">
          {group.wecomWebhook || group.dingtalkWebhook
            ? <Space size={4}>{group.wecomWebhook && <Tag color="green">企业微信</Tag>}{group.dingtalkWebhook && <Tag color="blue">钉钉</Tag>}</Space>
            : <Typography.Text type="secondary">未设置</Typography.Text>}
        </Descriptions.Item>
        <Descriptions.Item label="按职责自动纳入" span={2}>
          {group.roleLabels.length
            ? group.roleLabels.map((l) => <Tag key={l} color="blue" variant="outlined">{l}</Tag>)
            : <Typography.Text type="secondary">不按职责纳入，仅手工添加的成员</Typography.Text>}
        </Descriptions.Item>
        {group.note && <Descriptions.Item label="说明" span={2}>{group.note}</Descriptions.Item>}
      </Descriptions>
      <MemberTable members={group.members} writable={writable} onChange={change} />
      <AddMemberDialog
        open={adding}
        groupName={group.name}
        onClose={() => setAdding(false)}
        onAdd={async (personId, note) => {
          await change({ add: [{ personId, note }] })
          toast.success('已添加成员')
          setAdding(false)
        }}
      />
      <GroupDrawer
        open={settings !== null}
        group={settings}
        defaultRegionCode={home.code}
        onClose={() => setSettings(null)}
        onSaved={(g) => {
          setSettings(null)
          applied(g)
        }}
      />
    </div>
  )
}
