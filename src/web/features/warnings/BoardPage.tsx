import { ArrowLeftOutlined, ExportOutlined } from '@ant-design/icons'
import { Badge, Button, Card, Col, Empty, Result, Row, Space, Spin, Table, Tabs, Tag, Typography } from 'antd'
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useNavigate, useParams, useSearchParams } from 'react-router'
import { isWithin } from '../../../domain/regions/code.js'
import { Page } from '../../components/PageTable.js'
import { formatSeconds } from '../../lib/format.js'
import { useAsync } from '../../lib/use-async.js'
import { useMe } from '../../lib/session.js'
import { EChart } from '../../components/EChart.js'
import { RegionTrail } from '../../components/RegionTrail.js'
import { boardEventsUrl, capXmlUrl, fetchBoard, fetchVillages, getWarning, type Board, type Warning } from './api.js'
import { BoardNumbers } from './BoardNumbers.js'
import { barsHeight, confirmationCurve, levelBars, regionBars } from './board-charts.js'
import { CloseDialog, type Closing } from './CloseDialog.js'
import { canIssueLevel } from './issue.js'
import { channelLabel, formatDuration } from '../../lib/warning-labels.js'
import { LevelTag, StatusTag } from '../../components/LevelTag.js'
import { RecipientDrawer } from './RecipientDrawer.js'
import { RecipientsTable } from './RecipientsTable.js'
import { SilentTable } from './SilentTable.js'
import { BoardTimeline } from './BoardTimeline.js'
import { UpdateDialog } from './UpdateDialog.js'
import { throttle } from '../../lib/throttle.js'
import { useEventStream } from './use-event-stream.js'
import './warnings.css'

const VillageMap = lazy(() => import('./VillageMap.js').then((m) => ({ default: m.VillageMap })))

/** Counts refresh at most this often however fast confirmations arrive. */
const COUNTS_EVERY_MS = 1000
/** Lists, map and timeline refresh more slowly: they are heavier and change less visibly. */
const LISTS_EVERY_MS = 4000
/** Without the live stream (a proxy that buffers it), the board still moves by polling. */
const POLL_MS = 5000

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!active) return
    const t = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(t)
  }, [active])
  return now
}

function ChannelTable({ rows }: { rows: Board['channels'] }) {
  return (
    <Table
      rowKey="channel"
      size="small"
      bordered
      pagination={false}
      dataSource={rows}
      data-testid="board-channels"
      columns={[
        { title: '渠道', dataIndex: 'channel', render: (v: string) => channelLabel(v) },
        { title: '排队', dataIndex: 'queued', align: 'right' },
        { title: '已发送', dataIndex: 'sent', align: 'right' },
        { title: '已送达', dataIndex: 'delivered', align: 'right' },
        { title: '失败', dataIndex: 'failed', align: 'right', render: (v: number) => (v > 0 ? <Typography.Text type="danger">{v}</Typography.Text> : v) },
        { title: '已确认', dataIndex: 'acknowledged', align: 'right' },
      ]}
    />
  )
}

function BoardHeader({ warning, board, live, onUpdate, onClose }: {
  warning: Warning
  board: Board | null
  live: boolean
  onUpdate: () => void
  onClose: (kind: Closing['kind']) => void
}) {
  const me = useMe()
  const navigate = useNavigate()
  const issuedAt = board?.issuedAt ?? warning.issuedAt
  const running = warning.status === 'issued' && !board?.fullyConfirmedAt
  const now = useNow(running)
  const until = board?.fullyConfirmedAt ? Date.parse(board.fullyConfirmedAt) : warning.endedAt ? Date.parse(warning.endedAt) : now
  const elapsed = issuedAt ? (until - Date.parse(issuedAt)) / 1000 : null
  const mayIssue = canIssueLevel(me.permissions, me.regionLevel, warning.level)
  const color = warning.level === 3 ? '#d4b106' : undefined

  return (
    <div className="sw-board-head" style={{ borderLeftColor: color ?? undefined }} data-level={warning.level} data-testid="board-header">
      <div className="sw-board-title">
        <Button type="text" icon={<ArrowLeftOutlined />} aria-label="返回" onClick={() => navigate(-1)} />
        <LevelTag level={warning.level} />
        {warning.purpose === 'drill' && <Tag color="purple">通联演练</Tag>}
        <Typography.Title level={4} style={{ margin: 0 }}>{warning.headline}</Typography.Title>
        <StatusTag status={board?.status ?? warning.status} />
        <Badge status={live ? 'processing' : 'default'} text={live ? '实时' : '连接中'} data-testid="board-live" />
      </div>
      <div className="sw-board-meta">
        <span>编号 {warning.identifier ?? '—'}{warning.revision > 1 ? `（第 ${warning.revision} 版）` : ''}</span>
        <span>发布 {formatSeconds(issuedAt)}</span>
        <span>已用时 <b className="sw-num" data-testid="board-elapsed">{formatDuration(elapsed)}</b></span>
        <span>
          全部确认用时{' '}
          <b className="sw-num" data-testid="board-to-full">{board?.secondsToFull !== null && board?.secondsToFull !== undefined ? formatDuration(board.secondsToFull) : '尚未全部确认'}</b>
        </span>
        <span>{warning.senderName}</span>
      </div>
      <Space wrap className="sw-board-actions">
        {warning.identifier && warning.purpose === 'warning' && (
          <Button size="small" icon={<ExportOutlined />} href={capXmlUrl(warning.id)} download={`${warning.identifier}.xml`}>导出 CAP</Button>
        )}
        {warning.status === 'issued' && mayIssue && warning.purpose === 'warning' && (
          <>
            <Button size="small" onClick={onUpdate} data-testid="board-update">更新</Button>
            <Button size="small" onClick={() => onClose('end')} data-testid="board-end">解除</Button>
            <Button size="small" danger onClick={() => onClose('cancel')} data-testid="board-cancel">撤销</Button>
          </>
        )}
      </Space>
    </div>
  )
}

/**
 * 叫应看板: the warning's officer watches confirmations arrive, per level and per region, sees
 * who is still silent, and opens any person's every attempt. Server-sent events drive it; each
 * event is a cue to refetch, throttled, so a burst of a thousand confirmations is a few requests.
 */
export function BoardPage() {
  const { id } = useParams()
  const warningId = Number(id)
  const navigate = useNavigate()
  const [params, setParams] = useSearchParams()
  const region = params.get('region') ?? undefined
  const [tick, setTick] = useState(0)
  const warning = useAsync(() => getWarning(warningId), [warningId, Math.floor(tick / 3)])
  const [board, setBoard] = useState<Board | null>(null)
  const villages = useAsync((signal) => fetchVillages(warningId, signal), [warningId, tick])
  const [person, setPerson] = useState<number | null>(null)
  const [closing, setClosing] = useState<Closing | null>(null)
  const [updating, setUpdating] = useState(false)

  // Answers may come back out of order; only the latest request's answer is shown.
  const seq = useRef(0)
  const loadBoard = useCallback(() => {
    const mine = ++seq.current
    fetchBoard(warningId, region).then((b) => { if (mine === seq.current) setBoard(b) }).catch(() => {})
  }, [warningId, region])
  useEffect(() => loadBoard(), [loadBoard])

  const loadRef = useRef(loadBoard)
  loadRef.current = loadBoard
  const counts = useMemo(() => throttle(() => loadRef.current(), COUNTS_EVERY_MS), [])
  const lists = useMemo(() => throttle(() => setTick((t) => t + 1), LISTS_EVERY_MS), [])
  useEffect(() => () => { counts.cancel(); lists.cancel() }, [counts, lists])

  const stream = useEventStream(Number.isFinite(warningId) ? boardEventsUrl(warningId) : null, () => {
    counts.call()
    lists.call()
  })
  const live = stream === 'open'
  useEffect(() => {
    if (live) return
    const t = setInterval(() => { counts.call(); lists.call() }, POLL_MS)
    return () => clearInterval(t)
  }, [live, counts, lists])

  const w = warning.data
  if (!Number.isFinite(warningId)) return <Result status="404" title="没有这条预警" />
  if (!w) {
    return warning.loading
      ? <Spin style={{ display: 'block', margin: '80px auto' }} />
      : <Result status="404" title="没有这条预警" subTitle="它不存在，或不在您的辖区内。" extra={<Button onClick={() => navigate('/warnings')}>返回预警列表</Button>} />
  }
  if (w.status === 'draft' || w.status === 'submitted') {
    return <Result status="info" title="该预警尚未发布" subTitle="发布后这里显示逐人叫应进度。" extra={<Button onClick={() => navigate('/warnings')}>返回预警列表</Button>} />
  }

  const drill = (code: string) => setParams(code === w.regionCode || !isWithin(code, w.regionCode) ? {} : { region: code })
  const byRegion = board ? regionBars(board.byRegion) : null
  // The list is fetched again whenever the counts move: its total is always the board's 未叫醒.
  const silentRefresh = board ? `${board.totals.silent}:${board.totals.acknowledged}:${board.totals.recipients}:${tick}` : ''

  return (
    <Page testId="board-page">
      <BoardHeader warning={w} board={board} live={live} onUpdate={() => setUpdating(true)} onClose={(kind) => setClosing({ kind, warning: w })} />
      {!board ? <Spin style={{ display: 'block', margin: 40 }} /> : (
        <>
          <Row gutter={[16, 16]}>
            <Col xs={24} xxl={17}>
              <BoardNumbers totals={board.totals} percent={board.confirmedPercent} drill={w.purpose === 'drill'} />
              <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
                <Col xs={24} lg={10}>
                  <Card size="small" title="按层级">
                    <EChart option={levelBars(board.byLevel)} height={barsHeight(board.byLevel.length)} data-testid="board-by-level" />
                  </Card>
                </Col>
                <Col xs={24} lg={14}>
                  <Card size="small" title="按区划（点击下钻）">
                    <RegionTrail code={region ?? w.regionCode} onPick={(code) => drill(code)} />
                    {byRegion && byRegion.codes.length > 0 ? (
                      <EChart
                        option={byRegion.option}
                        height={barsHeight(byRegion.codes.length)}
                        onClick={(e) => { const code = byRegion.codes[e.dataIndex]; if (code) drill(code) }}
                        data-testid="board-by-region"
                      />
                    ) : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="该区划没有下级接收人" />}
                  </Card>
                </Col>
                <Col xs={24}>
                  <Card size="small" title="确认进度（自发布起）">
                    <EChart option={confirmationCurve(board.curve)} height={220} data-testid="board-curve" />
                  </Card>
                </Col>
              </Row>
            </Col>
            <Col xs={24} xxl={7}>
              <Card size="small" title="过程记录" styles={{ body: { maxHeight: 520, overflow: 'auto' } }}>
                <BoardTimeline items={board.timeline} />
              </Card>
            </Col>
          </Row>
          <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
            <Col xs={24} xl={14}>
              <Card size="small" title={<span>未叫醒名单 <Tag color={board.totals.silent > 0 ? 'red' : 'green'} data-testid="board-silent-tag">{board.totals.silent} 人</Tag></span>}>
                <SilentTable warningId={warningId} refresh={silentRefresh} onOpen={setPerson} />
              </Card>
            </Col>
            <Col xs={24} xl={10}>
              <Card size="small" title="村（社区）确认情况">
                <Suspense fallback={<Spin style={{ display: 'block', margin: 40 }} />}>
                  <VillageMap villages={villages.data ?? []} />
                </Suspense>
              </Card>
            </Col>
          </Row>
          <Tabs
            style={{ marginTop: 16 }}
            items={[
              { key: 'recipients', label: '接收人', children: <RecipientsTable warningId={warningId} region={region} tick={tick} /> },
              { key: 'channels', label: '按渠道', children: <ChannelTable rows={board.channels} /> },
            ]}
          />
        </>
      )}
      <RecipientDrawer warningId={warningId} personId={person} onClose={() => setPerson(null)} tick={tick} />
      <UpdateDialog warning={updating ? w : null} onClose={() => setUpdating(false)} onDone={() => { setUpdating(false); warning.reload(); loadBoard() }} />
      <CloseDialog closing={closing} onClose={() => setClosing(null)} onDone={() => { setClosing(null); warning.reload(); loadBoard() }} />
    </Page>
  )
}
