import { DatePicker, Form, Input, Modal } from 'antd'
import dayjs, { type Dayjs } from 'dayjs'
import { useEffect, useState } from 'react'
import { isWarningLevel, type WarningLevel } from '../../../domain/warnings/levels.js'
import { toast } from '../../lib/feedback.js'
import { reviseWarning, type Warning, type WarningUpdate } from './api.js'
import { LevelRadio } from '../../components/LevelTag.js'

type Values = { level: WarningLevel; headline: string; description: string; instruction: string; areaDesc: string; expires: Dayjs | null }

/**
 * 更新 an issued warning (CAP msgType Update): a new revision goes to everyone again and the
 * ladder starts over for it. Only what changed is sent.
 */
export function UpdateDialog({ warning, onClose, onDone }: { warning: Warning | null; onClose: () => void; onDone: (w: Warning) => void }) {
  const [form] = Form.useForm<Values>()
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    if (!warning) return
    form.setFieldsValue({
      level: isWarningLevel(warning.level) ? warning.level : 4,
      headline: warning.headline,
      description: warning.description,
      instruction: warning.instruction,
      areaDesc: warning.areaDesc,
      expires: warning.expires ? dayjs(warning.expires) : null,
    })
  }, [warning, form])

  const ok = async () => {
    if (!warning) return
    const v = await form.validateFields().catch(() => null)
    if (!v) return
    const u: WarningUpdate = { version: warning.version }
    if (v.level !== warning.level) u.level = v.level
    for (const k of ['headline', 'description', 'instruction', 'areaDesc'] as const) {
      if (v[k].trim() !== warning[k]) u[k] = v[k].trim()
    }
    const expires = v.expires ? v.expires.toISOString() : null
    if ((expires ?? '') !== (warning.expires ? dayjs(warning.expires).toISOString() : '')) u.expires = expires
    if (Object.keys(u).length === 1) {
      toast.info('内容没有变化')
      return
    }
    setBusy(true)
    try {
      const w = await reviseWarning(warning.id, u)
      toast.success(`预警已更新为第 ${w.revision} 版，正在重新送达`)
      onDone(w)
    } catch {
      // shown by the http client
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal open={!!warning} title="更新预警" okText="发布更新" onOk={ok} onCancel={onClose} confirmLoading={busy} width={720} destroyOnHidden forceRender>
      <p>更新将作为新版本重新发给全部接收人，并重新开始叫应。</p>
      <Form form={form} layout="vertical">
        <Form.Item name="level" label="预警级别" rules={[{ required: true }]}>
          <LevelRadio />
        </Form.Item>
        <Form.Item name="headline" label="标题" rules={[{ required: true, whitespace: true, message: '请输入标题' }, { max: 200 }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="description" label="警示事项" rules={[{ required: true, whitespace: true, message: '请输入警示事项' }, { max: 2000 }]}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Form.Item name="instruction" label="应当采取的措施" rules={[{ required: true, whitespace: true, message: '请输入应当采取的措施' }, { max: 2000 }]}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Form.Item name="areaDesc" label="可能影响的范围" rules={[{ required: true, whitespace: true, message: '请输入可能影响的范围' }, { max: 500 }]}>
          <Input maxLength={500} />
        </Form.Item>
        <Form.Item name="expires" label="失效时间">
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} placeholder="不填则直至解除" />
        </Form.Item>
      </Form>
    </Modal>
  )
}
