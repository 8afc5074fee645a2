import { PlusOutlined } from '@ant-design/icons'
import { Button, Input, Select, Space, Tag, type TableColumnsType } from 'antd'
import { useState } from 'react'
import { UNIT_KIND_KEYS, UNIT_KINDS } from '../../../domain/people/units.js'
import { DeleteButton } from '../../components/DeleteButton.js'
import { MaskedPhone } from '../../components/MaskedPhone.js'
import { Page, KeyPagedTable, PageHeader, Toolbar } from '../../components/PageTable.js'
import { formatTime, orBlank } from '../../lib/format.js'
import { useEditing } from '../../lib/use-editing.js'
import { useKeyPagedList } from '../../lib/use-key-paged-list.js'
import { useRegionFilter } from '../../shell/region-filter.js'
import { useCan } from '../../lib/session.js'
import { UnitDrawer } from './UnitDrawer.js'
import { deleteUnit, listUnits, revealUnitPhone, type Unit } from './units-api.js'

const KIND_OPTIONS = UNIT_KIND_KEYS.map((k) => ({ value: k, label: UNIT_KINDS[k] }))

export function UnitListPage() {
  const can = useCan()
  const { region } = useRegionFilter()
  const [q, setQ] = useState('')
  const [kind, setKind] = useState<(typeof UNIT_KIND_KEYS)[number] | undefined>()
  const list = useKeyPagedList((p, signal) => listUnits(p, signal), { regionCode: region.code, q: q || undefined, kind })
  const editing = useEditing<Unit>(list.reload)
  const writable = can('directory.write')

  const columns: TableColumnsType<Unit> = [
    { title: '单位名称', dataIndex: 'name', ellipsis: true, render: (v: string, u) => (
      <Space size={4}>
        <span>{v}</span>
        {u.isDemo && <Tag color="default">演示</Tag>}
      </Space>
    ) },
    { title: '类型', dataIndex: 'kindLabel', width: 170 },
    { title: '所属区划', dataIndex: 'regionName', ellipsis: true, width: 220 },
    { title: '统一社会信用代码', dataIndex: 'creditCode', width: 190, render: (v: string | null) => <span className="sw-num">{orBlank(v)}</span> },
    { title: '联系电话', dataIndex: 'phone', width: 170, render: (v: string | null, u) => (
      <MaskedPhone value={v} reveal={() => revealUnitPhone(u.id).then((r) => r.phone)} />
    ) },
    { title: '地址', dataIndex: 'address', ellipsis: true, render: orBlank },
    { title: '更新时间', dataIndex: 'updatedAt', width: 140, render: formatTime },
  ]
  if (writable) {
    columns.push({
      title: '操作',
      key: 'actions',
      width: 120,
      fixed: 'right',
      render: (_v, u) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => editing.edit(u)}>编辑</Button>
          <DeleteButton row={u} description="删除后不可恢复；单位下仍有人员时不能删除。" remove={deleteUnit} onDone={list.reload} />
        </Space>
      ),
    })
  }

  return (
    <Page testId="units-page">
      <PageHeader title="组织机构" sub={`${region.name}及下级区划的单位`} />
      <Toolbar
        filters={
          <>
            <Input.Search
              placeholder="单位名称、信用代码、地址"
              allowClear
              onSearch={(v) => setQ(v.trim())}
              style={{ width: 260 }}
              data-testid="units-search"
            />
            <Select
              placeholder="全部类型"
              allowClear
              options={KIND_OPTIONS}
              value={kind}
              onChange={setKind}
              style={{ width: 220 }}
              popupMatchSelectWidth={false}
            />
          </>
        }
        actions={writable && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => editing.create()} data-testid="unit-create">
            新增单位
          </Button>
        )}
      />
      <KeyPagedTable<Unit>
        list={list}
        columns={columns}
        scroll={{ x: 1200 }}
        data-testid="units-table"
      />
      <UnitDrawer
        open={editing.open}
        unit={editing.row}
        defaultRegionCode={region.code}
        onClose={editing.close}
        onSaved={editing.saved}
      />
    </Page>
  )
}
