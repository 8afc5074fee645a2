import { Button, Descriptions, Drawer, Empty, Skeleton, Space, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd'
import { useState } from 'react'
import { MaskedPhone } from '../../components/MaskedPhone.js'
import { pagination } from '../../components/PageTable.js'
import { toast } from '../../lib/feedback.js'
import { formatTime, orBlank } from '../../lib/format.js'
import { useAsync } from '../../lib/use-async.js'
import { usePagedList } from '../../lib/use-paged-list.js'
import { useCan } from '../../lib/session.js'
import { revealPersonPhones } from '../../lib/directory-api.js'
import { confirmBulk, type Contact } from '../../lib/resources-api.js'
import { ConfirmButton, FreshnessCell } from '../../components/Freshness.js'
import { HistoryTimeline } from '../../components/HistoryTimeline.js'
import { getSupply, listMovements, type Movement, type Supply } from './api.js'
import { formatQuantity } from '../../lib/class-tree.js'
import { StockMoveDialog, type MoveKind } from './StockMoveDialog.js'
import { ExpiryCell, conditionTag } from './SupplyCells.js'
import { TransferDialog } from './TransferDialog.js'

type Props = {
  /** The line shown; null keeps the drawer closed. */
  id: number | null
  onClose: () => void
  /** A movement, transfer or confirmation changed the line: the list behind refreshes. */
  onChanged: () => void
  onEdit: (s: Supply) => void
}

const MOVES: Array<{ kind: MoveKind; label: string; danger?: boolean }> = [
  { kind: 'in', label: '入库' },
  { kind: 'out', label: '出库' },
  { kind: 'loss', label: '报损', danger: true },
  { kind: 'count', label: '盘点' },
]

export function SupplyDetailDrawer({ id, onClose, onChanged, onEdit }: Props) {
  const can = useCan()
  const [tick, setTick] = useState(0)
  const [moving, setMoving] = useState<MoveKind | null>(null)
  const [transferring, setTransferring] = useState(false)
  const detail = useAsync(async () => (id ? getSupply(id) : null), [id, tick])
  const s = detail.data && detail.data.id === id ? detail.data : null
  const writable = can('resources.write')

  const changed = () => {
    setTick((t) => t + 1)
    onChanged()
  }

  return (
    <Drawer
      open={id !== null}
      title={s ? `${s.name}${s.specification ? `（${s.specification}）` : ''}` : '物资装备'}
      size={760}
      onClose={onClose}
      destroyOnHidden
      extra={s && writable && (
        <Space size={4} wrap>
          {MOVES.map((m) => (
            <Button key={m.kind} size="small" danger={m.danger} onClick={() => setMoving(m.kind)} data-testid={`supply-move-${m.kind}`}>{m.label}</Button>
          ))}
          <Button size="small" onClick={() => setTransferring(true)} disabled={s.quantity <= 0} data-testid="supply-transfer">调拨</Button>
          <Button size="small" onClick={() => onEdit(s)}>编辑</Button>
        </Space>
      )}
    >
      {!s ? (
        detail.loading ? <Skeleton active /> : <Empty description="未找到该条目" />
      ) : (
        <div data-testid="supply-detail">
          <Descriptions
            size="small"
            bordered
            column={2}
            items={[
              { key: 'q', label: '数量', children: <Typography.Text strong className="sw-num" data-testid="supply-detail-quantity">{formatQuantity(s.quantity)} {s.unit}</Typography.Text> },
              { key: 'cond', label: '状况', children: <Space size={4}>{conditionTag(s)}{s.isEquipment ? <Tag color="geekblue">装备</Tag> : <Tag>物资</Tag>}</Space> },
              { key: 'class', label: '分类', children: `${s.classCode} ${s.className}`, span: 2 },
              { key: 'form', label: '储备方式', children: s.reserveFormLabel },
              { key: 'region', label: '所属区划', children: s.regionName },
              { key: 'sp', label: '储备点', children: orBlank(s.storagePointName) },
              { key: 'team', label: '配备队伍', children: orBlank(s.teamName) },
              { key: 'unit', label: '管理单位', children: orBlank(s.holderUnitName) },
              { key: 'addr', label: '存放地址', children: orBlank(s.address) },
              { key: 'resp', label: '责任人', children: <ContactCell contact={s.responsible} /> },
              { key: 'liaison', label: '联络人', children: <ContactCell contact={s.liaison} /> },
              { key: 'bought', label: '购置日期', children: orBlank(s.purchasedOn) },
              { key: 'exp', label: '有效期至', children: <ExpiryCell supply={s} /> },
              { key: 'maint', label: '上次保养', children: `${orBlank(s.maintainedOn)}${s.maintenanceCycleDays ? `（每 ${s.maintenanceCycleDays} 天）` : ''}` },
              { key: 'fresh', label: '信息确认', children: (
                <Space size={4}>
                  <FreshnessCell {...s} />
                  {writable && (
                    <ConfirmButton
                      stale={s.stale}
                      onConfirm={async () => {
                        await confirmBulk([{ kind: 'supply', id: s.id }])
                        toast.success('已确认信息仍有效')
                        changed()
                      }}
                    />
                  )}
                </Space>
              ) },
              { key: 'note', label: '备注', children: orBlank(s.note), span: 2 },
            ]}
          />
          <Tabs
            style={{ marginTop: 12 }}
            items={[
              { key: 'moves', label: '出入库记录', children: <MovementsTable supplyId={s.id} unit={s.unit} tick={tick} /> },
              { key: 'history', label: '操作记录', children: <HistoryTimeline entries={s.history} /> },
            ]}
          />
          <StockMoveDialog supply={s} kind={moving} onClose={() => setMoving(null)} onDone={() => { setMoving(null); changed() }} onStale={changed} />
          <TransferDialog supply={s} open={transferring} onClose={() => setTransferring(false)} onDone={() => { setTransferring(false); changed() }} onStale={changed} />
        </div>
      )}
    </Drawer>
  )
}

function ContactCell({ contact }: { contact: Contact | null }) {
  if (!contact) return <span>{orBlank(null)}</span>
  return (
    <Space size={4}>
      <span>{contact.name}</span>
      <MaskedPhone value={contact.mobile} reveal={() => revealPersonPhones(contact.id).then((r) => r.mobile)} />
    </Space>
  )
}

function MovementsTable({ supplyId, unit, tick }: { supplyId: number; unit: string; tick: number }) {
  // `tick` only refetches after a movement; the server takes paging alone.
  const list = usePagedList((p, signal) => listMovements(supplyId, { page: p.page, pageSize: p.pageSize }, signal), { supplyId, tick }, 10)
  const columns: TableColumnsType<Movement> = [
    { title: '时间', dataIndex: 'at', width: 140, render: (v: string) => <span className="sw-num">{formatTime(v)}</span> },
    { title: '类型', dataIndex: 'kindLabel', width: 90 },
    { title: '变动', dataIndex: 'delta', width: 100, align: 'right', render: (v: number) => (
      <Typography.Text type={v < 0 ? 'danger' : v > 0 ? 'success' : 'secondary'} className="sw-num">{v > 0 ? '+' : ''}{formatQuantity(v)}</Typography.Text>
    ) },
    { title: '结存', dataIndex: 'balance', width: 100, align: 'right', render: (v: number) => <span className="sw-num">{formatQuantity(v)} {unit}</span> },
    { title: '事由', dataIndex: 'reason', ellipsis: true },
    { title: '经办人', dataIndex: 'actorName', width: 100 },
  ]
  return (
    <Table<Movement>
      rowKey="id"
      size="small"
      columns={columns}
      dataSource={list.items}
      loading={list.loading}
      pagination={{ ...pagination(list), showSizeChanger: false }}
      data-testid="supply-movements"
    />
  )
}
