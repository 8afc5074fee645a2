import { Button, Table, Tag, type TableColumnsType } from 'antd'
import { pagination } from '../../components/PageTable.js'
import { usePagedList } from '../../lib/use-paged-list.js'
import { useRegionFilter } from '../../shell/region-filter.js'
import { listGroups, type GroupSummary } from './api.js'

/** The groups of the regions one level down, so a township sees at a glance which villages have nobody. */
export function ChildGroupsTable({ regionCode }: { regionCode: string }) {
  const { setRegion } = useRegionFilter()
  const list = usePagedList((q, signal) => listGroups(q, signal), { regionCode, kind: 'region' as const })
  // The first row is the region's own group, shown in full above.
  const rows = list.items.filter((g) => g.regionCode !== regionCode)

  const columns: TableColumnsType<GroupSummary> = [
    { title: '联动工作群', dataIndex: 'name', ellipsis: true, render: (v: string, g) => (
      <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setRegion({ code: g.regionCode, name: g.regionName })}>{v}</Button>
    ) },
    { title: '有效成员', dataIndex: 'memberCount', width: 100, align: 'right', render: (n: number) => (
      n === 0 ? <Tag color="red">无人</Tag> : <span className="sw-num">{n}</span>
    ) },
    { title: '状态', dataIndex: 'stored', width: 130, render: (stored: boolean) => <Tag color={stored ? 'gold' : 'default'}>{stored ? '已自定义' : '按默认职责派生'}</Tag> },
    { title: '群机器人', key: 'robots', width: 150, render: (_v, g) => (
      <>
        {g.wecomWebhook && <Tag color="green">企业微信</Tag>}
        {g.dingtalkWebhook && <Tag color="blue">钉钉</Tag>}
        {!g.wecomWebhook && !g.dingtalkWebhook && '—'}
      </>
    ) },
  ]

  return (
    <Table<GroupSummary>
      rowKey={(g) => g.regionCode}
      size="small"
      bordered
      dataSource={rows}
      loading={list.loading}
      columns={columns}
      // The count includes the region's own group, which is not a row here.
      pagination={{ ...pagination(list), showTotal: (total) => `下级区划 ${Math.max(total - 1, 0)} 个` }}
      locale={{ emptyText: '没有下级区划' }}
      data-testid="linkage-children"
    />
  )
}
