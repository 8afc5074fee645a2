import { PlusOutlined } from '@ant-design/icons'
import { Button, Popconfirm, Space, Table, Tag, type TableColumnsType } from 'antd'
import { useState } from 'react'
import { pagination } from '../../components/PageTable.js'
import { toast } from '../../lib/feedback.js'
import { orBlank } from '../../lib/format.js'
import { usePagedList } from '../../lib/use-paged-list.js'
import { formatQuantity } from '../../lib/class-tree.js'
import { AgreementDialog } from './AgreementDialog.js'
import { deleteAgreement, listAgreements, type Agreement, type SupplierRef } from './api.js'

/** The agreements (保供协议) of one supply-guarantee enterprise, with their end dates in view. */
export function AgreementsPanel({ supplier, writable, onChanged }: { supplier: SupplierRef; writable: boolean; onChanged: () => void }) {
  const [tick, setTick] = useState(0)
  const [editing, setEditing] = useState<{ agreement: Agreement | null } | null>(null)
  // `tick` only refetches after a change; the server is sent the real filters.
  const list = usePagedList((p, signal) => listAgreements({ supplierId: p.supplierId, page: p.page, pageSize: p.pageSize }, signal), { supplierId: supplier.id, tick }, 10)

  const changed = () => {
    setTick((t) => t + 1)
    onChanged()
  }

  const remove = async (a: Agreement) => {
    try {
      await deleteAgreement(a.id, a.version)
      toast.success(`已删除协议“${a.itemName}”`)
      changed()
    } catch {
      // shown by the http client
    }
  }

  const columns: TableColumnsType<Agreement> = [
    { title: '协议物资', dataIndex: 'itemName', ellipsis: true, render: (v: string, a) => (
      <span title={a.className ?? undefined}>{v}</span>
    ) },
    { title: '数量', key: 'quantity', width: 110, align: 'right', render: (_v, a) => (
      <span className="sw-num">{a.quantity === null ? orBlank(null) : `${formatQuantity(a.quantity)} ${a.unit ?? ''}`}</span>
    ) },
    { title: '响应时限', dataIndex: 'responseHours', width: 90, render: (v: number | null) => (v === null ? orBlank(null) : `${v} 小时`) },
    { title: '有效期', key: 'term', width: 200, render: (_v, a) => (
      <span>
        <span className="sw-num">{orBlank(a.startsOn)} 至 {orBlank(a.endsOn)}</span>
        {a.ended && <Tag color="red" style={{ marginLeft: 4 }}>已到期</Tag>}
        {!a.ended && a.ending && <Tag color="orange" style={{ marginLeft: 4 }}>{a.daysLeft} 天后到期</Tag>}
      </span>
    ) },
  ]
  if (writable) {
    columns.push({
      title: '操作',
      key: 'actions',
      width: 110,
      render: (_v, a) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => setEditing({ agreement: a })}>编辑</Button>
          <Popconfirm title={`删除协议“${a.itemName}”？`} okText="删除" okButtonProps={{ danger: true }} onConfirm={() => remove(a)}>
            <Button type="link" size="small" danger>删除</Button>
          </Popconfirm>
        </Space>
      ),
    })
  }

  return (
    <div data-testid="agreements-panel">
      {writable && (
        <div style={{ marginBottom: 8, textAlign: 'right' }}>
          <Button size="small" icon={<PlusOutlined />} onClick={() => setEditing({ agreement: null })} data-testid="agreement-create">新增协议</Button>
        </div>
      )}
      <Table<Agreement>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={list.items}
        loading={list.loading}
        pagination={{ ...pagination(list), showSizeChanger: false }}
      />
      <AgreementDialog
        supplier={supplier}
        open={editing !== null}
        agreement={editing?.agreement ?? null}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null)
          changed()
        }}
      />
    </div>
  )
}
