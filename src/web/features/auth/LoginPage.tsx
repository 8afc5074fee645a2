import { LockOutlined, SafetyOutlined, UserOutlined } from '@ant-design/icons'
import { Alert, Button, Card, Form, Input, Typography, type InputRef } from 'antd'
import { useEffect, useRef, useState } from 'react'
import { Navigate, useSearchParams } from 'react-router'
import { isApiError } from '../../lib/http.js'
import { useSession } from '../../lib/session.js'
import { login } from './api.js'
import { safeNext } from './next.js'
import '../../components/login-screen.css'

type Values = { username: string; password: string; totp?: string }

export function LoginPage() {
  const { state, signedIn } = useSession()
  const [params] = useSearchParams()
  const [form] = Form.useForm<Values>()
  const [busy, setBusy] = useState(false)
  const [needTotp, setNeedTotp] = useState(false)
  const [error, setError] = useState<{ text: string; type: 'error' | 'warning' } | null>(null)
  const totpRef = useRef<InputRef>(null)

  useEffect(() => {
    if (needTotp) totpRef.current?.focus()
  }, [needTotp])

  if (state.status === 'signed-in') return <Navigate to={safeNext(params.get('next'))} replace />

  const notice = state.status === 'anonymous' ? state.notice : undefined

  const submit = async (v: Values) => {
    setBusy(true)
    setError(null)
    try {
      const s = await login({ username: v.username.trim(), password: v.password, totp: needTotp ? v.totp?.trim() : undefined })
      signedIn(s)
    } catch (e) {
      if (isApiError(e, 'TOTP_REQUIRED')) {
        setNeedTotp(true)
        setError({ text: e.message, type: 'warning' })
      } else if (isApiError(e, 'TOTP_INVALID')) {
        form.setFieldValue('totp', '')
        setError({ text: e.message, type: 'error' })
        totpRef.current?.focus()
      } else {
        // Wrong password, throttled, or (after a right password) locked or disabled: the server's
        // words as written, since only it knows until when and whom to ask. Waiting or asking
        // someone is a warning; a wrong password is an error.
        const wait = isApiError(e, 'TOO_MANY_ATTEMPTS') || isApiError(e, 'ACCOUNT_LOCKED') || isApiError(e, 'ACCOUNT_DISABLED')
        setError({ text: isApiError(e) ? e.message : '登录失败，请稍后再试', type: wait ? 'warning' : 'error' })
        form.setFieldValue('password', '')
      }
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="sw-login">
      <div className="sw-login-banner">
        <div className="sw-login-emblem" aria-hidden>守</div>
        <h1>守望 · 基层应急管理平台</h1>
        <p>市 · 区县 · 乡镇（街道） · 村（社区） 四级应急管理协同</p>
      </div>
      <Card className="sw-login-card" title="用户登录">
        {notice && <Alert type="info" showIcon title={notice} style={{ marginBottom: 16 }} data-testid="login-notice" />}
        {error && <Alert type={error.type} showIcon title={error.text} style={{ marginBottom: 16 }} data-testid="login-error" />}
        <Form form={form} layout="vertical" requiredMark={false} onFinish={submit} autoComplete="on" size="large">
          <Form.Item name="username" label="用户名" rules={[{ required: true, whitespace: true, message: '请输入用户名' }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus data-testid="login-username" disabled={needTotp} />
          </Form.Item>
          <Form.Item name="password" label="口令" rules={[{ required: true, message: '请输入口令' }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" disabled={needTotp} />
          </Form.Item>
          {needTotp && (
            <Form.Item
              name="totp"
              label="动态口令"
              extra="打开身份验证器，输入当前显示的 6 位数字"
              rules={[{ required: true, message: '请输入动态口令' }, { pattern: /^\d{6}$/, message: '动态口令为 6 位数字' }]}
            >
              <Input ref={totpRef} prefix={<SafetyOutlined />} maxLength={6} inputMode="numeric" autoComplete="one-time-code" data-testid="login-totp" />
            </Form.Item>
          )}
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
            登录
          </Button>
          {needTotp && (
            <Button type="link" block style={{ marginTop: 8 }} onClick={() => { setNeedTotp(false); setError(null); form.resetFields(['password', 'totp']) }}>
              更换账号
            </Button>
          )}
        </Form>
      </Card>
      <Typography.Text className="sw-login-foot">
        本系统仅限授权人员使用，所有操作均记入审计日志。请妥善保管口令，勿在公共电脑上保存。
      </Typography.Text>
    </div>
  )
}
