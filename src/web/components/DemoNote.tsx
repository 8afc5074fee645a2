import { Alert } from 'antd'

/**
 * Above a roll-up or a statistic whose figures count demo rows (the reply's `includesDemo`): the
 * numbers are not the region's real ones until the demo is purged.
 */
export function DemoNote({ show }: { show: boolean | undefined }) {
  if (!show) return null
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 12 }}
      title="以下数字含演示数据（名称带“演示”的记录），并非本区划的真实情况；清除演示数据后即为真实统计。"
      data-testid="demo-note"
    />
  )
}
