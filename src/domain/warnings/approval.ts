import { REGION_LEVEL_LABELS, type RegionLevel } from '../regions/code.js'
import { WARNING_LEVELS, type WarningLevel } from './levels.js'

/**
 * Who may approve and issue a warning (统一发布, 审批程序; 003 §八.1). A deployment sets its own
 * rules (系统设置 → 预警发布规则); without any, county and city bureaus issue any level,
 * townships only 三级/四级 for their own area, villages none. The route also requires the
 * `warnings.issue` permission and the warning inside the approver's jurisdiction.
 */

/**
 * One rule: a jurisdiction level may issue these warning levels, of these event types (empty:
 * every type). A jurisdiction may hold several rules, e.g. townships 三级/四级 of every type and
 * 二级 of 地质灾害 only.
 */
export type IssuingRule = {
  jurisdiction: RegionLevel
  levels: WarningLevel[]
  eventTypes: string[]
}

/** The deployment's rules and the four-eyes switch (stored in `setting`, key warning_issuing). */
export type IssuingPolicy = {
  /** The person who drafted, edited or submitted a warning may not approve it. */
  fourEyes: boolean
  /** Why four eyes was switched off (a deployment with a single duty officer); null while on. */
  fourEyesOffReason: string | null
  rules: IssuingRule[]
}

const ALL_LEVELS: WarningLevel[] = [1, 2, 3, 4]

/** Today's rule, the default of every deployment. */
export const DEFAULT_ISSUING_RULES: readonly IssuingRule[] = [
  { jurisdiction: 'province', levels: ALL_LEVELS, eventTypes: [] },
  { jurisdiction: 'city', levels: ALL_LEVELS, eventTypes: [] },
  { jurisdiction: 'county', levels: ALL_LEVELS, eventTypes: [] },
  { jurisdiction: 'township', levels: [3, 4], eventTypes: [] },
]

/** A rule as any side holds it (the API's levels are plain numbers). */
export type IssuingRuleLike = { jurisdiction: RegionLevel; levels: readonly number[]; eventTypes: readonly string[] }

export const DEFAULT_ISSUING_POLICY: IssuingPolicy = { fourEyes: true, fourEyesOffReason: null, rules: [...DEFAULT_ISSUING_RULES] }

/** Whether a jurisdiction of this level may issue a warning of `level` (and `eventType`, when given). */
export function mayIssue(
  jurisdictionLevel: RegionLevel, level: WarningLevel, eventType?: string | null, rules: readonly IssuingRuleLike[] = DEFAULT_ISSUING_RULES,
): boolean {
  return rules.some((r) => r.jurisdiction === jurisdictionLevel && r.levels.includes(level)
    && (r.eventTypes.length === 0 || (eventType != null && r.eventTypes.includes(eventType.trim()))))
}

const levelNames = (levels: readonly number[]) =>
  [...levels].sort((a, b) => a - b).map((l) => WARNING_LEVELS[l as WarningLevel]?.label ?? String(l)).join('、')

/** What a jurisdiction may issue under the rules, in words: "三级（黄色）、四级（蓝色）预警". */
export function describeIssuing(jurisdictionLevel: RegionLevel, rules: readonly IssuingRuleLike[]): string | null {
  const own = rules.filter((r) => r.jurisdiction === jurisdictionLevel && r.levels.length > 0)
  if (own.length === 0) return null
  return own.map((r) => `${levelNames(r.levels)}${r.eventTypes.length > 0 ? `的${r.eventTypes.join('、')}` : ''}预警`).join('；')
}

/** The refusal for a warning the jurisdiction may not issue, saying what it may. */
export function issuingRefusal(jurisdictionLevel: RegionLevel, level: number, eventType: string, rules: readonly IssuingRuleLike[]): string {
  const label = REGION_LEVEL_LABELS[jurisdictionLevel]
  const allowed = describeIssuing(jurisdictionLevel, rules)
  if (!allowed) return `${label}辖区不能审批发布预警，请提交上级审批`
  const levelLabel = WARNING_LEVELS[level as WarningLevel]?.label ?? String(level)
  const typed = rules.some((r) => r.jurisdiction === jurisdictionLevel && r.eventTypes.length > 0)
  return `${label}辖区只能审批发布${allowed}；${levelLabel}${typed ? eventType : ''}预警请提交上级审批`
}
