import { Button, Card, Col, Empty, Row, Space, Spin, Tag, Typography } from 'antd'
import { Route, Routes, useNavigate } from 'react-router'
import { Page, PageHeader } from '../../components/PageTable.js'
import { formatTime } from '../../lib/format.js'
import { useAsync } from '../../lib/use-async.js'
import { listWarnings } from './api.js'
import { BoardPage } from './BoardPage.js'
import { LevelTag } from '../../components/LevelTag.js'
import { AckProgress } from './WarningListPage.js'

/** Warnings in force, each a card leading to its board: where an officer starts a stormy night. */
function ActiveBoards() {
  const navigate = useNavigate()
  const active = useAsync((signal) => listWarnings({ status: 'issued', page: 1, pageSize: 50 }, signal), [])
  const items = active.data?.items ?? []
  return (
    <Page testId="boards-page">
      <PageHeader
        title="叫应看板"
        sub="正在生效的预警和通联演练，点击查看逐人叫应进度"
        extra={<Button onClick={() => navigate('/warnings')}>全部预警</Button>}
      />
      {active.loading && !active.data ? <Spin style={{ display: 'block', margin: 40 }} /> : items.length === 0 ? (
        <Empty description="当前没有生效的预警" />
      ) : (
        <Row gutter={[16, 16]}>
          {items.map((w) => (
            <Col key={w.id} xs={24} md={12} xl={8}>
              <Card hoverable size="small" onClick={() => navigate(`/boards/${w.id}`)} data-testid="board-card">
                <Space orientation="vertical" style={{ width: '100%' }}>
                  <Space wrap>
                    <LevelTag level={w.level} short />
                    {w.purpose === 'drill' && <Tag color="purple">演练</Tag>}
                    <Typography.Text strong>{w.headline}</Typography.Text>
                  </Space>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>{w.regionName} · 发布于 {formatTime(w.issuedAt)}</Typography.Text>
                  <AckProgress counts={w.counts} />
                </Space>
              </Card>
            </Col>
          ))}
        </Row>
      )}
    </Page>
  )
}

/** `/boards` lists the boards; `/boards/:id` is one warning's board (`?region=` drills down). */
export function BoardsPage() {
  return (
    <Routes>
      <Route index element={<ActiveBoards />} />
      <Route path=":id" element={<BoardPage />} />
    </Routes>
  )
}
