import { SafetyCertificateOutlined } from '@ant-design/icons'
import { App, Button, Descriptions } from 'antd'
import { useState } from 'react'
import { verifyAudit, type ChainCheck } from './api.js'

function details(r: ChainCheck) {
  return (
    <Descriptions
      size="small"
      column={1}
      style={{ marginTop: 12 }}
      items={[
        { key: 'n', label: '校验条数', children: r.checked },
        { key: 'range', label: '记录范围', children: r.firstId === null ? '—' : `第 ${r.firstId} 条至第 ${r.lastId} 条` },
      ]}
    />
  )
}

/**
 * Recomputes the hash chain on the server: an edited or deleted entry breaks it from there on.
 * The dialog says so in plain words; the algorithm stays in the API reply for those who check.
 */
export function VerifyButton() {
  const { modal } = App.useApp()
  const [busy, setBusy] = useState(false)

  const run = async () => {
    setBusy(true)
    try {
      const r = await verifyAudit()
      if (r.ok) {
        modal.success({ title: '审计日志完整', content: <div data-testid="audit-verify-result">逐条核对通过：每条记录都与写入时一致，前后衔接完整，未发现改动或删除。{details(r)}</div>, width: 480 })
      } else {
        modal.error({
          title: '审计日志完整性校验未通过',
          content: (
            <div data-testid="audit-verify-result">
              第 {r.brokenAt?.id} 条记录处核对未通过：{r.brokenAt?.reason}。该条及之后的记录可能被篡改或删除，请立即报告安全管理员并保全数据库备份。
              {details(r)}
            </div>
          ),
          width: 520,
        })
      }
    } catch {
      // shown by the http client
    } finally {
      setBusy(false)
    }
  }

  return (
    <Button icon={<SafetyCertificateOutlined />} loading={busy} onClick={run} data-testid="audit-verify">
      校验完整性
    </Button>
  )
}
