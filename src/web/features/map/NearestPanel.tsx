import { AimOutlined, CloseOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons'
import { AutoComplete, Button, Empty, Input, InputNumber, Radio, Select, Space, Tag, Typography } from 'antd'
import { useEffect, useState } from 'react'
import { CRS_KEYS, type Crs } from '../../../domain/map/crs.js'
import { TEAM_SPECIALITIES } from '../../../domain/resources/kinds.js'
import { toast } from '../../lib/feedback.js'
import { findNearest, type Holding, type NearestPlace, type NearestReply, type Need } from './api.js'
import { CallContact } from '../../components/CallContact.js'
import { formatDistance, layerLabel, NEED_PRESETS, needComplete, parseLngLat } from './map-helpers.js'
import { VillageSearch } from './VillageSearch.js'

const CRS_LABELS: Record<Crs, string> = { WGS84: 'WGS84（天地图/GPS）', GCJ02: 'GCJ-02（高德/腾讯）', BD09: 'BD-09（百度）' }

type PlaceMode = 'map' | 'coords' | 'village'

type Props = {
  /** Whether the next map click picks the place. */
  picking: boolean
  onPicking: (on: boolean) => void
  /** The last place clicked on the map while picking. */
  mapPoint: [number, number] | null
  onReply: (reply: NearestReply | null) => void
  onFocus: (lng: number, lat: number) => void
  onClose: () => void
}

function NeedRow({ need, onChange, onRemove }: { need: Need; onChange: (n: Need) => void; onRemove: () => void }) {
  const typeSelect = (
    <Select
      size="small"
      value={need.type}
      style={{ width: 84 }}
      onChange={(type) => onChange(type === 'supply' ? { type, name: '', quantity: 1 } : type === 'team' ? { type, minHeadcount: 10 } : { type, capacity: 100 })}
      options={[{ value: 'supply', label: '物资' }, { value: 'team', label: '队伍' }, { value: 'shelter', label: '避难场所' }]}
    />
  )
  return (
    <Space.Compact size="small" style={{ width: '100%' }} data-testid="nearest-need">
      {typeSelect}
      {need.type === 'supply' && (
        <>
          <Input size="small" placeholder="名称" value={need.name} onChange={(e) => onChange({ ...need, name: e.target.value })} />
          <InputNumber size="small" min={1} precision={0} value={need.quantity} style={{ width: 78 }} onChange={(v) => onChange({ ...need, quantity: v ?? 1 })} />
          <Input size="small" placeholder="单位" value={need.unit} style={{ width: 48 }} onChange={(e) => onChange({ ...need, unit: e.target.value || undefined })} />
        </>
      )}
      {need.type === 'team' && (
        <>
          <AutoComplete
            size="small"
            placeholder="专业"
            value={need.speciality}
            options={TEAM_SPECIALITIES.map((s) => ({ value: s }))}
            onChange={(v) => onChange({ ...need, speciality: v || undefined })}
            style={{ flex: 1 }}
          />
          <InputNumber size="small" min={1} precision={0} value={need.minHeadcount} addonAfter="人" style={{ width: 96 }} onChange={(v) => onChange({ ...need, minHeadcount: v ?? undefined })} />
        </>
      )}
      {need.type === 'shelter' && (
        <InputNumber size="small" min={1} precision={0} value={need.capacity} addonBefore="容纳" addonAfter="人" style={{ flex: 1 }} onChange={(v) => onChange({ ...need, capacity: v ?? 1 })} />
      )}
      <Button size="small" icon={<DeleteOutlined />} aria-label="删除该需求" onClick={onRemove} />
    </Space.Compact>
  )
}

/**
 * One holding: what, where, how far in a straight line, how much is taken, and whom to call —
 * the keeper first (see domain/resources/contacts.ts); the others on request.
 */
function HoldingLine({ h, onFocus }: { h: Holding; onFocus: () => void }) {
  const [others, setOthers] = useState(false)
  const amount = h.quantity != null ? `${h.quantity}${h.unit ?? ''}` : h.headcount != null ? `${h.headcount}人` : h.capacity != null ? `可容纳${h.capacity}人` : ''
  const rest = h.contacts.filter((c) => c.personId !== h.contact?.personId)
  return (
    <div className="sw-map-holding" data-testid="nearest-holding">
      <div className="sw-map-holding-place" onClick={onFocus} role="button" tabIndex={0} title="在地图上查看">
        <div>
          <Typography.Text strong>{h.name}</Typography.Text>
          <Typography.Text type="secondary"> {h.layer === 'supply' ? '物资' : layerLabel(h.layer)} · {h.regionName}{h.storagePointName ? ` · ${h.storagePointName}` : ''}</Typography.Text>
        </div>
        <div className="sw-num">
          直线 {formatDistance(h.distanceKm)} · 现有 {amount} · 调用 <b>{h.take}</b>
        </div>
      </div>
      {h.contact ? <CallContact contact={h.contact} /> : <Typography.Text type="secondary">未登记联系人</Typography.Text>}
      {rest.length > 0 && (others
        ? rest.map((c) => <CallContact key={c.personId} contact={c} />)
        : <Button type="link" size="small" className="sw-map-contact-more" onClick={() => setOthers(true)}>其他联系人（{rest.length}）</Button>)}
    </div>
  )
}

/** 附近资源: a place and a list of needs → the nearest holdings that together cover each need. */
export function NearestPanel({ picking, onPicking, mapPoint, onReply, onFocus, onClose }: Props) {
  const [mode, setMode] = useState<PlaceMode>('village')
  const [coordText, setCoordText] = useState('')
  const [crs, setCrs] = useState<Crs>('WGS84')
  const [village, setVillage] = useState<string | undefined>()
  const [needs, setNeeds] = useState<Need[]>([])
  const [reply, setReply] = useState<NearestReply | null>(null)
  const [busy, setBusy] = useState(false)

  // A point picked on the map is in the map's own system, WGS84.
  useEffect(() => {
    if (!mapPoint) return
    setMode('map')
    setCrs('WGS84')
    setCoordText(`${mapPoint[0].toFixed(6)}, ${mapPoint[1].toFixed(6)}`)
  }, [mapPoint])

  const place = (): NearestPlace | null => {
    if (mode === 'village') return village ? { regionCode: village } : null
    const p = parseLngLat(coordText)
    return p ? { lng: p[0], lat: p[1], crs: mode === 'map' ? 'WGS84' : crs } : null
  }

  const search = async () => {
    const at = place()
    if (!at) {
      toast.warning(mode === 'village' ? '请选择村（社区）' : '请输入经纬度，如 120.09, 30.87')
      return
    }
    const ready = needs.filter(needComplete)
    if (ready.length === 0) {
      toast.warning('请至少添加一项需求')
      return
    }
    setBusy(true)
    try {
      const r = await findNearest({ at, needs: ready })
      setReply(r)
      onReply(r)
    } catch {
      // the http client has shown why
    } finally {
      setBusy(false)
    }
  }

  const clear = () => {
    setReply(null)
    onReply(null)
  }

  return (
    <div className="sw-map-card sw-map-nearest" data-testid="nearest-panel">
      <div className="sw-map-card-head">
        <span className="sw-map-card-title">附近资源</span>
        <Button type="text" size="small" icon={<CloseOutlined />} aria-label="关闭" onClick={() => { clear(); onClose() }} />
      </div>

      <Radio.Group
        size="small"
        optionType="button"
        value={mode}
        onChange={(e) => setMode(e.target.value as PlaceMode)}
        options={[{ value: 'village', label: '选择村社区' }, { value: 'map', label: '地图选点' }, { value: 'coords', label: '输入坐标' }]}
      />
      {mode === 'village' && (
        <VillageSearch value={village} onChange={setVillage} data-testid="nearest-village" />
      )}
      {mode === 'map' && (
        <Space.Compact size="small" style={{ width: '100%' }}>
          <Input size="small" readOnly value={coordText} placeholder="点击按钮后在地图上点选" />
          <Button size="small" type={picking ? 'primary' : 'default'} icon={<AimOutlined />} onClick={() => onPicking(!picking)} data-testid="nearest-pick">
            {picking ? '请点击地图' : '在地图上选点'}
          </Button>
        </Space.Compact>
      )}
      {mode === 'coords' && (
        <Space.Compact size="small" style={{ width: '100%' }}>
          <Input size="small" placeholder="经度, 纬度" value={coordText} onChange={(e) => setCoordText(e.target.value)} data-testid="nearest-coords" />
          <Select size="small" value={crs} onChange={setCrs} popupMatchSelectWidth={false} style={{ width: 110 }}
            options={CRS_KEYS.map((k) => ({ value: k, label: CRS_LABELS[k] }))} />
        </Space.Compact>
      )}

      <div className="sw-map-card-title">需求</div>
      <Space size={4} wrap>
        {NEED_PRESETS.map((p) => (
          <Button key={p.label} size="small" onClick={() => setNeeds((n) => [...n, p.need])} data-testid={`nearest-preset-${p.label}`}>{p.label}</Button>
        ))}
        <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => setNeeds((n) => [...n, { type: 'supply', name: '', quantity: 1 }])}>自定义</Button>
      </Space>
      <Space direction="vertical" size={4} style={{ width: '100%' }}>
        {needs.map((n, i) => (
          <NeedRow
            key={i}
            need={n}
            onChange={(next) => setNeeds((all) => all.map((x, j) => (j === i ? next : x)))}
            onRemove={() => setNeeds((all) => all.filter((_, j) => j !== i))}
          />
        ))}
      </Space>
      <Space>
        <Button type="primary" size="small" loading={busy} onClick={search} data-testid="nearest-search">查找最近资源</Button>
        {reply && <Button size="small" onClick={clear}>清除结果</Button>}
      </Space>

      {reply && (
        <div className="sw-map-results" data-testid="nearest-results">
          {reply.at.regionName && <Typography.Text type="secondary">地点：{reply.at.regionName}</Typography.Text>}
          <Typography.Text type="secondary" data-testid="nearest-distance-note">{reply.distanceNote}</Typography.Text>
          {reply.results.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="没有结果" />}
          {reply.results.map((r, i) => (
            <div key={i} className="sw-map-result">
              <div className="sw-map-result-head">
                {r.satisfied ? <Tag color="green">✓ 可满足</Tag> : <Tag color="red">✗ 缺 {r.shortfall}</Tag>}
                <Typography.Text strong>{r.description}</Typography.Text>
                <Typography.Text type="secondary" className="sw-num"> 合计 {r.total}</Typography.Text>
              </div>
              {r.holdings.length === 0 && <Typography.Text type="secondary">辖区内没有找到可用的资源</Typography.Text>}
              {r.holdings.map((h) => <HoldingLine key={`${h.layer}-${h.id}`} h={h} onFocus={() => onFocus(h.lng, h.lat)} />)}
            </div>
          ))}
        </div>
      )}
    </div>
  )
}
