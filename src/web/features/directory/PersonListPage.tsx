import { PlusOutlined } from '@ant-design/icons'
import { Button, Input, Select, Space, Tag, type TableColumnsType } from 'antd'
import { useState } from 'react'
import { RESPONSIBILITY_ROLE_KEYS, RESPONSIBILITY_ROLES, type ResponsibilityRole } from '../../../domain/people/units.js'
import { DeleteButton } from '../../components/DeleteButton.js'
import { MaskedPhone } from '../../components/MaskedPhone.js'
import { Page, KeyPagedTable, PageHeader, Toolbar } from '../../components/PageTable.js'
import { orBlank } from '../../lib/format.js'
import { useEditing } from '../../lib/use-editing.js'
import { useKeyPagedList } from '../../lib/use-key-paged-list.js'
import { useRegionFilter } from '../../shell/region-filter.js'
import { useCan } from '../../lib/session.js'
import { deletePerson, listPeople, revealPersonPhones, type Person } from './people-api.js'
import { PersonDrawer } from './PersonDrawer.js'
import { UnitSelect } from '../../components/UnitSelect.js'

const ROLE_OPTIONS = RESPONSIBILITY_ROLE_KEYS.map((k) => ({ value: k, label: RESPONSIBILITY_ROLES[k] }))

export function PersonListPage() {
  const can = useCan()
  const { region } = useRegionFilter()
  const [q, setQ] = useState('')
  const [role, setRole] = useState<ResponsibilityRole | undefined>()
  const [unitId, setUnitId] = useState<number | null>(null)
  const list = useKeyPagedList((p, signal) => listPeople(p, signal), {
    regionCode: region.code,
    q: q || undefined,
    role,
    unitId: unitId ?? undefined,
  })
  const editing = useEditing<Person>(list.reload)
  const writable = can('directory.write')

  const columns: TableColumnsType<Person> = [
    { title: '姓名', dataIndex: 'name', width: 100, fixed: 'left', render: (v: string, p) => (
      <Space size={4}>
        <span>{v}</span>
        {p.isDemo && <Tag>演示</Tag>}
      </Space>
    ) },
    { title: '单位', dataIndex: 'unitName', ellipsis: true, render: orBlank },
    { title: '职务', dataIndex: 'post', ellipsis: true, width: 140, render: orBlank },
    { title: '手机', dataIndex: 'mobile', width: 160, render: (v: string | null, p) => (
      <MaskedPhone value={v} reveal={() => revealPersonPhones(p.id).then((r) => r.mobile)} />
    ) },
    { title: '座机', dataIndex: 'landline', width: 170, render: (v: string | null, p) => (
      <MaskedPhone value={v} reveal={() => revealPersonPhones(p.id).then((r) => r.landline)} />
    ) },
    { title: '微信', dataIndex: 'wechat', width: 120, ellipsis: true, render: orBlank },
    { title: '职责', dataIndex: 'roleLabels', width: 200, render: (labels: string[]) => (
      labels.length ? labels.map((l) => <Tag key={l} color="blue" variant="outlined" style={{ marginBlock: 1 }}>{l}</Tag>) : orBlank(null)
    ) },
    { title: '区划', dataIndex: 'regionName', ellipsis: true, width: 200 },
  ]
  if (writable) {
    columns.push({
      title: '操作',
      key: 'actions',
      width: 110,
      fixed: 'right',
      render: (_v, p) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => editing.edit(p)}>编辑</Button>
          <DeleteButton row={p} description="删除后不可恢复；仍在领导小组中的人员需先从名单中移除。" remove={deletePerson} onDone={list.reload} />
        </Space>
      ),
    })
  }

  return (
    <Page testId="people-page">
      <PageHeader title="人员通讯录" sub={`${region.name}及下级区划的人员；电话号码脱敏显示`} />
      <Toolbar
        filters={
          <>
            <Input.Search placeholder="姓名、职务、电话" allowClear onSearch={(v) => setQ(v.trim())} style={{ width: 240 }} data-testid="people-search" />
            <Select placeholder="全部职责" allowClear options={ROLE_OPTIONS} value={role} onChange={setRole} style={{ width: 160 }} />
            <div style={{ width: 240 }}>
              <UnitSelect value={unitId} onChange={setUnitId} regionCode={region.code} placeholder="全部单位" />
            </div>
          </>
        }
        actions={writable && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => editing.create()} data-testid="person-create">
            新增人员
          </Button>
        )}
      />
      <KeyPagedTable<Person>
        list={list}
        columns={columns}
        scroll={{ x: 1300 }}
        data-testid="people-table"
      />
      <PersonDrawer
        open={editing.open}
        person={editing.row}
        defaultRegionCode={region.code}
        onClose={editing.close}
        onSaved={editing.saved}
      />
    </Page>
  )
}
