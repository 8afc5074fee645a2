import type { App, ButtonProps } from 'antd'
import { useEffect, useState } from 'react'
import { DEFAULT_ISSUING_POLICY, mayIssue, type IssuingRuleLike } from '../../../domain/warnings/approval.js'
import type { RegionLevel } from '../../../domain/regions/code.js'
import { isWarningLevel } from '../../../domain/warnings/levels.js'
import { toast } from '../../lib/feedback.js'
import { readIssuingSettings, type IssuingSettings } from '../../lib/issuing-settings-api.js'
import { approveWarning, getWarning, previewRecipients, submitWarning, type Warning } from './api.js'
import { levelInfo } from '../../lib/warning-labels.js'
import { targetInput } from './target-input.js'
import { LevelTag } from '../../components/LevelTag.js'
import { sketchSentence } from './sketch-positions.js'
import { countSketchVillages } from '../../lib/map-api.js'

type Modal = ReturnType<typeof App.useApp>['modal']

/**
 * Whether this user may approve a warning of `level` (and `eventType`) under the deployment's
 * rules (the defaults until they are loaded); the server decides again.
 */
export function canIssueLevel(
  permissions: readonly string[], regionLevel: string, level: number, eventType?: string | null, rules?: readonly IssuingRuleLike[],
): boolean {
  return permissions.includes('warnings.issue') && isWarningLevel(level) && mayIssue(regionLevel as RegionLevel, level, eventType, rules)
}

export type IssuingPolicyView = Pick<IssuingSettings, 'fourEyes' | 'rules'>

let issuing: Promise<IssuingPolicyView> | null = null

/** The deployment's issuing rules, read once a minute at most; the defaults if they cannot be read. */
export function useIssuingPolicy(): IssuingPolicyView {
  const [policy, setPolicy] = useState<IssuingPolicyView>(DEFAULT_ISSUING_POLICY)
  useEffect(() => {
    let live = true
    if (!issuing) {
      issuing = readIssuingSettings()
      setTimeout(() => { issuing = null }, 60_000)
    }
    issuing.then((p) => { if (live) setPolicy(p) }, () => { issuing = null })
    return () => { live = false }
  }, [])
  return policy
}

/** Four eyes: the user wrote some of this warning, so someone else must approve it. */
export function ownWarning(policy: IssuingPolicyView, userId: number, w: { createdBy: number | null; authors: readonly number[] }): boolean {
  return policy.fourEyes && (w.createdBy === userId || w.authors.includes(userId))
}

/**
 * Asks before anything goes out: the level and how many people it will reach, in one sentence;
 * and, for a draft whose shapes hold villages with only sketch positions, how many (confirming
 * this dialog acknowledges them).
 */
export function askToIssue(modal: Modal, w: { level: number; headline: string }, total: number | null, sketchVillages: number | null = null): Promise<boolean> {
  const info = levelInfo(w.level)
  const okProps: ButtonProps & { 'data-testid': string } = { danger: w.level <= 2, 'data-testid': 'issue-confirm-ok' }
  return new Promise((resolve) => {
    modal.confirm({
      title: `审批发布${info.short}预警？`,
      content: (
        <div data-testid="issue-confirm">
          <p><LevelTag level={w.level} /> {w.headline}</p>
          <p>
            {total === null ? '送达人数尚未估算出来。' : <>预计送达 <b>{total}</b> 人。</>}
            发布后立即逐人发送，并按叫应策略打电话、升级、生成上门叫应任务；发布后只能更新、撤销或解除。
          </p>
          {!!sketchVillages && <p data-testid="issue-confirm-sketch" style={{ color: '#d46b08' }}>{sketchSentence(sketchVillages)}（系统自动摆放的示意位置，可能被错误地圈入或漏掉）。</p>}
        </div>
      ),
      okText: `发布${info.short}预警`,
      okButtonProps: okProps,
      cancelText: '再看看',
      onOk: () => resolve(true),
      onCancel: () => resolve(false),
    })
  })
}

/**
 * A draft or submitted warning through submit and approve, each at the version the last step
 * returned. `acknowledgeSketchPositions`: the user was told of sketch positions inside the shapes.
 */
export async function issue(w: Pick<Warning, 'id' | 'status' | 'version'>, acknowledgeSketchPositions = false): Promise<Warning> {
  let current = w
  if (current.status === 'draft') current = await submitWarning(current.id, current.version, acknowledgeSketchPositions)
  const issued = await approveWarning(current.id, current.version)
  toast.success(`预警已发布${issued.identifier ? `，编号 ${issued.identifier}` : ''}`)
  return issued
}

/** From the list: read the warning, count its recipients, ask, issue. */
export async function reviewAndIssue(modal: Modal, id: number): Promise<Warning | null> {
  const w = await getWarning(id)
  const total = await previewRecipients({ regionCode: w.regionCode, target: targetInput(w.target) }).then((p) => p.total, () => null)
  // Only a draft is still submitted here; a submitted one was acknowledged by its drafter.
  const shapes = w.status === 'draft' && (w.target.polygons.length > 0 || w.target.circles.length > 0)
  const sketch = shapes
    ? await countSketchVillages({ regionCode: w.regionCode, polygons: w.target.polygons, circles: w.target.circles }).then((c) => c.sketchVillages, () => null)
    : 0
  if (!(await askToIssue(modal, w, total, sketch))) return null
  return issue(w, Boolean(sketch))
}
