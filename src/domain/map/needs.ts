/**
 * Needs of the "nearest sufficient resources" search (就近调配): what a commander asks for at a
 * place — 冲锋舟 ≥ 5 艘, 救生衣 ≥ 200 件, a 防汛 team of ≥ 30 people, shelter for 500 people.
 */

/**
 * Supply and equipment lines. `name` matches every line whose name CONTAINS it after trimming
 * (冲锋舟 finds 冲锋舟 and 冲锋舟（充气）): ledgers write one item many ways, and a commander would
 * rather see one line too many than miss a boat. `classCode` matches the class and its subclasses.
 * Without `unit` every unit counts; with it only lines in that unit.
 */
export type SupplyNeed = {
  type: 'supply'
  name?: string
  classCode?: string
  quantity: number
  unit?: string
  /** 'good' (default): only 完好 lines; 'any': 待修 too. 报废 never counts. */
  condition?: SupplyNeedCondition
}
export type TeamNeed = { type: 'team'; speciality?: string; minHeadcount?: number }
export type ShelterNeed = { type: 'shelter'; capacity: number }
export type Need = SupplyNeed | TeamNeed | ShelterNeed
export type NeedType = Need['type']

export const NEED_TYPES = { supply: '物资装备', team: '救援队伍', shelter: '避难场所' } as const satisfies Record<NeedType, string>
export const SUPPLY_NEED_CONDITIONS = { good: '仅完好', any: '完好及待修' } as const
export type SupplyNeedCondition = keyof typeof SUPPLY_NEED_CONDITIONS

/** How much a need asks for, in the unit its holdings are summed in: a team need wants one team. */
export function neededAmount(need: Need): number {
  switch (need.type) {
    case 'supply': return need.quantity
    case 'team': return 1
    case 'shelter': return need.capacity
  }
}

/**
 * The need in one Chinese phrase: 冲锋舟 ≥ 5 艘, 防汛队伍 1 支（≥ 30 人）, 避难场所 可容纳 ≥ 500 人.
 * `className` names a class-code need that has no item name.
 */
export function describeNeed(need: Need, className?: string): string {
  switch (need.type) {
    case 'supply': {
      const what = need.name?.trim() || className || (need.classCode ? `分类 ${need.classCode}` : '物资')
      const unit = need.unit?.trim() ? ` ${need.unit.trim()}` : ''
      const condition = need.condition === 'any' ? '（含待修）' : ''
      return `${what} ≥ ${need.quantity}${unit}${condition}`
    }
    case 'team': {
      const headcount = need.minHeadcount ? `（≥ ${need.minHeadcount} 人）` : ''
      return `${need.speciality?.trim() ?? ''}救援队伍 1 支${headcount}`
    }
    case 'shelter':
      return `避难场所 可容纳 ≥ ${need.capacity} 人`
  }
}

/** "Still missing" as a phrase, for a list row of an unmet need: 还差 3 艘. */
export function describeShortfall(need: Need, shortfall: number): string {
  switch (need.type) {
    case 'supply': return `还差 ${shortfall}${need.unit?.trim() ? ` ${need.unit.trim()}` : ''}`
    case 'team': return '范围内没有符合条件的队伍'
    case 'shelter': return `还差 ${shortfall} 人的容量`
  }
}
