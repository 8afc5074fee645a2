import { Descriptions, Drawer, Empty, Spin, Table, Tag, Typography, type TableColumnsType } from 'antd'
import { MaskedPhone } from '../../components/MaskedPhone.js'
import { formatSeconds, orBlank } from '../../lib/format.js'
import { useAsync } from '../../lib/use-async.js'
import { revealPersonPhones } from '../../lib/directory-api.js'
import { getRecipient, type Delivery } from './api.js'
import { channelLabel, deliveryStateLabel, reasonLabel, RECIPIENT_STATE_COLORS, recipientStateLabel, stepLabel } from '../../lib/warning-labels.js'

const DELIVERY_COLORS: Record<string, string> = {
  queued: 'default', sending: 'processing', sent: 'blue', delivered: 'cyan', failed: 'error', acknowledged: 'success', escalated: 'orange',
}

const columns: TableColumnsType<Delivery> = [
  { title: '渠道', dataIndex: 'channel', width: 90, render: (v: string) => channelLabel(v) },
  { title: '步骤', dataIndex: 'step', width: 120, render: (v: number) => stepLabel(v) },
  { title: '状态', dataIndex: 'state', width: 80, render: (v: string) => <Tag color={DELIVERY_COLORS[v]}>{deliveryStateLabel(v)}</Tag> },
  { title: '地址', dataIndex: 'address', width: 130, render: orBlank },
  { title: '时间', key: 'times', render: (_v, d) => (
    <div style={{ fontSize: 12, lineHeight: 1.6 }}>
      <div>排队 {formatSeconds(d.queuedAt)}</div>
      {d.sentAt && <div>发出 {formatSeconds(d.sentAt)}</div>}
      {d.deliveredAt && <div>送达 {formatSeconds(d.deliveredAt)}</div>}
      {d.acknowledgedAt && <div style={{ color: '#389e0d' }}>确认 {formatSeconds(d.acknowledgedAt)}</div>}
      {d.failedAt && <div style={{ color: '#cf1322' }}>失败 {formatSeconds(d.failedAt)}</div>}
    </div>
  ) },
  { title: '错误', dataIndex: 'error', width: 160, render: (v: string | null) => (v ? <Typography.Text type="danger" style={{ fontSize: 12 }}>{v}</Typography.Text> : '—') },
]

/** One person's every attempt: which channel, which step, when, and what the gateway said. */
export function RecipientDrawer({ warningId, personId, onClose, tick }: { warningId: number; personId: number | null; onClose: () => void; tick: number }) {
  const detail = useAsync((_signal) => (personId ? getRecipient(warningId, personId) : Promise.resolve(null)), [warningId, personId, tick])
  const d = detail.data
  return (
    <Drawer open={personId !== null} size={860} title={d ? `叫应记录：${d.person.name}` : '叫应记录'} onClose={onClose} destroyOnHidden data-testid="recipient-drawer">
      {!d ? (detail.loading ? <Spin /> : <Empty />) : (
        <>
          <Descriptions size="small" column={2} bordered style={{ marginBottom: 16 }}>
            <Descriptions.Item label="姓名">{d.person.name}</Descriptions.Item>
            <Descriptions.Item label="职务">{orBlank(d.person.post)}</Descriptions.Item>
            <Descriptions.Item label="区划">{d.person.regionName}</Descriptions.Item>
            <Descriptions.Item label="手机">
              <MaskedPhone value={d.person.mobile} reveal={() => revealPersonPhones(d.person.id).then((r) => r.mobile)} />
            </Descriptions.Item>
            <Descriptions.Item label="状态">
              <Tag color={RECIPIENT_STATE_COLORS[d.recipient.state]}>{recipientStateLabel(d.recipient.state)}</Tag>
              {d.recipient.acknowledgedAt && `${formatSeconds(d.recipient.acknowledgedAt)}（${channelLabel(d.recipient.ackChannel ?? '')}）`}
            </Descriptions.Item>
            <Descriptions.Item label="接收原因">
              {reasonLabel(d.recipient.reason)}{d.recipient.escalatedFromName ? `（代 ${d.recipient.escalatedFromName}）` : ''}
            </Descriptions.Item>
          </Descriptions>
          <Table<Delivery> rowKey="id" size="small" bordered columns={columns} dataSource={d.deliveries} pagination={false} data-testid="recipient-deliveries" />
        </>
      )}
    </Drawer>
  )
}
