import { DownloadOutlined } from '@ant-design/icons'
import { Button } from 'antd'
import { useState } from 'react'
import { downloadWorkbook } from '../../lib/download.js'

type Props = {
  /** The export route with the page's current filters. */
  url: string
  fallbackName: string
  testId?: string
}

/**
 * 导出: the table the page shows, with its current filters, as a workbook for a 通报 or an upward
 * report. The server builds it from the same query as the page and audits it.
 */
export function ExportButton({ url, fallbackName, testId }: Props) {
  const [busy, setBusy] = useState(false)
  const run = async () => {
    setBusy(true)
    try {
      await downloadWorkbook(url, fallbackName)
    } catch {
      // shown by downloadWorkbook
    } finally {
      setBusy(false)
    }
  }
  return (
    <Button icon={<DownloadOutlined />} loading={busy} onClick={() => void run()} data-testid={testId ?? 'rollup-export'}>
      导出
    </Button>
  )
}
