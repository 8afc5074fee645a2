import { Col, Form, Input, InputNumber, Modal, Row } from 'antd'
import { useEffect, useState } from 'react'
import { toast } from '../../lib/feedback.js'
import { applyFieldErrors, validValues } from '../../lib/form-errors.js'
import { reportError } from '../../lib/http.js'
import { ClassSelect } from '../../components/ClassSelect.js'
import { createAgreement, updateAgreement, type Agreement, type AgreementInput, type SupplierRef } from './api.js'
import { cleanInput } from './clean-input.js'
import { DateInput } from './DateInput.js'

type Props = {
  supplier: SupplierRef
  open: boolean
  /** The agreement being edited; null to add one. */
  agreement: Agreement | null
  onClose: () => void
  onSaved: () => void
}

type Values = Omit<AgreementInput, 'supplierId' | 'regionCode'>

export function AgreementDialog({ supplier, open, agreement, onClose, onSaved }: Props) {
  const [form] = Form.useForm<Values>()
  const [busy, setBusy] = useState(false)
  const startsOn = Form.useWatch('startsOn', form)

  useEffect(() => {
    if (!open) return
    form.resetFields()
    if (agreement) {
      const { itemName, classCode, quantity, unit, startsOn: s, endsOn, responseHours } = agreement
      form.setFieldsValue({ itemName, classCode, quantity, unit, startsOn: s, endsOn, responseHours })
    }
  }, [open, agreement, form])

  const submit = async () => {
    const raw = await validValues(form)
    if (!raw) return
    const values = cleanInput(raw)
    setBusy(true)
    try {
      // The agreement is signed where the enterprise is registered unless it says otherwise.
      const input = { ...values, supplierId: supplier.id, regionCode: agreement?.regionCode ?? supplier.regionCode }
      if (agreement) await updateAgreement(agreement.id, { ...input, version: agreement.version })
      else await createAgreement(input)
      toast.success(agreement ? '协议已保存' : '协议已添加')
      onSaved()
    } catch (e) {
      applyFieldErrors(form, e)
      reportError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal
      open={open}
      title={agreement ? `编辑保供协议：${agreement.itemName}` : `新增保供协议：${supplier.name}`}
      okText="保存"
      okButtonProps={{ loading: busy }}
      onOk={submit}
      onCancel={onClose}
      width={640}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" data-testid="agreement-form">
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="itemName" label="协议物资" rules={[{ required: true, whitespace: true, message: '请输入协议物资' }, { max: 100 }]}>
              <Input maxLength={100} placeholder="如：矿泉水" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="classCode" label="物资分类">
              <ClassSelect placeholder="请选择分类" />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item name="quantity" label="协议数量">
              <InputNumber min={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="unit" label="计量单位" rules={[{ max: 10 }]}>
              <Input maxLength={10} placeholder="箱、顶、吨" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="responseHours" label="响应时限（小时）">
              <InputNumber min={0} max={8760} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="startsOn" label="开始日期">
              <DateInput />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="endsOn"
              label="截止日期"
              dependencies={['startsOn']}
              rules={[{
                validator: async (_r, v: string | null) => {
                  if (v && startsOn && v < startsOn) throw new Error('截止日期不能早于开始日期')
                },
              }]}
            >
              <DateInput />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  )
}
