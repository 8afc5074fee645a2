import { Form, Input, InputNumber, Modal, Typography } from 'antd'
import { useEffect, useState } from 'react'
import { toast } from '../../lib/feedback.js'
import { applyFieldErrors, validValues } from '../../lib/form-errors.js'
import { isApiError, reportError } from '../../lib/http.js'
import { ResourceSelect } from '../../components/ResourceSelect.js'
import { transferStock, type Supply } from './api.js'
import { formatQuantity } from '../../lib/class-tree.js'

type Values = { quantity: number; reason: string; toStoragePointId: number }

/**
 * 调拨: moves part of a line to another storage point. The server books it as a pair of movements
 * (调拨出库 here, 调拨入库 at the target line, created there if missing), so both ledgers add up.
 */
export function TransferDialog({ supply, open, onClose, onDone, onStale }: {
  supply: Supply
  open: boolean
  onClose: () => void
  onDone: () => void
  /** The line changed since it was shown (409): reload it. */
  onStale: () => void
}) {
  const [form] = Form.useForm<Values>()
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    if (open) form.resetFields()
  }, [open, form])

  const submit = async () => {
    const v = await validValues(form)
    if (!v) return
    setBusy(true)
    try {
      const r = await transferStock(supply.id, { quantity: v.quantity, reason: v.reason.trim(), version: supply.version, toStoragePointId: v.toStoragePointId })
      toast.success(`已调拨 ${formatQuantity(v.quantity)} ${supply.unit} 至${r.to.storagePointName ?? r.to.regionName}`)
      onDone()
    } catch (e) {
      applyFieldErrors(form, e)
      reportError(e)
      // Someone moved the stock meanwhile: show the line as it is now before anything is booked.
      if (isApiError(e, 'STALE_VERSION')) onStale()
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal
      open={open}
      title={`调拨：${supply.name}`}
      okText="确认调拨"
      okButtonProps={{ loading: busy }}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph>
        调出：{supply.storagePointName ?? supply.regionName}，当前库存{' '}
        <Typography.Text strong className="sw-num">{formatQuantity(supply.quantity)} {supply.unit}</Typography.Text>
      </Typography.Paragraph>
      <Form form={form} layout="vertical" data-testid="transfer-form">
        <Form.Item name="toStoragePointId" label="调入储备点" rules={[{ required: true, message: '请选择调入的储备点' }]}>
          <ResourceSelect kind="storage_point" exclude={supply.storagePointId} data-testid="transfer-target" />
        </Form.Item>
        <Form.Item
          name="quantity"
          label={`调拨数量（${supply.unit}）`}
          rules={[
            { required: true, message: '请输入数量' },
            {
              validator: async (_r, v: number | null) => {
                if (v === null || v === undefined) return
                if (v <= 0) throw new Error('数量应大于 0')
                if (v > supply.quantity) throw new Error(`库存不足：当前 ${formatQuantity(supply.quantity)} ${supply.unit}`)
              },
            },
          ]}
        >
          <InputNumber min={0} max={supply.quantity} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="reason" label="事由" rules={[{ required: true, whitespace: true, message: '请填写事由' }, { max: 200 }]}>
          <Input maxLength={200} placeholder="如：支援邻镇抗洪" />
        </Form.Item>
      </Form>
    </Modal>
  )
}
