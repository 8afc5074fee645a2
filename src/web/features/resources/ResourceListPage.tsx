import { CheckCircleOutlined, PlusOutlined } from '@ant-design/icons'
import { Button, Input, Select, Space, Tag, Typography, type TableColumnsType, type TableProps } from 'antd'
import { useState } from 'react'
import type { ResourceKind } from '../../../domain/resources/kinds.js'
import { DeleteButton } from '../../components/DeleteButton.js'
import { MaskedPhone } from '../../components/MaskedPhone.js'
import { Page, KeyPagedTable, PageHeader, Toolbar } from '../../components/PageTable.js'
import { toast } from '../../lib/feedback.js'
import { orBlank } from '../../lib/format.js'
import { useAsync } from '../../lib/use-async.js'
import { useEditing } from '../../lib/use-editing.js'
import { useKeyPagedList } from '../../lib/use-key-paged-list.js'
import { useRegionFilter } from '../../shell/region-filter.js'
import { useCan } from '../../lib/session.js'
import { revealPersonPhones } from '../../lib/directory-api.js'
import { confirmBulk, confirmResource, deleteResource, listResources, type KindFilters, type Resource, type ResourceSort } from './api.js'
import { ConfirmButton, FRESH_OPTIONS, FreshnessCell, WarningTags, type FreshChoice } from '../../components/Freshness.js'
import type { KindFilterDef } from './kind-config.js'
import { KIND_CONFIGS } from './kinds.js'
import { ResourceDetailDrawer } from './ResourceDetailDrawer.js'
import { ResourceDrawer } from './ResourceDrawer.js'

const STATUS_OPTIONS = [{ value: 'active', label: '在用' }, { value: 'inactive', label: '停用' }]

type Sort = { sort?: ResourceSort; order?: 'asc' | 'desc' }

/** One list page serves all six kinds; what differs is in the kind's configuration. */
export function ResourceListPage<K extends ResourceKind>({ kind }: { kind: K }) {
  const config = KIND_CONFIGS[kind]
  const can = useCan()
  const { region } = useRegionFilter()
  const [q, setQ] = useState('')
  const [status, setStatus] = useState<string | undefined>()
  const [fresh, setFresh] = useState<FreshChoice | undefined>()
  const [filters, setFilters] = useState<KindFilters>({})
  const [sort, setSort] = useState<Sort>({})
  const [selected, setSelected] = useState<number[]>([])
  const [viewing, setViewing] = useState<number | null>(null)
  const list = useKeyPagedList((p, signal) => listResources(kind, p, signal), {
    regionCode: region.code, q: q || undefined, status, fresh, ...filters, ...sort,
  })
  const editing = useEditing<Resource<K>>(list.reload)
  const writable = can('resources.write')

  const confirmOne = async (r: Resource<K>) => {
    await confirmResource(kind, r.id, r.version)
    toast.success(`已确认“${r.name}”信息仍有效`)
    list.reload()
  }

  const confirmSelected = async () => {
    try {
      const { confirmed } = await confirmBulk(selected.map((id) => ({ kind, id })))
      toast.success(`已确认 ${confirmed} 条信息仍有效`)
      setSelected([])
    } catch {
      // shown by the http client
    } finally {
      list.reload()
    }
  }

  const columns: TableColumnsType<Resource<K>> = [
    { title: config.titles.name, dataIndex: 'name', key: 'name', width: 230, fixed: 'left', sorter: true, render: (v: string, r) => (
      <Space size={4} wrap>
        <Typography.Link onClick={() => setViewing(r.id)} data-testid="resource-open">{v}</Typography.Link>
        {r.status === 'inactive' && <Tag>停用</Tag>}
        {r.isDemo && <Tag>演示</Tag>}
      </Space>
    ) },
    { title: '需关注', key: 'warnings', width: 190, render: (_v, r) => (r.warnings.length ? <WarningTags warnings={r.warnings} /> : null) },
    ...config.columns,
    { title: kind === 'expert' ? '联系方式' : config.titles.responsible, key: 'responsible', width: 190, render: (_v, r) => (r.responsible ? (
      <Space size={4}>
        {kind !== 'expert' && <span>{r.responsible.name}</span>}
        <MaskedPhone value={r.responsible.mobile} reveal={() => revealPersonPhones(r.responsible!.id).then((x) => x.mobile)} />
      </Space>
    ) : orBlank(null)) },
    { title: '区划', dataIndex: 'regionName', key: 'region', width: 180, ellipsis: true, sorter: true },
    { title: '信息确认', key: 'confirmedAt', width: 100, sorter: true, render: (_v, r) => <FreshnessCell {...r} /> },
  ]
  if (writable) {
    columns.push({
      title: '操作',
      key: 'actions',
      width: 190,
      fixed: 'right',
      render: (_v, r) => (
        <Space size={0}>
          <ConfirmButton stale={r.stale} onConfirm={() => confirmOne(r)} />
          <Button type="link" size="small" onClick={() => editing.edit(r)}>编辑</Button>
          <DeleteButton row={r} description="删除后不可恢复；如只是暂不使用，可编辑为“停用”。" remove={(id, version) => deleteResource(kind, id, version)} onDone={list.reload} />
        </Space>
      ),
    })
  }

  const onTableChange: TableProps<Resource<K>>['onChange'] = (_p, _f, sorter) => {
    const s = Array.isArray(sorter) ? sorter[0] : sorter
    const key = s?.order ? (String(s.columnKey) as ResourceSort) : undefined
    setSort(key ? { sort: key, order: s.order === 'descend' ? 'desc' : 'asc' } : {})
  }

  return (
    <Page testId={`resources-page-${kind}`}>
      <PageHeader title={config.title} sub={`${region.name}及下级区划 · ${config.sub}`} />
      <Toolbar
        filters={
          <>
            <Input.Search placeholder={`搜索${config.titles.name}`} allowClear onSearch={(v) => setQ(v.trim())} style={{ width: 200 }} data-testid="resource-search" />
            {config.filters.map((f) => (
              <KindFilterSelect key={f.key} def={f} value={filters[f.key]} onChange={(v) => setFilters((x) => ({ ...x, [f.key]: v }))} />
            ))}
            <Select placeholder="在用和停用" allowClear value={status} onChange={setStatus} options={STATUS_OPTIONS} style={{ width: 120 }} />
            <Select placeholder="信息确认" allowClear value={fresh} onChange={setFresh} options={[...FRESH_OPTIONS]} style={{ width: 110 }} data-testid="resource-fresh-filter" />
          </>
        }
        actions={writable && (
          <>
            <Button icon={<CheckCircleOutlined />} disabled={selected.length === 0} onClick={confirmSelected} data-testid="resource-confirm-bulk">
              选中的仍有效{selected.length > 0 ? `（${selected.length}）` : ''}
            </Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => editing.create()} data-testid="resource-create">
              新增{config.noun}
            </Button>
          </>
        )}
      />
      <KeyPagedTable<Resource<K>>
        list={list}
        columns={columns}
        onChange={onTableChange}
        rowSelection={writable ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(Number)), preserveSelectedRowKeys: true } : undefined}
        scroll={{ x: config.scrollX }}
        data-testid="resources-table"
      />
      <ResourceDrawer
        kind={kind}
        open={editing.open}
        record={editing.row}
        defaultRegionCode={region.code}
        onClose={editing.close}
        onSaved={editing.saved}
      />
      <ResourceDetailDrawer
        kind={kind}
        id={viewing}
        onClose={() => setViewing(null)}
        onChanged={list.reload}
        onEdit={(r) => {
          setViewing(null)
          editing.edit(r)
        }}
      />
    </Page>
  )
}

function KindFilterSelect({ def, value, onChange }: { def: KindFilterDef; value?: string; onChange: (v: string | undefined) => void }) {
  const loaded = useAsync(async () => (def.load ? def.load() : null), [def])
  return (
    <Select
      placeholder={def.placeholder}
      allowClear
      showSearch={{ optionFilterProp: 'label' }}
      value={value}
      onChange={(v?: string) => onChange(v)}
      options={def.options ? [...def.options] : loaded.data ?? []}
      loading={Boolean(def.load) && loaded.loading}
      style={{ width: def.width ?? 140 }}
      popupMatchSelectWidth={false}
    />
  )
}
