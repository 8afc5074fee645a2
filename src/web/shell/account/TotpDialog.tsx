import { Alert, Button, Descriptions, Form, Input, Modal, Space, Steps, Typography } from 'antd'
import { useState } from 'react'
import { toast } from '../../lib/feedback.js'
import { isApiError, reportError } from '../../lib/http.js'
import { disableTotp, enableTotp, setupTotp } from '../../lib/account-api.js'
import { validValues } from '../../lib/form-errors.js'

type Props = {
  open: boolean
  enabled: boolean
  onChanged: (enabled: boolean) => void
  onClose: () => void
}

const CODE_RULES = [
  { required: true, message: '请输入身份验证器中的 6 位数字' },
  { pattern: /^\d{6}$/, message: '动态口令为 6 位数字' },
]

/**
 * Second factor (GB/T 22239 level 3 asks for two factors for administrators). The secret is
 * shown as text: offline deployments have no QR library, and authenticator apps accept typing.
 */
export function TotpDialog({ open, enabled, onChanged, onClose }: Props) {
  const [secret, setSecret] = useState<{ secret: string; otpauthUrl: string } | null>(null)
  const [busy, setBusy] = useState(false)
  const [form] = Form.useForm<{ code: string }>()

  const close = () => {
    setSecret(null)
    form.resetFields()
    onClose()
  }

  const generate = async () => {
    setBusy(true)
    try {
      setSecret(await setupTotp())
    } catch {
      // shown by the http client
    } finally {
      setBusy(false)
    }
  }

  const submit = async () => {
    const v = await validValues(form)
    if (!v) return
    const { code } = v
    setBusy(true)
    try {
      if (enabled) {
        await disableTotp(code)
        toast.success('已停用动态口令')
        onChanged(false)
      } else {
        await enableTotp(code)
        toast.success('已启用动态口令，下次登录时需要输入')
        onChanged(true)
      }
      close()
    } catch (e) {
      if (isApiError(e, 'TOTP_INVALID')) form.setFields([{ name: 'code', errors: [e.message] }])
      else reportError(e)
    } finally {
      setBusy(false)
    }
  }

  const codeForm = (
    <Form form={form} layout="inline" onFinish={submit} style={{ marginTop: 16 }}>
      <Form.Item name="code" label="动态口令" rules={CODE_RULES}>
        <Input maxLength={6} inputMode="numeric" autoComplete="one-time-code" style={{ width: 140 }} data-testid="totp-code" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} danger={enabled}>
        {enabled ? '停用' : '验证并启用'}
      </Button>
    </Form>
  )

  return (
    <Modal open={open} title="动态口令（双因素认证）" footer={null} onCancel={close} destroyOnHidden width={600}>
      {enabled ? (
        <>
          <Alert type="success" showIcon title="您的账号已启用动态口令。" description="如需停用或更换设备，请输入身份验证器当前显示的动态口令。" />
          {codeForm}
        </>
      ) : (
        <>
          <Steps
            size="small"
            current={secret ? 1 : 0}
            style={{ marginBottom: 16 }}
            items={[{ title: '生成密钥' }, { title: '添加到身份验证器' }, { title: '输入动态口令启用' }]}
          />
          {!secret ? (
            <Space orientation="vertical">
              <Typography.Paragraph style={{ marginBottom: 0 }}>
                启用后，登录时除口令外还需输入手机上的身份验证器应用（支持 TOTP 标准）生成的 6 位动态口令。
              </Typography.Paragraph>
              <Button type="primary" onClick={generate} loading={busy} data-testid="totp-generate">生成密钥</Button>
            </Space>
          ) : (
            <>
              <Descriptions
                column={1}
                size="small"
                bordered
                items={[
                  { key: 'secret', label: '密钥', children: <Typography.Text code copyable data-testid="totp-secret">{secret.secret}</Typography.Text> },
                  { key: 'url', label: '配置地址', children: <Typography.Text copyable style={{ wordBreak: 'break-all' }}>{secret.otpauthUrl}</Typography.Text> },
                ]}
              />
              <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
                在身份验证器中选择“手动输入密钥”，填入上面的密钥（基于时间，6 位，30 秒），然后输入它显示的动态口令。
              </Typography.Paragraph>
              {codeForm}
            </>
          )}
        </>
      )}
    </Modal>
  )
}
