import { Select, Space, Tabs } from 'antd'
import { useState } from 'react'
import { CONDITIONS } from '../../../domain/resources/kinds.js'
import { Page, PageHeader } from '../../components/PageTable.js'
import { useRegionFilter } from '../../shell/region-filter.js'
import { ClassSelect } from '../../components/ClassSelect.js'
import { exportUrl, type SupplyRollupQuery } from './api.js'
import { ExportButton } from './ExportButton.js'
import { RegionTrail } from '../../components/RegionTrail.js'
import { ResourceRollupView } from './ResourceRollupView.js'
import { SupplyRollupView } from './SupplyRollupView.js'

type SupplyFilter = Omit<SupplyRollupQuery, 'regionCode'>

/**
 * 汇总统计: a region's totals and one row per child region, drilled down by clicking a child.
 * The region is the shell's chosen region, so lists opened afterwards show the same place.
 */
export function RollupPage() {
  const { region, setRegion } = useRegionFilter()
  const [tab, setTab] = useState('supplies')
  const [filter, setFilter] = useState<SupplyFilter>({})
  const drill = (code: string, name: string) => setRegion({ code, name })

  return (
    <Page testId="rollup-page">
      <PageHeader
        title="汇总统计"
        sub={`${region.name}及下级区划，按直属下级汇总；点击下级区划查看其汇总`}
        extra={(
          <Space wrap>
            {tab === 'supplies' && (
              <>
                <ClassSelect value={filter.classCode} onChange={(v) => setFilter((f) => ({ ...f, classCode: v ?? undefined }))} style={{ width: 200 }} />
                <Select
                  placeholder="物资和装备"
                  allowClear
                  value={filter.isEquipment === undefined ? undefined : String(filter.isEquipment)}
                  onChange={(v?: string) => setFilter((f) => ({ ...f, isEquipment: v === undefined ? undefined : v === 'true' }))}
                  options={[{ value: 'false', label: '物资' }, { value: 'true', label: '装备' }]}
                  style={{ width: 120 }}
                />
                <Select
                  placeholder="全部状况"
                  allowClear
                  value={filter.condition}
                  onChange={(v?: SupplyFilter['condition']) => setFilter((f) => ({ ...f, condition: v }))}
                  options={Object.entries(CONDITIONS).map(([value, label]) => ({ value, label }))}
                  style={{ width: 110 }}
                />
              </>
            )}
            {/* What the open tab shows, with its filters. */}
            <ExportButton
              url={tab === 'supplies' ? exportUrl('supplies', { regionCode: region.code, ...filter }) : exportUrl('resources', { regionCode: region.code })}
              fallbackName={`rollup-${tab}-${region.code}.xlsx`}
            />
          </Space>
        )}
      />
      <RegionTrail code={region.code} onPick={drill} />
      <Tabs
        activeKey={tab}
        onChange={setTab}
        destroyOnHidden
        items={[
          { key: 'supplies', label: '物资装备', children: <SupplyRollupView regionCode={region.code} filter={filter} onDrill={drill} /> },
          { key: 'resources', label: '队伍与场所', children: <ResourceRollupView regionCode={region.code} onDrill={drill} /> },
        ]}
      />
    </Page>
  )
}
