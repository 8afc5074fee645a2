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
        { key: 'range', label: '记录范围', children: r.firstId === null ? '—' : `#${r.firstId} 至 #${r.lastId}` },
        { key: 'alg', label: '算法', children: r.algorithm },
      ]}
    />
  )
}

/** Recomputes the hash chain on the server: an edited or deleted entry breaks it from there on. */
export function VerifyButton() {
  const { modal } = App.useApp()
  const [busy, setBusy] = useState(false)

  const run = async () => {
    setBusy(true)
    try {
      const r = await verifyAudit()
      if (r.ok) {
        modal.success({ title: '审计日志完整', content: <div data-testid="audit-verify-result">哈希链校验通过，未发现篡改或删除。{details(r)}</div>, width: 480 })
      } else {
        modal.error({
          title: '审计日志完整性校验未通过',
          content: (
            <div data-testid="audit-verify-result">
              第 #{r.brokenAt?.id} 条记录处校验失败：{r.brokenAt?.reason}。该条及之后的记录可能被篡改或删除，请立即报告安全管理员并保全数据库备份。
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
