import { Alert, Modal } from 'antd'
import { useState } from 'react'
import { toast } from '../../lib/feedback.js'
import { reportError } from '../../lib/http.js'
import { isPending, resetPassword, type User } from './api.js'
import type { Shown } from './OneTimePasswordModal.js'

type Props = {
  user: User | null; onClose: () => void
  /** Done: the one-time password to show once; or null when the reset waits for approval. */
  onSaved: (shown: Shown | null) => void
}

/**
 * 重置口令 (安全管理员): the server chooses a one-time password. An administrator's account is
 * reset only once a second administrator approves; the approver then gets the password.
 */
export function ResetPasswordDialog({ user, onClose, onSaved }: Props) {
  const [busy, setBusy] = useState(false)

  const submit = async () => {
    if (!user) return
    setBusy(true)
    try {
      const r = await resetPassword(user.id)
      if (isPending(r)) {
        toast.info(`已提交审批：重置“${user.username}”的口令须由另一名管理员批准后生效`)
        onSaved(null)
      } else {
        onSaved({ username: user.username, displayName: user.displayName, password: r.oneTimePassword, why: '口令已重置，该账号现有登录已失效。本人用下面的一次性口令登录后，须先设置自己的口令。' })
      }
    } catch (e) {
      reportError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal open={user !== null} title={`重置口令：${user?.displayName ?? ''}（${user?.username ?? ''}）`} okText="重置" okButtonProps={{ danger: true }} onOk={submit} confirmLoading={busy} onCancel={onClose} destroyOnHidden>
      <Alert type="warning" showIcon title="重置后由系统生成一次性口令并只显示一次；该账号现有登录将失效，本人下次登录时须修改口令。系统、安全、审计管理员账号的重置须经另一名管理员批准。" />
    </Modal>
  )
}
