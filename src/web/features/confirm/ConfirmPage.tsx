import { CheckCircleFilled } from '@ant-design/icons'
import { Alert, Button, Result, Spin } from 'antd'
import dayjs from 'dayjs'
import { useEffect, useState } from 'react'
import { useParams } from 'react-router'
import { WARNING_STATUSES } from '../../../domain/warnings/levels.js'
import { ApiError, isApiError } from '../../lib/http.js'
import { levelInfo, levelTextColor } from '../../lib/warning-labels.js'
import { fetchConfirm, postConfirm, type ConfirmView } from './api.js'
import './confirm.css'

type State =
  | { status: 'loading' }
  | { status: 'failed'; error: ApiError }
  | { status: 'ready'; view: ConfirmView }

const time = (v: string | null | undefined) => (v ? dayjs(v).format('M月D日 HH:mm') : '')

/** Why the link does not work, in words for a village cadre rather than an engineer. */
function Failure({ error }: { error: ApiError }) {
  const expired = error.status === 410
  const offline = error.status === 0 || error.status >= 500
  return (
    <div className="sw-confirm-message" data-testid="confirm-failed" data-status={error.status}>
      <Result
        status={offline ? 'warning' : 'error'}
        title={expired ? '链接已过期' : offline ? '暂时无法连接' : '链接无效'}
        subTitle={
          <>
            <div>{error.message}</div>
            <div style={{ marginTop: 8 }}>
              {offline ? '请稍后重新打开此链接，或回复短信“1”确认收到。' : '请回复短信“1”确认收到，或直接联系发布单位值班电话。'}
            </div>
          </>
        }
        extra={offline ? <Button onClick={() => window.location.reload()}>重试</Button> : undefined}
      />
    </div>
  )
}

/**
 * The page a confirm link opens (/c/:token), on any phone, without logging in: what the warning
 * says and one big 已收到 button. The token alone says who and which warning.
 */
export function ConfirmPage() {
  const { token = '' } = useParams()
  const [state, setState] = useState<State>({ status: 'loading' })
  const [sending, setSending] = useState(false)
  const [sendError, setSendError] = useState<string | null>(null)

  useEffect(() => {
    document.title = '预警确认 · 守望'
    fetchConfirm(token)
      .then((view) => setState({ status: 'ready', view }))
      .catch((e: unknown) => setState({ status: 'failed', error: isApiError(e) ? e : new ApiError(0, 'NETWORK', '无法连接服务器') }))
  }, [token])

  const confirm = async () => {
    if (state.status !== 'ready') return
    setSending(true)
    setSendError(null)
    try {
      await postConfirm(token)
      // The server's record says when (and, if the warning closed meanwhile, that it did).
      const fresh = await fetchConfirm(token).catch(() => null)
      setState({
        status: 'ready',
        view: fresh ?? { ...state.view, state: 'acknowledged', acknowledgedAt: state.view.acknowledgedAt ?? new Date().toISOString() },
      })
    } catch (e) {
      if (isApiError(e) && (e.status === 410 || e.status === 400)) setState({ status: 'failed', error: e })
      else setSendError(isApiError(e) ? e.message : '提交失败，请重试')
    } finally {
      setSending(false)
    }
  }

  if (state.status === 'loading') return <Spin fullscreen description="正在打开预警…" />
  if (state.status === 'failed') {
    return <div className="sw-confirm"><div className="sw-confirm-card"><Failure error={state.error} /></div></div>
  }

  const { view } = state
  const w = view.warning
  const info = levelInfo(w.level)
  const closed = w.status === 'cancelled' || w.status === 'ended'
  const done = view.state === 'acknowledged'

  return (
    <div className="sw-confirm" data-testid="confirm-page">
      <div className="sw-confirm-card">
        <div className="sw-confirm-band" style={{ background: info.color, color: levelTextColor(w.level) }} data-testid="confirm-level" data-level={w.level}>
          <div className="sw-confirm-band-level">{info.short}预警</div>
          <div className="sw-confirm-band-type">{w.purpose === 'drill' ? '通联演练 · ' : ''}{w.eventType} · {info.label}</div>
        </div>
        <div className="sw-confirm-body">
          {closed && (
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 12 }}
              title={`该预警${(WARNING_STATUSES as Record<string, string>)[w.status]}，无需再确认。`}
            />
          )}
          <h1 className="sw-confirm-headline" data-testid="confirm-headline">{w.headline}</h1>
          {/* Where and when first, then what to do: the SMS carried only the title and this link. */}
          <dl className="sw-confirm-facts">
            <dt>影响范围</dt>
            <dd data-testid="confirm-area">{w.areaDesc}</dd>
            <dt>起止时间</dt>
            <dd data-testid="confirm-period">{time(w.onset)} 起，{w.expires ? `至 ${time(w.expires)}` : '直至解除'}</dd>
          </dl>
          <section className="sw-confirm-section sw-confirm-todo">
            <h2>应当采取的措施</h2>
            <p data-testid="confirm-instruction">{w.instruction}</p>
          </section>
          <section className="sw-confirm-section">
            <h2>警示事项</h2>
            <p>{w.description}</p>
          </section>
          <div className="sw-confirm-time">{w.senderName} · 发布时间：{time(w.issuedAt) || '—'}</div>
        </div>
        {!closed && (
          <div className="sw-confirm-action">
            {done ? (
              <div className="sw-confirm-done" data-testid="confirm-done">
                <div className="sw-confirm-done-mark"><CheckCircleFilled /> 已确认</div>
                <div className="sw-confirm-time">{view.personName}，您已于 {time(view.acknowledgedAt)} 确认收到</div>
              </div>
            ) : (
              <>
                <div className="sw-confirm-who">{view.personName}，请阅读后点击确认</div>
                {sendError && <Alert type="error" showIcon style={{ marginBottom: 10 }} title={sendError} />}
                <Button type="primary" className="sw-confirm-button" loading={sending} onClick={() => void confirm()} data-testid="confirm-button">
                  已收到
                </Button>
              </>
            )}
          </div>
        )}
      </div>
    </div>
  )
}
