import { Alert, type App, type ButtonProps } from 'antd'
import { useEffect, useState } from 'react'
import { SKETCH_HINT } from '../../../domain/map/position-sources.js'
import { isApiError, reportError } from '../../lib/http.js'
import { countSketchVillages } from '../../lib/map-api.js'
import { submitWarning, type Warning } from './api.js'
import type { Shapes } from './geo.js'

/**
 * Villages with only a sketch position (示意, placed by the system near their township) inside a
 * warning's polygons and circles: the shape may reach the wrong village. The editor says how
 * many, and submitting asks for an explicit confirmation, which the server requires too
 * (acknowledgeSketchPositions).
 */

type Modal = ReturnType<typeof App.useApp>['modal']

const DEBOUNCE_MS = 400

export const sketchSentence = (n: number) => `目标范围内有 ${n} 个村（社区）只有示意位置，可能不准确`

/** The count for the shapes being drawn, asked after a pause; null until known or without shapes. */
export function useSketchCount(regionCode: string | undefined, shapes: Shapes | undefined): number | null {
  const [count, setCount] = useState<number | null>(null)
  const key = regionCode && shapes && (shapes.polygons.length > 0 || shapes.circles.length > 0)
    ? JSON.stringify({ regionCode, polygons: shapes.polygons, circles: shapes.circles }) : null
  useEffect(() => {
    setCount(null)
    if (!key) return
    const ac = new AbortController()
    const timer = setTimeout(() => {
      countSketchVillages(JSON.parse(key), ac.signal)
        .then((c) => { if (!ac.signal.aborted) setCount(c.sketchVillages) })
        .catch(() => {})
    }, DEBOUNCE_MS)
    return () => {
      clearTimeout(timer)
      ac.abort()
    }
  }, [key])
  return count
}

export function SketchNotice({ count }: { count: number | null }) {
  if (!count) return null
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="warning-sketch-notice"
      data-count={count}
      title={sketchSentence(count)}
      description={`${SKETCH_HINT}。圈定的多边形或圆形按村（社区）的位置决定谁收到预警，提交时需要您确认。`}
    />
  )
}

/** Asks the drafter to confirm that they know; true when they do. */
export function confirmSketch(modal: Modal, count: number): Promise<boolean> {
  return new Promise((resolve) => {
    modal.confirm({
      title: '圈定范围内有示意位置',
      content: <div data-testid="sketch-confirm">{sketchSentence(count)}：这些村的位置是系统自动摆放的，可能被错误地圈入或漏掉。确认仍按此范围提交？</div>,
      okText: '已知悉，仍然提交',
      okButtonProps: { 'data-testid': 'sketch-confirm-ok' } as ButtonProps,
      cancelText: '返回修改',
      onOk: () => resolve(true),
      onCancel: () => resolve(false),
    })
  })
}

/**
 * Submits a draft for approval, confirming sketch positions first when the count is known, and
 * again if the server finds some the editor did not know of (positions changed meanwhile).
 * Null when the drafter chose to go back.
 */
export async function submitConfirmingSketch(modal: Modal, w: Pick<Warning, 'id' | 'version'>, known: number | null): Promise<Warning | null> {
  if (known && !(await confirmSketch(modal, known))) return null
  try {
    return await submitWarning(w.id, w.version, Boolean(known), { quiet: true })
  } catch (e) {
    if (!isApiError(e, 'SKETCH_POSITIONS_UNCONFIRMED')) {
      reportError(e)
      throw e
    }
    const count = Number(e.details[0]?.value) || 0
    if (!(await confirmSketch(modal, count))) return null
    return submitWarning(w.id, w.version, true)
  }
}
