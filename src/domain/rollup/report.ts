/**
 * What the 到期与状态 and 数据新鲜度 pages call their figures, and how they judge them: the page
 * and its exported report read the same words and the same arithmetic here.
 */

export type AttentionCountKey =
  | 'expiredSupplies' | 'expiringSupplies' | 'repair' | 'scrapped' | 'maintenanceDue'
  | 'agreementsEnded' | 'agreementsEnding' | 'teamsBelowMinimum' | 'teamsUninsured' | 'stale'

/** Count cards in page order: label, and whether a non-zero count is an alarm (red) or a reminder (orange). */
export const ATTENTION_COUNTS: Array<{ key: AttentionCountKey; title: string; alarm?: boolean }> = [
  { key: 'expiredSupplies', title: '已过期物资', alarm: true },
  { key: 'expiringSupplies', title: '即将到期物资' },
  { key: 'repair', title: '待修物资装备' },
  { key: 'scrapped', title: '已报废（待处置）' },
  { key: 'maintenanceDue', title: '应保养装备' },
  { key: 'agreementsEnded', title: '已到期保供协议', alarm: true },
  { key: 'agreementsEnding', title: '即将到期保供协议' },
  { key: 'teamsBelowMinimum', title: '人数不足的队伍', alarm: true },
  { key: 'teamsUninsured', title: '未投保或保险到期的队伍' },
  { key: 'stale', title: '超期未确认的记录' },
]

/** Share confirmed within the period, in whole percent; an empty set counts as fully fresh rather than 0 %. */
export function freshPercent(records: number, stale: number): number {
  return records === 0 ? 100 : Math.round(((records - stale) / records) * 100)
}

/** “已过期 3 天”, “今天到期”, “12 天后”: how a days-left figure reads. */
export function daysLeftText(days: number): string {
  return days < 0 ? `已过期 ${-days} 天` : days === 0 ? '今天到期' : `${days} 天后`
}
