import { ImportOutlined } from '@ant-design/icons'
import { App, Button, Upload } from 'antd'
import { useState } from 'react'
import { isApiError } from '../../lib/http.js'
import { toast } from '../../lib/feedback.js'
import { importCap, type Warning } from './api.js'

const MAX_BYTES = 1024 * 1024

/**
 * CAP 1.2 from an upstream feed (气象台, 水文站) becomes a draft to check, target and issue.
 * A refused file gets the server's reason in a dialog, since it usually names a line to fix.
 */
export function ImportCapButton({ onImported }: { onImported: (w: Warning) => void }) {
  const { modal } = App.useApp()
  const [busy, setBusy] = useState(false)

  const read = async (file: File) => {
    if (file.size > MAX_BYTES) {
      modal.error({ title: '无法导入', content: '文件超过 1 MB，不像一条 CAP 预警信息' })
      return
    }
    setBusy(true)
    try {
      const w = await importCap(await file.text())
      // A repeat or an attached update is news the officer must read, not a passing toast.
      if (w.imported.outcome === 'created') toast.success(w.imported.message)
      else modal.info({ title: w.imported.outcome === 'duplicate' ? '该报文已导入过' : '已关联到已有预警', content: w.imported.message })
      onImported(w)
    } catch (e) {
      modal.error({ title: '无法导入该 CAP 文件', content: isApiError(e) ? e.message : String(e) })
    } finally {
      setBusy(false)
    }
  }

  return (
    <Upload accept=".xml,application/xml,text/xml" showUploadList={false} beforeUpload={(f) => { void read(f); return false }}>
      <Button icon={<ImportOutlined />} loading={busy} data-testid="warning-import-cap">导入 CAP</Button>
    </Upload>
  )
}
