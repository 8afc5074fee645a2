import { MenuFoldOutlined, MenuOutlined, MenuUnfoldOutlined } from '@ant-design/icons'
import { Button, Layout, Menu } from 'antd'
import { useEffect, useMemo, useState, type ReactNode } from 'react'
import { Outlet, useLocation, useNavigate } from 'react-router'
import { ChangePasswordDialog } from './account/ChangePasswordDialog.js'
import { allowed, type Feature } from './feature.js'
import { features, placeEditors } from './features.js'
import { RegistryProvider } from './registry.js'
import { RegionFilterProvider } from './region-filter.js'
import { RegionPanel } from './RegionPanel.js'
import { useMe, useSession } from '../lib/session.js'
import { TopBar } from './TopBar.js'
import './shell.css'

const REGISTRY = { features, placeEditors }

/** The feature whose page is showing: the longest path that prefixes the location. */
function currentFeature(pathname: string) {
  const first = pathname.split('/')[1] ?? ''
  return features.find((f) => f.path === first) ?? null
}

type MenuItem = { key: string; icon: ReactNode; label: string; children?: MenuItem[] }

/** Top-level entries in list order; a group's submenu stands where its first feature would. */
function menuItems(shown: readonly Feature[]): MenuItem[] {
  const items: MenuItem[] = []
  const groups = new Map<string, MenuItem>()
  for (const f of shown) {
    const entry = { key: f.path, icon: f.icon, label: f.label }
    if (!f.group) {
      items.push(entry)
      continue
    }
    let group = groups.get(f.group.key)
    if (!group) {
      group = { key: f.group.key, icon: f.group.icon, label: f.group.label, children: [] }
      groups.set(f.group.key, group)
      items.push(group)
    }
    group.children!.push(entry)
  }
  return items
}

export function AppLayout() {
  const me = useMe()
  const { updateMe, signOut } = useSession()
  const navigate = useNavigate()
  const location = useLocation()
  const [collapsed, setCollapsed] = useState(false)
  // On a phone the menu is hidden behind a button in the header (shell.css), open only when asked.
  const [menuOpen, setMenuOpen] = useState(false)
  const feature = currentFeature(location.pathname)

  const items = useMemo(() => menuItems(features.filter((f) => allowed(f, me.permissions))), [me.permissions])
  const groupKey = feature?.group?.key
  const [openKeys, setOpenKeys] = useState<string[]>(groupKey ? [groupKey] : [])
  // Arriving at a grouped page another way (a shortcut, a link) opens its submenu.
  useEffect(() => {
    if (groupKey) setOpenKeys((k) => (k.includes(groupKey) ? k : [...k, groupKey]))
  }, [groupKey])

  return (
    <RegionFilterProvider>
      <Layout className="sw-app">
        <Layout.Header className="sw-header">
          <Button
            type="text"
            className="sw-menu-toggle"
            icon={<MenuOutlined />}
            onClick={() => setMenuOpen((o) => !o)}
            aria-label={menuOpen ? '收起菜单' : '打开菜单'}
            aria-expanded={menuOpen}
            data-testid="menu-toggle"
          />
          <div className="sw-brand" onClick={() => navigate('/')} role="link" tabIndex={0}>
            <span className="sw-brand-emblem" aria-hidden>守</span>
            <span className="sw-brand-name">守望 · 基层应急管理平台</span>
          </div>
          <TopBar />
        </Layout.Header>
        <Layout>
          <Layout.Sider width={184} collapsedWidth={56} collapsed={collapsed} theme="light" className={menuOpen ? 'sw-sider sw-sider-open' : 'sw-sider'}>
            <Menu
              mode="inline"
              items={items}
              selectedKeys={feature ? [feature.path] : []}
              openKeys={openKeys}
              onOpenChange={setOpenKeys}
              onClick={({ key }) => { setMenuOpen(false); navigate(`/${key}`) }}
              data-testid="main-menu"
            />
            <Button
              type="text"
              className="sw-sider-toggle"
              icon={collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
              onClick={() => setCollapsed(!collapsed)}
              aria-label={collapsed ? '展开菜单' : '收起菜单'}
            />
          </Layout.Sider>
          {feature?.regionFilter && allowed(feature, me.permissions) && <RegionPanel />}
          <Layout.Content className="sw-content">
            <RegistryProvider value={REGISTRY}>
              <Outlet />
            </RegistryProvider>
          </Layout.Content>
        </Layout>
      </Layout>
      <ChangePasswordDialog
        open={me.passwordExpired}
        forced
        onDone={() => updateMe({ passwordExpired: false })}
        onSignOut={() => void signOut()}
      />
    </RegionFilterProvider>
  )
}
