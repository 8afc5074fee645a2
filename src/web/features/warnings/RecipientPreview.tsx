import { REGION_LEVEL_LABELS } from '../../../domain/regions/code.js'
import { Alert, Space, Spin, Tag, Typography } from 'antd'
import { useEffect, useState } from 'react'
import { isApiError } from '../../lib/http.js'
import { previewRecipients, type Preview, type TargetInput } from './api.js'

const DEBOUNCE_MS = 400

type State = { status: 'idle' } | { status: 'loading'; last?: Preview } | { status: 'done'; preview: Preview } | { status: 'error'; message: string }

/**
 * Who the warning would reach, asked of the server after a pause in editing: the same
 * resolution the fan-out uses, so the number an officer approves is the number that goes out.
 */
function isEmpty(t: TargetInput): boolean {
  return !t.regions?.length && !t.polygons?.length && !t.circles?.length && !t.groupIds?.length
}

export function usePreview(regionCode: string | undefined, target: TargetInput | undefined): State {
  const [state, setState] = useState<State>({ status: 'idle' })
  const key = regionCode && target && !isEmpty(target) ? JSON.stringify({ regionCode, target }) : null

  useEffect(() => {
    if (!key) {
      setState({ status: 'idle' })
      return
    }
    const ac = new AbortController()
    setState((s) => ({ status: 'loading', last: s.status === 'done' ? s.preview : s.status === 'loading' ? s.last : undefined }))
    const timer = setTimeout(() => {
      previewRecipients(JSON.parse(key), ac.signal)
        .then((preview) => { if (!ac.signal.aborted) setState({ status: 'done', preview }) })
        .catch((e: unknown) => {
          if (!ac.signal.aborted) setState({ status: 'error', message: isApiError(e) ? e.message : '无法估算送达人数' })
        })
    }, DEBOUNCE_MS)
    return () => {
      clearTimeout(timer)
      ac.abort()
    }
  }, [key])

  return state
}

export function previewTotal(state: State): number | null {
  if (state.status === 'done') return state.preview.total
  if (state.status === 'loading' && state.last) return state.last.total
  return null
}

export function RecipientPreview({ state }: { state: State }) {
  if (state.status === 'idle') {
    return <Alert type="info" showIcon title="请选择预警范围（区划、地图圈定或联动工作群），将显示预计送达人数" />
  }
  if (state.status === 'error') return <Alert type="error" showIcon title={state.message} />
  const p = state.status === 'done' ? state.preview : state.last
  if (!p) return <Alert type="info" showIcon title={<Space><Spin size="small" />正在估算送达人数…</Space>} />
  const levels = (['county', 'township', 'village', 'city'] as const)
    .map((l) => [REGION_LEVEL_LABELS[l], p.byLevel[l]] as const).filter(([, n]) => n > 0)
  return (
    <Alert
      type={p.total === 0 ? 'warning' : 'success'}
      showIcon
      data-testid="warning-preview"
      data-total={p.total}
      data-loading={state.status === 'loading'}
      title={
        <Space wrap>
          <Typography.Text strong>预计送达 <span className="sw-num" data-testid="warning-preview-total">{p.total}</span> 人</Typography.Text>
          {levels.map(([label, n]) => <Tag key={label}>{label} {n}</Tag>)}
          {state.status === 'loading' && <Spin size="small" />}
        </Space>
      }
      description={
        <>
          {p.total === 0 && <div>所选范围内没有符合角色的责任人，请调整范围或角色。</div>}
          {p.withoutMobile > 0 && <div>其中 {p.withoutMobile} 人没有登记手机号码，只能通过系统消息等方式收到。</div>}
          {p.groups.length > 0 && <div>联动工作群：{p.groups.map((g) => `${g.name} ${g.count} 人`).join('，')}</div>}
        </>
      }
    />
  )
}
