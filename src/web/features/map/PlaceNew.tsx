import { PlusOutlined } from '@ant-design/icons'
import { Button, Dropdown } from 'antd'
import { Suspense } from 'react'
import { usePlaceEditor } from '../../shell/registry.js'
import { PLACE_KINDS, type PlaceKind } from './placing.js'

/** A new record's kind and the WGS84 place clicked for it. */
export type Placed = { kind: PlaceKind; lng: number; lat: number }

/** 新增点位: choose what to add; the next map click then picks where. */
export function PlaceNewButton({ onChoose }: { onChoose: (kind: PlaceKind) => void }) {
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: PLACE_KINDS.map((k) => ({ key: k.key, label: <span data-testid={`map-place-${k.key}`}>{k.label}</span> })),
        onClick: ({ key }) => onChoose(key as PlaceKind),
      }}
    >
      <Button icon={<PlusOutlined />} data-testid="map-place-open">新增点位</Button>
    </Dropdown>
  )
}

type DrawerProps = {
  placed: Placed | null
  regionCode: string
  onClose: () => void
  onSaved: () => void
}

/** The kind's own create drawer (lent by its capability through the shell), opened with the clicked position filled in. */
export function PlaceDrawer({ placed, regionCode, onClose, onSaved }: DrawerProps) {
  const Editor = usePlaceEditor(placed?.kind ?? '')
  if (!placed || !Editor) return null
  const at = { lng: placed.lng, lat: placed.lat }
  // Keyed by kind: each kind's form has its own fields and must start afresh.
  return (
    <Suspense fallback={null}>
      <Editor key={placed.kind} regionCode={regionCode} at={at} onClose={onClose} onSaved={onSaved} />
    </Suspense>
  )
}
