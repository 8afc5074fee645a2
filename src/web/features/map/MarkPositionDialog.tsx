import { Form, Input, InputNumber, Modal, Select } from 'antd'
import { useEffect, useState } from 'react'
import { CRS_KEYS, type Crs } from '../../../domain/map/crs.js'
import { toast } from '../../lib/feedback.js'
import { setRegionPosition, type RegionPosition } from './positions-api.js'
import { CRS_LABELS } from './PositionImport.js'

type Values = { lng: number; lat: number; crs: Crs; note?: string }

/** 人工标注: the coordinates of a region typed in (from a phone's map app, say), audited by the server. */
export function MarkPositionDialog({ region, onClose, onSaved }: { region: RegionPosition | null; onClose: () => void; onSaved: () => void }) {
  const [form] = Form.useForm<Values>()
  const [saving, setSaving] = useState(false)
  useEffect(() => {
    if (!region) return
    // A real position to adjust is shown as stored (WGS84); a sketch is no start at all, and a
    // point taken from a phone's map app is GCJ-02.
    const real = region.positionSource !== null && region.positionSource !== 'sketch'
    form.setFieldsValue({
      lng: real ? region.lng ?? undefined : undefined,
      lat: real ? region.lat ?? undefined : undefined,
      crs: real ? 'WGS84' : 'GCJ02',
      note: '',
    })
  }, [region, form])

  const save = async () => {
    const v = await form.validateFields()
    setSaving(true)
    try {
      await setRegionPosition(region!.code, { lng: v.lng, lat: v.lat, crs: v.crs, ...(v.note?.trim() ? { note: v.note.trim() } : {}) })
      toast.success(`已标注“${region!.name}”的位置`)
      onSaved()
    } catch {
      // shown by the http client
    } finally {
      setSaving(false)
    }
  }

  return (
    <Modal
      open={region !== null}
      title={region ? `标注位置：${region.fullName}` : ''}
      okText="保存位置"
      cancelText="取消"
      confirmLoading={saving}
      onOk={save}
      onCancel={onClose}
      destroyOnHidden
      data-testid="mark-position"
    >
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item name="crs" label="坐标系" extra="手机地图（高德、腾讯）取的点为 GCJ-02，百度地图为 BD-09，GPS 与天地图为 WGS84">
          <Select options={CRS_KEYS.map((k) => ({ value: k, label: CRS_LABELS[k] }))} />
        </Form.Item>
        <Form.Item name="lng" label="经度" rules={[{ required: true, message: '请输入经度' }]}>
          <InputNumber min={73} max={136} step={0.0001} precision={6} style={{ width: '100%' }} inputMode="decimal" data-testid="mark-position-lng" />
        </Form.Item>
        <Form.Item name="lat" label="纬度" rules={[{ required: true, message: '请输入纬度' }]}>
          <InputNumber min={3} max={54} step={0.0001} precision={6} style={{ width: '100%' }} inputMode="decimal" data-testid="mark-position-lat" />
        </Form.Item>
        <Form.Item name="note" label="说明" rules={[{ max: 200 }]}>
          <Input maxLength={200} placeholder="如：村委会办公楼" />
        </Form.Item>
      </Form>
    </Modal>
  )
}
