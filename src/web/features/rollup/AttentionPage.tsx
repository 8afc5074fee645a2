import { Tabs } from 'antd'
import { useState } from 'react'
import { Page, PageHeader } from '../../components/PageTable.js'
import { useRegionFilter } from '../../shell/region-filter.js'
import { AttentionView } from './AttentionView.js'
import { FreshnessView } from './FreshnessView.js'

/** 到期与状态 and 数据新鲜度: what needs doing before the records can be trusted in an emergency. */
export function AttentionPage() {
  const { region } = useRegionFilter()
  const [tab, setTab] = useState('attention')
  return (
    <Page testId="attention-page">
      <PageHeader title="到期与状态" sub={`${region.name}及下级区划：到期、待修、保养、协议、队伍保险与人数，以及信息确认情况`} />
      <Tabs
        activeKey={tab}
        onChange={setTab}
        destroyOnHidden
        items={[
          { key: 'attention', label: '到期与状态', children: <AttentionView regionCode={region.code} /> },
          { key: 'freshness', label: '数据新鲜度', children: <FreshnessView regionCode={region.code} /> },
        ]}
      />
    </Page>
  )
}
