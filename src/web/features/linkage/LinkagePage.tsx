import { Tabs, Typography } from 'antd'
import { useState } from 'react'
import { levelOf } from '../../../domain/regions/code.js'
import { Page, PageHeader } from '../../components/PageTable.js'
import { useRegionFilter } from '../../shell/region-filter.js'
import { ChildGroupsTable } from './ChildGroupsTable.js'
import { CustomGroupsView } from './CustomGroupsView.js'
import { GroupPanel } from './GroupPanel.js'

/**
 * 联动工作群: the region chosen in the navigator, its own group in full, the groups one level
 * down, and the custom groups of the subtree. Members come from the people directory by role,
 * so the groups keep up with it on their own.
 */
export function LinkagePage() {
  const { region } = useRegionFilter()
  const [tab, setTab] = useState('region')
  const [changes, setChanges] = useState(0)

  return (
    <Page testId="linkage-page">
      <PageHeader title="联动工作群" sub={`${region.name}：预警按工作群发到每一位责任人；成员随人员通讯录中的职责自动更新`} />
      <Tabs
        activeKey={tab}
        onChange={setTab}
        destroyOnHidden
        items={[
          {
            key: 'region',
            label: '区划联动工作群',
            children: (
              <>
                <GroupPanel key={region.code} regionCode={region.code} onChanged={() => setChanges((n) => n + 1)} />
                {levelOf(region.code) !== 'village' && (
                  <>
                    <Typography.Title level={5} style={{ margin: '24px 0 12px' }}>下级区划的联动工作群</Typography.Title>
                    <ChildGroupsTable key={`${region.code}:${changes}`} regionCode={region.code} />
                  </>
                )}
              </>
            ),
          },
          { key: 'custom', label: '自定义群', children: <CustomGroupsView regionCode={region.code} /> },
        ]}
      />
    </Page>
  )
}
