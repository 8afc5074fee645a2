import { CheckOutlined } from '@ant-design/icons'
import { Alert, Button, Card, Empty, List, Space, Tag, Typography } from 'antd'
import { useState } from 'react'
import { useNavigate } from 'react-router'
import { Page, PageHeader } from '../../components/PageTable.js'
import { toast } from '../../lib/feedback.js'
import { formatTime } from '../../lib/format.js'
import { useAsync } from '../../lib/use-async.js'
import { useCan } from '../../lib/session.js'
import { statusLabel } from '../../lib/warning-labels.js'
import { LevelTag } from '../../components/LevelTag.js'
import { ackInbox, fetchInbox, type InboxItem } from './api.js'
import { useUnread } from '../../shell/UnreadBadge.js'
import { refreshUnread } from '../../shell/unread.js'

const PAGE_SIZE = 20

/**
 * 我的消息: warnings sent to the signed-in person. 确认收到 here counts the same as the SMS link
 * or a reply; new messages appear as they arrive.
 */
export function InboxPage() {
  const can = useCan()
  const navigate = useNavigate()
  const unread = useUnread()
  const [page, setPage] = useState(1)
  const [acking, setAcking] = useState<number | null>(null)
  // The unread count moves with every new or confirmed message: the list follows it.
  const { data: reply, loading, reload } = useAsync((signal) => fetchInbox({ page, pageSize: PAGE_SIZE }, signal), [page, unread])

  const ack = async (item: InboxItem) => {
    setAcking(item.deliveryId)
    try {
      const r = await ackInbox(item.deliveryId)
      toast.success(r.outcome === 'closed' ? '该预警已撤销或解除，无需再确认' : '已确认收到')
      refreshUnread()
      reload()
    } catch {
      // shown by the http client
    } finally {
      setAcking(null)
    }
  }

  return (
    <Page testId="inbox-page">
      <PageHeader title="我的消息" sub={reply ? `未确认 ${reply.unread} 条` : '发给您本人的预警和演练消息'} />
      {reply?.notice && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={reply.notice} />}
      <List<InboxItem>
        loading={loading && !reply}
        dataSource={reply?.items ?? []}
        locale={{ emptyText: <Empty description="暂无消息" /> }}
        pagination={reply && reply.total > PAGE_SIZE ? { current: page, pageSize: PAGE_SIZE, total: reply.total, onChange: setPage, size: 'small' } : false}
        renderItem={(m) => (
          <List.Item key={m.deliveryId} data-testid="inbox-item" data-acknowledged={m.acknowledged} data-warning={m.warningId}>
            <Card size="small" style={{ width: '100%', borderLeft: m.needsAck ? '3px solid #fa8c16' : undefined }}>
              <Space orientation="vertical" style={{ width: '100%' }}>
                <Space wrap>
                  <LevelTag level={m.level} short />
                  <Typography.Text strong>{m.subject || m.headline}</Typography.Text>
                  {m.purpose === 'drill' && <Tag color="purple">通联演练</Tag>}
                  {m.acknowledged
                    ? <Tag color="success">已确认{m.acknowledgedAt ? ` ${formatTime(m.acknowledgedAt)}` : ''}</Tag>
                    : m.needsAck ? <Tag color="warning">未确认</Tag> : <Tag>{statusLabel(m.status)}</Tag>}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>{formatTime(m.sentAt)}</Typography.Text>
                </Space>
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{m.text}</Typography.Paragraph>
                <Space>
                  {m.needsAck && (
                    <Button type="primary" icon={<CheckOutlined />} loading={acking === m.deliveryId} onClick={() => void ack(m)} data-testid="inbox-ack">
                      确认收到
                    </Button>
                  )}
                  {m.link && <Button onClick={() => navigate(m.link!)} data-testid="inbox-escalation-list">查看名单及电话</Button>}
                  {can('warnings.read') && <Button type="link" onClick={() => navigate(`/boards/${m.warningId}`)}>叫应看板</Button>}
                </Space>
              </Space>
            </Card>
          </List.Item>
        )}
      />
    </Page>
  )
}
