import type { HAZARD_TYPES } from './kinds.js'

/**
 * Which supplies a place must hold for the hazards it has (应排尽排: a township with a 山洪 risk
 * point and no life jackets is a gap). This is a default checklist from practice — seed 000 §一
 * names 防汛防台、森林防灭火、雨雪冰冻 as the work the lists serve — not a national standard, so a
 * deployment may change it here. Hazard types without a group (道路交通, 其他, …) require nothing.
 *
 * Items are matched by name keywords, the way ledgers write them: a supply line satisfies an item
 * when its name contains any keyword, its quantity is above zero and it is not scrapped (报废).
 */
export type SupplyNeed = {
  /** What users read when the item is missing. */
  label: string
  anyOf: string[]
}

export type HazardType = (typeof HAZARD_TYPES)[number]

export type HazardNeedGroup = {
  /** Names the shortfall: 缺防汛物资：救生衣、抽水泵. */
  group: string
  hazards: HazardType[]
  items: SupplyNeed[]
}

export const HAZARD_SUPPLY_NEEDS: HazardNeedGroup[] = [
  {
    group: '防汛',
    hazards: ['山洪', '内涝', '河道堤防', '水库山塘'],
    items: [
      { label: '救生衣', anyOf: ['救生衣'] },
      { label: '冲锋舟或橡皮艇', anyOf: ['冲锋舟', '橡皮艇', '皮划艇'] },
      { label: '编织袋或沙袋', anyOf: ['编织袋', '沙袋', '麻袋'] },
      { label: '抽水泵', anyOf: ['水泵', '抽水机'] },
    ],
  },
  {
    group: '森林防灭火',
    hazards: ['森林火险'],
    items: [
      { label: '风力灭火机', anyOf: ['风力灭火'] },
      { label: '灭火器或二号工具', anyOf: ['灭火器', '二号工具'] },
      { label: '油锯', anyOf: ['油锯'] },
    ],
  },
  {
    group: '地质灾害防治',
    hazards: ['地质灾害'],
    items: [
      { label: '铁锹', anyOf: ['锹'] },
      { label: '应急灯', anyOf: ['应急灯', '照明灯', '探照灯'] },
      { label: '帐篷', anyOf: ['帐篷'] },
    ],
  },
  {
    group: '危化品处置',
    hazards: ['危化品'],
    items: [
      { label: '防毒面具', anyOf: ['防毒面具', '防毒面罩'] },
      { label: '防护服', anyOf: ['防护服'] },
    ],
  },
]

/** The group a hazard type belongs to; undefined when it requires nothing. */
export function needGroupOf(hazard: string): HazardNeedGroup | undefined {
  return HAZARD_SUPPLY_NEEDS.find((g) => (g.hazards as string[]).includes(hazard))
}

/** Every item of the checklist once, in checklist order (an item may serve several groups). */
export function allSupplyNeeds(): SupplyNeed[] {
  const byLabel = new Map<string, SupplyNeed>()
  for (const g of HAZARD_SUPPLY_NEEDS) for (const item of g.items) if (!byLabel.has(item.label)) byLabel.set(item.label, item)
  return [...byLabel.values()]
}

/** The shortfall label a summary counts, without the item list. */
export const hazardShortfallLabel = (group: string) => `缺${group}物资`

/** Whether one supply line answers an item; the server applies the same rule in SQL. */
export function lineMeetsNeed(need: SupplyNeed, line: { name: string; quantity: number; condition: string }): boolean {
  return line.quantity > 0 && line.condition !== 'scrapped' && need.anyOf.some((k) => line.name.includes(k))
}
