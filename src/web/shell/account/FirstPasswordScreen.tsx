import { Alert, Button, Card, Space } from 'antd'
import { useSession } from '../../lib/session.js'
import { PasswordChangeFields, usePasswordChange } from './ChangePasswordDialog.js'
import '../../components/login-screen.css'

/**
 * Shown instead of the whole app while the account still has the one-time password an
 * administrator was given: the server answers nothing else until it is replaced (403
 * PASSWORD_CHANGE_REQUIRED), so no page is drawn behind it.
 */
export function FirstPasswordScreen() {
  const { updateMe, signOut } = useSession()
  const { form, busy, submit } = usePasswordChange(() => updateMe({ mustChangePassword: false, passwordExpired: false }))
  return (
    <div className="sw-login" data-testid="first-password">
      <div className="sw-login-banner">
        <div className="sw-login-emblem" aria-hidden>守</div>
        <h1>守望 · 基层应急管理平台</h1>
        <p>首次登录，请先设置您本人的口令</p>
      </div>
      <Card className="sw-login-card" title="修改初始口令">
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title="您正在使用管理员发放的一次性口令。请设置只有您本人知道的新口令，修改后方可使用系统。"
          data-testid="password-initial-notice"
        />
        <PasswordChangeFields form={form} oldLabel="一次性口令" />
        <Space style={{ width: '100%', justifyContent: 'flex-end' }}>
          <Button onClick={() => void signOut()}>退出登录</Button>
          <Button type="primary" loading={busy} onClick={submit} data-testid="password-submit">确认修改</Button>
        </Space>
      </Card>
    </div>
  )
}
