import { CheckCircleOutlined, PlusOutlined } from '@ant-design/icons'
import { Button, Input, Select, Space, Tag, Tooltip, Typography, type TableColumnsType, type TableProps } from 'antd'
import { useState } from 'react'
import { CONDITIONS, RESERVE_FORMS } from '../../../domain/resources/kinds.js'
import { DeleteButton } from '../../components/DeleteButton.js'
import { MaskedPhone } from '../../components/MaskedPhone.js'
import { Page, KeyPagedTable, PageHeader, Toolbar } from '../../components/PageTable.js'
import { toast } from '../../lib/feedback.js'
import { orBlank } from '../../lib/format.js'
import { useEditing } from '../../lib/use-editing.js'
import { useKeyPagedList } from '../../lib/use-key-paged-list.js'
import { useRegionFilter } from '../../shell/region-filter.js'
import { useCan } from '../../lib/session.js'
import { revealPersonPhones } from '../../lib/directory-api.js'
import { confirmBulk } from '../../lib/resources-api.js'
import { ConfirmButton, FRESH_OPTIONS, FreshnessCell, type FreshChoice } from '../../components/Freshness.js'
import { deleteSupply, listSupplies, type Supply, type SupplyListQuery } from './api.js'
import { ClassSelect } from '../../components/ClassSelect.js'
import { formatQuantity } from '../../lib/class-tree.js'
import { ExpiryCell, conditionTag } from './SupplyCells.js'
import { SupplyDetailDrawer } from './SupplyDetailDrawer.js'
import { SupplyDrawer } from './SupplyDrawer.js'

const option = (table: Record<string, string>) => Object.entries(table).map(([value, label]) => ({ value, label }))

/** Reminders that narrow the list to lines needing action. */
const ALERTS = {
  expiring: { label: '30 天内到期', query: { expiringWithinDays: 30 } },
  expired: { label: '已过期', query: { expired: true } },
  maintenance: { label: '应保养', query: { maintenanceDue: true } },
} as const
type Alert = keyof typeof ALERTS

type Filters = {
  q?: string
  classCode?: string
  isEquipment?: boolean
  condition?: string
  reserveForm?: string
  alert?: Alert
  fresh?: FreshChoice
}

type Sort = Pick<SupplyListQuery, 'sort' | 'order'>

export function SupplyListPage() {
  const can = useCan()
  const { region } = useRegionFilter()
  const [f, setF] = useState<Filters>({})
  const [sort, setSort] = useState<Sort>({})
  const [selected, setSelected] = useState<number[]>([])
  const [viewing, setViewing] = useState<number | null>(null)
  const set = (patch: Partial<Filters>) => setF((x) => ({ ...x, ...patch }))
  const list = useKeyPagedList((p, signal) => listSupplies(p, signal), {
    regionCode: region.code,
    q: f.q || undefined,
    classCode: f.classCode,
    isEquipment: f.isEquipment,
    condition: f.condition,
    reserveForm: f.reserveForm,
    ...(f.alert ? ALERTS[f.alert].query : {}),
    fresh: f.fresh === undefined ? undefined : f.fresh === 'fresh',
    ...sort,
  })
  const editing = useEditing<Supply>(list.reload)
  const writable = can('resources.write')

  const confirm = async (ids: number[]) => {
    await confirmBulk(ids.map((id) => ({ kind: 'supply', id })))
    toast.success(ids.length === 1 ? '已确认信息仍有效' : `已确认 ${ids.length} 条信息仍有效`)
    setSelected((s) => s.filter((id) => !ids.includes(id)))
    list.reload()
  }

  const columns: TableColumnsType<Supply> = [
    { title: '名称', dataIndex: 'name', key: 'name', width: 190, fixed: 'left', sorter: true, render: (v: string, s) => (
      <div>
        <Space size={4}>
          <Typography.Link onClick={() => setViewing(s.id)} data-testid="supply-open">{v}</Typography.Link>
          {s.isDemo && <Tag>演示</Tag>}
        </Space>
        {s.specification && <div style={{ fontSize: 12, color: '#8c8c8c' }}>{s.specification}</div>}
      </div>
    ) },
    { title: '分类', dataIndex: 'className', width: 150, ellipsis: true, render: (v: string, s) => (
      <Tooltip title={`${s.classCode} · ${s.topClassName}`}><span>{v}</span></Tooltip>
    ) },
    { title: '类别', dataIndex: 'isEquipment', width: 64, render: (v: boolean) => (v ? <Tag color="geekblue">装备</Tag> : <Tag>物资</Tag>) },
    { title: '数量', dataIndex: 'quantity', key: 'quantity', width: 120, align: 'right', sorter: true, render: (v: number, s) => (
      <span className="sw-num"><Typography.Text strong>{formatQuantity(v)}</Typography.Text> {s.unit}</span>
    ) },
    { title: '存放位置', key: 'place', width: 170, ellipsis: true, render: (_v, s) => orBlank(s.storagePointName ?? s.teamName ?? s.address) },
    { title: '储备方式', dataIndex: 'reserveFormLabel', width: 90 },
    { title: '状况', dataIndex: 'condition', width: 70, render: (_v, s) => conditionTag(s) },
    { title: '有效期', dataIndex: 'expiresOn', key: 'expiresOn', width: 150, sorter: true, render: (_v, s) => <ExpiryCell supply={s} /> },
    { title: '责任人', dataIndex: 'responsible', width: 180, render: (_v, s) => (s.responsible ? (
      <Space size={4}>
        <span>{s.responsible.name}</span>
        <MaskedPhone value={s.responsible.mobile} reveal={() => revealPersonPhones(s.responsible!.id).then((r) => r.mobile)} />
      </Space>
    ) : orBlank(null)) },
    { title: '区划', dataIndex: 'regionName', width: 170, ellipsis: true },
    { title: '信息确认', key: 'fresh', width: 90, render: (_v, s) => <FreshnessCell {...s} /> },
  ]
  if (writable) {
    columns.push({
      title: '操作',
      key: 'actions',
      width: 190,
      fixed: 'right',
      render: (_v, s) => (
        <Space size={0}>
          <ConfirmButton stale={s.stale} onConfirm={() => confirm([s.id])} />
          <Button type="link" size="small" onClick={() => editing.edit(s)}>编辑</Button>
          <DeleteButton row={s} description="删除后其出入库记录一并删除，且不可恢复。" remove={deleteSupply} onDone={list.reload} />
        </Space>
      ),
    })
  }

  const onTableChange: TableProps<Supply>['onChange'] = (_p, _f, sorter) => {
    const s = Array.isArray(sorter) ? sorter[0] : sorter
    const key = s?.order ? String(s.columnKey) : undefined
    setSort(key ? { sort: key as Sort['sort'], order: s.order === 'descend' ? 'desc' : 'asc' } : {})
  }

  return (
    <Page testId="supplies-page">
      <PageHeader title="物资装备" sub={`${region.name}及下级区划登记的应急物资和装备；数量只能通过入库、出库、报损、盘点、调拨变动`} />
      <Toolbar
        filters={
          <>
            <Input.Search placeholder="名称、规格型号" allowClear onSearch={(v) => set({ q: v.trim() })} style={{ width: 200 }} data-testid="supply-search" />
            <ClassSelect value={f.classCode} onChange={(v) => set({ classCode: v ?? undefined })} style={{ width: 200 }} data-testid="supply-class-filter" />
            <Select
              placeholder="物资和装备"
              allowClear
              value={f.isEquipment === undefined ? undefined : String(f.isEquipment)}
              onChange={(v?: string) => set({ isEquipment: v === undefined ? undefined : v === 'true' })}
              options={[{ value: 'false', label: '物资' }, { value: 'true', label: '装备' }]}
              style={{ width: 110 }}
            />
            <Select placeholder="全部状况" allowClear value={f.condition} onChange={(v?: string) => set({ condition: v })} options={option(CONDITIONS)} style={{ width: 110 }} />
            <Select placeholder="全部储备方式" allowClear value={f.reserveForm} onChange={(v?: string) => set({ reserveForm: v })} options={option(RESERVE_FORMS)} style={{ width: 130 }} />
            <Select
              placeholder="有效期与保养"
              allowClear
              value={f.alert}
              onChange={(v?: Alert) => set({ alert: v })}
              options={Object.entries(ALERTS).map(([value, a]) => ({ value, label: a.label }))}
              style={{ width: 130 }}
              data-testid="supply-alert-filter"
            />
            <Select placeholder="信息确认" allowClear value={f.fresh} onChange={(v?: FreshChoice) => set({ fresh: v })} options={[...FRESH_OPTIONS]} style={{ width: 110 }} />
          </>
        }
        actions={writable && (
          <>
            <Button icon={<CheckCircleOutlined />} disabled={selected.length === 0} onClick={() => void confirm(selected).catch(() => {})} data-testid="supply-confirm-bulk">
              选中的仍有效{selected.length > 0 ? `（${selected.length}）` : ''}
            </Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => editing.create()} data-testid="supply-create">新增物资装备</Button>
          </>
        )}
      />
      <KeyPagedTable<Supply>
        list={list}
        columns={columns}
        onChange={onTableChange}
        rowSelection={writable ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(Number)), preserveSelectedRowKeys: true } : undefined}
        scroll={{ x: 1600 }}
        data-testid="supplies-table"
      />
      <SupplyDrawer
        open={editing.open}
        supply={editing.row}
        defaultRegionCode={region.code}
        onClose={editing.close}
        onSaved={editing.saved}
      />
      <SupplyDetailDrawer
        id={viewing}
        onClose={() => setViewing(null)}
        onChanged={list.reload}
        onEdit={(s) => {
          setViewing(null)
          editing.edit(s)
        }}
      />
    </Page>
  )
}
