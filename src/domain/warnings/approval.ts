import type { RegionLevel } from '../regions/code.js'
import type { WarningLevel } from './levels.js'

/**
 * Who may approve and issue a warning of a given level (统一发布, 审批程序; 003 §八.1): county and
 * city bureaus any level, townships only 三级/四级 for their own area, villages none. The route
 * also requires the `warnings.issue` permission and the warning inside the approver's jurisdiction.
 */
export const ISSUE_LEVELS_BY_JURISDICTION: Record<RegionLevel, readonly WarningLevel[]> = {
  province: [1, 2, 3, 4],
  city: [1, 2, 3, 4],
  county: [1, 2, 3, 4],
  township: [3, 4],
  village: [],
}

export function mayIssue(jurisdictionLevel: RegionLevel, level: WarningLevel): boolean {
  return ISSUE_LEVELS_BY_JURISDICTION[jurisdictionLevel].includes(level)
}
