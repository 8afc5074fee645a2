import { DownOutlined, EnvironmentOutlined, KeyOutlined, LogoutOutlined, SafetyOutlined, UserOutlined } from '@ant-design/icons'
import { App, Avatar, Dropdown, Space, Tag } from 'antd'
import { useState } from 'react'
import { ChangePasswordDialog } from './account/ChangePasswordDialog.js'
import { TotpDialog } from './account/TotpDialog.js'
import { useMe, useSession } from '../lib/session.js'

export function TopBar() {
  const me = useMe()
  const { signOut, updateMe } = useSession()
  const [dialog, setDialog] = useState<'password' | 'totp' | null>(null)
  const { modal } = App.useApp()

  const confirmLogout = () => {
    modal.confirm({
      title: '退出登录',
      content: '确定要退出登录吗？',
      okText: '退出',
      cancelText: '取消',
      onOk: () => signOut(),
    })
  }

  return (
    <div className="sw-topbar">
      <Space size={12}>
        <Tag icon={<EnvironmentOutlined />} color="blue" variant="outlined" className="sw-topbar-region" data-testid="current-region">
          {me.regionName}
        </Tag>
        <Dropdown
          trigger={['click']}
          menu={{
            items: [
              { key: 'password', icon: <KeyOutlined />, label: '修改口令' },
              { key: 'totp', icon: <SafetyOutlined />, label: me.totpEnabled ? '动态口令（已启用）' : '动态口令（未启用）' },
              { type: 'divider' },
              { key: 'logout', icon: <LogoutOutlined />, label: '退出登录', danger: true },
            ],
            onClick: ({ key }) => {
              if (key === 'logout') confirmLogout()
              else setDialog(key as 'password' | 'totp')
            },
          }}
        >
          <button type="button" className="sw-topbar-user" data-testid="user-menu">
            <Avatar size="small" icon={<UserOutlined />} />
            <span data-testid="current-user">{me.displayName}</span>
            <span className="sw-topbar-role" data-testid="current-role">{me.roleLabel}</span>
            <DownOutlined style={{ fontSize: 10 }} />
          </button>
        </Dropdown>
      </Space>
      <ChangePasswordDialog open={dialog === 'password'} onDone={() => setDialog(null)} onCancel={() => setDialog(null)} />
      <TotpDialog
        open={dialog === 'totp'}
        enabled={me.totpEnabled}
        onChanged={(totpEnabled) => updateMe({ totpEnabled })}
        onClose={() => setDialog(null)}
      />
    </div>
  )
}
