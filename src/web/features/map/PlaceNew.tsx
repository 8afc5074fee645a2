import { PlusOutlined } from '@ant-design/icons'
import { Button, Dropdown } from 'antd'
import { ResourceDrawer } from '../resources/ResourceDrawer.js'
import { SupplyDrawer } from '../supplies/SupplyDrawer.js'
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

/** The kind's own create drawer, opened with the clicked position filled in. */
export function PlaceDrawer({ placed, regionCode, onClose, onSaved }: DrawerProps) {
  if (!placed) return null
  const at = { lng: placed.lng, lat: placed.lat }
  // Keyed by kind: each kind's form has its own fields and must start afresh.
  return placed.kind === 'supply'
    ? <SupplyDrawer key="supply" open supply={null} defaultRegionCode={regionCode} initial={at} onClose={onClose} onSaved={onSaved} />
    : <ResourceDrawer key={placed.kind} kind={placed.kind} open record={null} defaultRegionCode={regionCode} initial={at} onClose={onClose} onSaved={onSaved} />
}
