import { Alert, Button, Descriptions, Drawer, Empty, Skeleton, Space, Tabs } from 'antd'
import { useState } from 'react'
import type { ResourceKind } from '../../../domain/resources/kinds.js'
import { MaskedPhone } from '../../components/MaskedPhone.js'
import { toast } from '../../lib/feedback.js'
import { orBlank } from '../../lib/format.js'
import { useAsync } from '../../lib/use-async.js'
import { useCan } from '../../lib/session.js'
import { revealPersonPhones } from '../../lib/directory-api.js'
import { AgreementsPanel } from './AgreementsPanel.js'
import { confirmResource, getResource, type Contact, type Resource } from './api.js'
import { ConfirmButton, FreshnessCell } from '../../components/Freshness.js'
import { HistoryTimeline } from '../../components/HistoryTimeline.js'
import { KIND_CONFIGS } from './kinds.js'

type Props<K extends ResourceKind> = {
  kind: K
  /** The record shown; null keeps the drawer closed. */
  id: number | null
  onClose: () => void
  /** A confirmation or agreement change: the list behind refreshes. */
  onChanged: () => void
  onEdit: (r: Resource<K>) => void
}

export function ResourceDetailDrawer<K extends ResourceKind>({ kind, id, onClose, onChanged, onEdit }: Props<K>) {
  const config = KIND_CONFIGS[kind]
  const can = useCan()
  const [tick, setTick] = useState(0)
  const detail = useAsync(async () => (id ? getResource(kind, id) : null), [kind, id, tick])
  const r = detail.data && detail.data.id === id ? detail.data : null
  const writable = can('resources.write')

  const changed = () => {
    setTick((t) => t + 1)
    onChanged()
  }

  return (
    <Drawer
      open={id !== null}
      title={r ? r.name : config.title}
      size={760}
      onClose={onClose}
      destroyOnHidden
      extra={r && writable && (
        <Space>
          <ConfirmButton
            stale={r.stale}
            onConfirm={async () => {
              await confirmResource(kind, r.id, r.version)
              toast.success('已确认信息仍有效')
              changed()
            }}
          />
          <Button size="small" onClick={() => onEdit(r)}>编辑</Button>
        </Space>
      )}
    >
      {!r ? (
        detail.loading ? <Skeleton active /> : <Empty description="未找到该记录" />
      ) : (
        <div data-testid="resource-detail">
          {r.warnings.length > 0 && (
            <Alert type="warning" showIcon style={{ marginBottom: 12 }} title="需关注" description={r.warnings.join('；')} data-testid="resource-detail-warnings" />
          )}
          <Descriptions
            size="small"
            bordered
            column={2}
            items={[
              { key: 'region', label: '所属区划', children: r.regionName },
              { key: 'status', label: '状态', children: r.statusLabel },
              { key: 'owner', label: config.titles.ownerUnit, children: orBlank(r.ownerUnitName), span: 2 },
              { key: 'resp', label: config.titles.responsible, children: <ContactCell contact={r.responsible} /> },
              { key: 'liaison', label: config.titles.liaison, children: <ContactCell contact={r.liaison} /> },
              ...config.describe(r),
              { key: 'addr', label: '地址', children: orBlank(r.address), span: 2 },
              { key: 'pos', label: '坐标', children: r.lng !== null && r.lat !== null ? `${r.lng}, ${r.lat}` : orBlank(null) },
              { key: 'fresh', label: '信息确认', children: <FreshnessCell {...r} /> },
              { key: 'note', label: '备注', children: orBlank(r.note), span: 2 },
            ]}
          />
          <Tabs
            style={{ marginTop: 12 }}
            items={[
              ...(kind === 'supplier'
                ? [{ key: 'agreements', label: '保供协议', children: <AgreementsPanel supplier={r} writable={writable} onChanged={changed} /> }]
                : []),
              { key: 'history', label: '操作记录', children: <HistoryTimeline entries={r.history} /> },
            ]}
          />
        </div>
      )}
    </Drawer>
  )
}

function ContactCell({ contact }: { contact: Contact | null }) {
  if (!contact) return <span>{orBlank(null)}</span>
  return (
    <Space size={4} wrap>
      <span>{contact.name}</span>
      {contact.post && <span style={{ color: '#8c8c8c' }}>{contact.post}</span>}
      <MaskedPhone value={contact.mobile} reveal={() => revealPersonPhones(contact.id).then((x) => x.mobile)} />
    </Space>
  )
}
