import { Alert, Form, Input, InputNumber, Modal, Typography } from 'antd'
import { useEffect, useState } from 'react'
import { MOVEMENT_KINDS } from '../../../domain/resources/kinds.js'
import { toast } from '../../lib/feedback.js'
import { applyFieldErrors, validValues } from '../../lib/form-errors.js'
import { isApiError, reportError } from '../../lib/http.js'
import { moveStock, type Supply } from './api.js'
import { formatQuantity } from '../../lib/class-tree.js'

export type MoveKind = 'in' | 'out' | 'loss' | 'count'

const REASON_HINTS: Record<MoveKind, string> = {
  in: '如：采购入库、上级调配、捐赠',
  out: '如：汛期抢险领用、借出演练',
  loss: '如：过期报废、损坏无法修复',
  count: '如：2025 年汛前盘点',
}

type Values = { quantity: number; reason: string }

/** 入库 / 出库 / 报损 / 盘点 of one line; 盘点 states the counted total, not a change. */
export function StockMoveDialog({ supply, kind, onClose, onDone, onStale }: {
  supply: Supply
  kind: MoveKind | null
  onClose: () => void
  onDone: () => void
  /** The line changed since it was shown (409): reload it. */
  onStale: () => void
}) {
  const [form] = Form.useForm<Values>()
  const [busy, setBusy] = useState(false)
  const quantity = Form.useWatch('quantity', form)

  useEffect(() => {
    if (kind) form.resetFields()
  }, [kind, form])

  const label = kind ? MOVEMENT_KINDS[kind] : ''
  const counting = kind === 'count'
  const decreasing = kind === 'out' || kind === 'loss'

  const submit = async () => {
    const v = await validValues(form)
    if (!v || !kind) return
    setBusy(true)
    try {
      // Booked against the line as shown: if someone moved stock meanwhile the server answers 409.
      await moveStock(supply.id, { kind, quantity: v.quantity, reason: v.reason.trim(), version: supply.version })
      toast.success(`${label}已登记`)
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

  const after = typeof quantity === 'number'
    ? counting ? quantity : decreasing ? supply.quantity - quantity : supply.quantity + quantity
    : null

  return (
    <Modal
      open={kind !== null}
      title={`${label}：${supply.name}`}
      okText={`确认${label}`}
      okButtonProps={{ loading: busy, danger: kind === 'loss' }}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph>
        当前库存 <Typography.Text strong className="sw-num">{formatQuantity(supply.quantity)} {supply.unit}</Typography.Text>
      </Typography.Paragraph>
      <Form form={form} layout="vertical" data-testid="stock-move-form">
        <Form.Item
          name="quantity"
          label={counting ? `实盘数量（${supply.unit}）` : `${label}数量（${supply.unit}）`}
          rules={[
            { required: true, message: '请输入数量' },
            {
              validator: async (_r, v: number | null) => {
                if (v === null || v === undefined) return
                if (!counting && v <= 0) throw new Error('数量应大于 0')
                if (decreasing && v > supply.quantity) throw new Error(`库存不足：当前 ${formatQuantity(supply.quantity)} ${supply.unit}`)
              },
            },
          ]}
        >
          <InputNumber min={0} style={{ width: '100%' }} autoFocus data-testid="stock-move-quantity" />
        </Form.Item>
        <Form.Item name="reason" label="事由" rules={[{ required: true, whitespace: true, message: '请填写事由' }, { max: 200 }]}>
          <Input maxLength={200} placeholder={kind ? REASON_HINTS[kind] : ''} data-testid="stock-move-reason" />
        </Form.Item>
      </Form>
      {after !== null && after >= 0 && (
        <Alert
          type={counting && after !== supply.quantity ? 'warning' : 'info'}
          title={counting
            ? after === supply.quantity ? '实盘与账面一致' : `实盘与账面相差 ${formatQuantity(after - supply.quantity)} ${supply.unit}，将按实盘数调整`
            : `${label}后库存 ${formatQuantity(after)} ${supply.unit}`}
        />
      )}
    </Modal>
  )
}
