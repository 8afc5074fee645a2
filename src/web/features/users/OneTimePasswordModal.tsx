import { Alert, Modal, Typography } from 'antd'

/** Whose one-time password is shown, and why (created, reset, reset approved). */
export type Shown = { username: string; displayName: string; password: string; why: string }

/**
 * The one-time password the server chose, shown this once: the administrator hands it over
 * in person or over a safe channel, and its owner must replace it at first login.
 */
export function OneTimePasswordModal({ shown, onClose }: { shown: Shown | null; onClose: () => void }) {
  return (
    <Modal
      open={shown !== null}
      title={`一次性口令：${shown?.displayName ?? ''}（${shown?.username ?? ''}）`}
      okText="我已记下"
      onOk={onClose}
      cancelButtonProps={{ style: { display: 'none' } }}
      closable={false}
      mask={{ closable: false }}
      keyboard={false}
      destroyOnHidden
    >
      {shown && (
        <>
          <p>{shown.why}</p>
          <Typography.Paragraph copyable={{ text: shown.password, tooltips: ['复制', '已复制'] }} style={{ fontSize: 22, letterSpacing: 2 }}>
            <span className="sw-num" data-testid="one-time-password">{shown.password}</span>
          </Typography.Paragraph>
          <Alert
            type="warning"
            showIcon
            title="此口令只显示这一次，关闭后无法再查看。请当面或通过安全渠道交给本人；本人首次登录后须立即修改，修改前不能使用其他功能。"
          />
        </>
      )}
    </Modal>
  )
}
