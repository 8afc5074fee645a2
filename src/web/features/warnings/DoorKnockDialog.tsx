import { Checkbox, Form, Input, Modal, type ButtonProps } from 'antd'
import { useEffect, useState } from 'react'
import type { DoorKnock } from './api.js'

type Values = { reached: number[]; result: string }

/**
 * 办结上门叫应 for one village: who was told in person (all still unconfirmed ones ticked to begin
 * with; untick whoever was not found), and what was found. Those ticked count as confirmed.
 */
export function DoorKnockDialog({ task, onCancel, onSubmit }: {
  task: DoorKnock | null
  onCancel: () => void
  onSubmit: (result: string, reached: number[]) => Promise<void>
}) {
  const [form] = Form.useForm<Values>()
  const [busy, setBusy] = useState(false)
  const waiting = task?.people.filter((p) => p.confirmedAt === null) ?? []
  useEffect(() => {
    if (task) form.setFieldsValue({ reached: task.people.filter((p) => p.confirmedAt === null).map((p) => p.personId), result: '' })
  }, [task, form])

  const ok = async () => {
    const v = await form.validateFields().catch(() => null)
    if (!v) return
    setBusy(true)
    try {
      await onSubmit(v.result.trim(), v.reached ?? [])
    } catch {
      // shown by the http client; the dialog stays open so nothing typed is lost
    } finally {
      setBusy(false)
    }
  }
  const okProps: ButtonProps & { 'data-testid': string } = { 'data-testid': 'door-knock-ok' }

  return (
    <Modal
      open={task !== null}
      title={task ? `办结上门叫应：${task.areaName}` : '办结上门叫应'}
      okText="办结"
      okButtonProps={okProps}
      confirmLoading={busy}
      onOk={ok}
      onCancel={onCancel}
      destroyOnHidden
    >
      <Form form={form} layout="vertical">
        <Form.Item name="reached" label={`已当面告知的人员（名单中尚未确认 ${waiting.length} 人）`}>
          <Checkbox.Group
            options={waiting.map((p) => ({ value: p.personId, label: `${p.name}${p.post ? `（${p.post}）` : ''}` }))}
            data-testid="door-knock-reached"
          />
        </Form.Item>
        <Form.Item
          name="result"
          label="上门情况"
          extra="请写明何时由谁上门、是否已当面告知预警内容，以及未见到的人员和原因（如号码停机、外出）。"
          rules={[{ required: true, whitespace: true, message: '请输入上门情况' }, { max: 500 }]}
        >
          <Input.TextArea rows={3} maxLength={500} showCount data-testid="reason-input" />
        </Form.Item>
      </Form>
    </Modal>
  )
}
