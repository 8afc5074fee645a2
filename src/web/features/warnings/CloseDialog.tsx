import { toast } from '../../lib/feedback.js'
import { cancelWarning, endWarning, type Warning } from './api.js'
import { ReasonDialog } from './ReasonDialog.js'

export type Closing = { kind: 'cancel' | 'end'; warning: Warning }

/** 撤销 (issued in error) or 解除 (all-clear): the ladder stops and everyone is told why. */
export function CloseDialog({ closing, onClose, onDone }: { closing: Closing | null; onClose: () => void; onDone: () => void }) {
  const cancel = closing?.kind === 'cancel'
  return (
    <ReasonDialog
      open={closing !== null}
      title={cancel ? '撤销预警' : '解除预警'}
      label={cancel ? '撤销原因' : '解除说明'}
      okText={cancel ? '撤销预警' : '解除预警'}
      danger={cancel}
      description={cancel
        ? '撤销表示该预警发错或不再成立：停止叫应，并通知全部接收人预警已撤销。'
        : '解除表示险情结束：停止叫应，并通知全部接收人预警已解除。'}
      onCancel={onClose}
      onSubmit={async (reason) => {
        if (!closing) return
        const { kind, warning } = closing
        await (kind === 'cancel' ? cancelWarning : endWarning)(warning.id, warning.version, reason)
        toast.success(kind === 'cancel' ? '预警已撤销，正在通知接收人' : '预警已解除，正在通知接收人')
        onDone()
      }}
    />
  )
}
