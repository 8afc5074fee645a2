import type { App, ButtonProps } from 'antd'
import { mayIssue } from '../../../domain/warnings/approval.js'
import type { RegionLevel } from '../../../domain/regions/code.js'
import { isWarningLevel } from '../../../domain/warnings/levels.js'
import { toast } from '../../lib/feedback.js'
import { approveWarning, getWarning, previewRecipients, submitWarning, type Warning } from './api.js'
import { levelInfo } from './labels.js'
import { targetInput } from './target-input.js'
import { LevelTag } from './LevelTag.js'

type Modal = ReturnType<typeof App.useApp>['modal']

/** Whether this user may approve a warning of `level`; the server decides again. */
export function canIssueLevel(permissions: readonly string[], regionLevel: string, level: number): boolean {
  return permissions.includes('warnings.issue') && isWarningLevel(level) && mayIssue(regionLevel as RegionLevel, level)
}

/** Asks before anything goes out: the level and how many people it will reach, in one sentence. */
export function askToIssue(modal: Modal, w: { level: number; headline: string }, total: number | null): Promise<boolean> {
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

/** A draft or submitted warning through submit and approve, each at the version the last step returned. */
export async function issue(w: Pick<Warning, 'id' | 'status' | 'version'>): Promise<Warning> {
  let current = w
  if (current.status === 'draft') current = await submitWarning(current.id, current.version)
  const issued = await approveWarning(current.id, current.version)
  toast.success(`预警已发布${issued.identifier ? `，编号 ${issued.identifier}` : ''}`)
  return issued
}

/** From the list: read the warning, count its recipients, ask, issue. */
export async function reviewAndIssue(modal: Modal, id: number): Promise<Warning | null> {
  const w = await getWarning(id)
  const total = await previewRecipients({ regionCode: w.regionCode, target: targetInput(w.target) }).then((p) => p.total, () => null)
  if (!(await askToIssue(modal, w, total))) return null
  return issue(w)
}
