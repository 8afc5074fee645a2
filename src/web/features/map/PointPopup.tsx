import { Button, Descriptions, Spin, Tag, Tooltip, Typography } from 'antd'
import { Link } from 'react-router'
import { positionSourceLabel, SKETCH_HINT, SKETCH_LABEL } from '../../../domain/map/position-sources.js'
import { formatTime, orBlank } from '../../lib/format.js'
import { useAsync } from '../../lib/use-async.js'
import { useCan } from '../../lib/session.js'
import { fetchPoint, type MapLayer, type PointDetail } from './api.js'
import { CallContact } from '../../components/CallContact.js'
import { MOVABLE_LAYERS } from './map-helpers.js'

type Props = {
  layer: MapLayer
  id: number
  /** Starts dragging this record's marker to a new position. */
  onMove: (p: PointDetail) => void
}

/** What a clicked point is, how much of it, whom to call about it and how current that is. */
export function PointPopup({ layer, id, onMove }: Props) {
  const can = useCan()
  const { data, loading } = useAsync(() => fetchPoint(layer, id), [layer, id])
  if (loading && !data) return <Spin size="small" style={{ margin: 16 }} />
  if (!data) return <Typography.Text type="secondary">无法读取该点的信息</Typography.Text>

  return (
    <div className="sw-map-popup" data-testid="map-popup">
      <div className="sw-map-popup-head">
        <Typography.Text strong>{data.name}</Typography.Text>
        <Tag>{data.kindLabel}</Tag>
        {data.stale && <Tag color="orange">待核实</Tag>}
        {data.positionSource === 'sketch' && (
          <Tooltip title={SKETCH_HINT}><Tag color="default" style={{ borderStyle: 'dashed' }} data-testid="map-popup-sketch">{SKETCH_LABEL}</Tag></Tooltip>
        )}
      </div>
      <Descriptions size="small" column={1} colon={false} styles={{ label: { width: 64 } }}>
        <Descriptions.Item label="区划">{data.regionName}</Descriptions.Item>
        {data.address && <Descriptions.Item label="地址">{data.address}</Descriptions.Item>}
        {data.quantity != null && (
          <Descriptions.Item label="数量"><span className="sw-num">{data.quantity}</span> {data.unit ?? ''}</Descriptions.Item>
        )}
        {data.condition && <Descriptions.Item label="状态">{data.conditionLabel ?? data.condition}</Descriptions.Item>}
        <Descriptions.Item label="核实">{formatTime(data.confirmedAt)}</Descriptions.Item>
        {data.positionSource && <Descriptions.Item label="位置">{positionSourceLabel(data.positionSource)}</Descriptions.Item>}
      </Descriptions>
      {/* Keeper first, then responsible, leader, liaison: who can hand the goods over. */}
      <div className="sw-map-popup-contacts" data-testid="map-popup-contacts">
        {data.contacts.length > 0
          ? data.contacts.map((c) => <CallContact key={c.personId} contact={c} />)
          : <Typography.Text type="secondary">未登记联系人</Typography.Text>}
      </div>
      {data.supplies && data.supplies.length > 0 && (
        <div className="sw-map-popup-supplies">
          {data.supplies.slice(0, 8).map((s) => (
            <div key={s.id}>
              {s.name} <span className="sw-num">{s.quantity}</span> {orBlank(s.unit)}
              {s.conditionLabel && <Typography.Text type="secondary"> · {s.conditionLabel}</Typography.Text>}
            </div>
          ))}
          {(data.suppliesTotal ?? data.supplies.length) > 8 && <Typography.Text type="secondary">等 {data.suppliesTotal ?? data.supplies.length} 项</Typography.Text>}
        </div>
      )}
      <div className="sw-map-popup-actions">
        <Link to={data.link}>查看记录</Link>
        {can('resources.write') && MOVABLE_LAYERS.has(data.layer) && (
          <Button size="small" type="link" onClick={() => onMove(data)} data-testid="map-move-point">调整位置</Button>
        )}
      </div>
    </div>
  )
}
