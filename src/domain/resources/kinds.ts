/**
 * What the emergency resource database (应急资源数据库) holds, with the Chinese labels of the
 * ledgers. Keys are stable English; labels are what users read and what imports recognise.
 */

/** Kinds kept in the shared `resource` table; supply and equipment lines live in `supply`. */
export const RESOURCE_KINDS = {
  team: '应急救援队伍',
  expert: '应急专家',
  storage_point: '储备点/储备库',
  shelter: '应急避难场所',
  risk_point: '风险隐患点',
  supplier: '保供单位',
} as const
export type ResourceKind = keyof typeof RESOURCE_KINDS
export const RESOURCE_KIND_KEYS = Object.keys(RESOURCE_KINDS) as ResourceKind[]

export const TEAM_LEVELS = {
  city: '市级',
  county: '县级',
  township: '乡镇（街道）级',
  village: '村（社区）级',
  enterprise: '企业',
  social: '社会力量',
  volunteer: '志愿者',
} as const
export type TeamLevel = keyof typeof TEAM_LEVELS

/** 突发事件应对法 (2024) Art. 39. */
export const TEAM_TYPES = {
  fire_rescue: '国家综合性消防救援队伍',
  professional: '专业应急救援队伍',
  volunteer: '志愿者应急救援队伍',
  grassroots: '基层应急救援队伍',
  unit: '单位专职或兼职队伍',
  social: '社会力量应急救援队伍',
} as const
export type TeamType = keyof typeof TEAM_TYPES

/** Common specialities; a team may list others in free text. */
export const TEAM_SPECIALITIES = [
  '综合', '防汛抗旱', '森林灭火', '危化品', '水上搜救', '医疗救护', '地质灾害', '地震救援',
  '矿山救援', '电力抢修', '通信保障', '交通抢通', '雨雪冰冻', '城市排涝', '卫生防疫',
] as const

/** Seed 001 §三.3: a township's comprehensive team ≥ 30 people, a village team ≥ 10. */
export const MIN_TEAM_HEADCOUNT: Partial<Record<TeamLevel, number>> = { township: 30, village: 10 }

/** Shortfall message when a team is below its level's minimum, else null. */
export function headcountShortfall(level: string, headcount: number | null): string | null {
  const min = MIN_TEAM_HEADCOUNT[level as TeamLevel]
  if (min === undefined || headcount === null) return null
  return headcount < min ? `${TEAM_LEVELS[level as TeamLevel]}队伍应不少于 ${min} 人，现有 ${headcount} 人` : null
}

/** 深应急规〔2022〕5号: five first-level domains; groups below them are configured locally. */
export const EXPERT_DOMAINS = {
  accident: '事故灾难',
  natural: '自然灾害',
  health: '公共卫生',
  security: '社会安全',
  general: '综合管理',
} as const
export type ExpertDomain = keyof typeof EXPERT_DOMAINS

/** An expert's 性别, as the 应急专家信息表 asks for it. */
export const GENDERS = { male: '男', female: '女' } as const

export const RESERVE_FORMS = { physical: '实物储备', agreement: '协议储备', capacity: '产能储备' } as const
export type ReserveForm = keyof typeof RESERVE_FORMS

export const CONDITIONS = { good: '完好', repair: '待修', scrapped: '报废' } as const
export type Condition = keyof typeof CONDITIONS

export const STORAGE_KINDS = { warehouse: '储备库', point: '储备点', forward: '前置仓' } as const

/** GB 21734-2008 classes by length of stay. */
export const SHELTER_CLASSES = { I: 'Ⅰ类（≥30天）', II: 'Ⅱ类（10–30天）', III: 'Ⅲ类（≤10天）' } as const
/** GB/T 44013-2024 grading follows the administrative level. */
export const SHELTER_LEVELS = { province: '省级', city: '市级', county: '县级', township: '乡镇（街道）级', village: '村（社区）级' } as const
export const SHELTER_SPACES = { indoor: '室内（场所型）', outdoor: '室外（场地型）' } as const

/** GB 21734 §5.4: more than 1.5 m² of living area per person. */
export const SHELTER_M2_PER_PERSON = 1.5

export function shelterCapacityLimit(effectiveAreaM2: number): number {
  return Math.floor(effectiveAreaM2 / SHELTER_M2_PER_PERSON)
}

export const RISK_LEVELS = { general: '一般', major: '重大' } as const
export const RISK_STATES = { monitoring: '监测中', rectifying: '整治中', eliminated: '已销号' } as const
export const HAZARD_TYPES = [
  '地质灾害', '山洪', '内涝', '河道堤防', '水库山塘', '森林火险', '危化品', '尾矿库',
  '建筑施工', '人员密集场所', '道路交通', '城镇燃气', '其他',
] as const

/** Stock movements: every quantity change has one, with a reason and an author. */
export const MOVEMENT_KINDS = {
  in: '入库',
  out: '出库',
  transfer_out: '调拨出库',
  transfer_in: '调拨入库',
  loss: '报损',
  count: '盘点',
} as const
export type MovementKind = keyof typeof MOVEMENT_KINDS

export function label<T extends Record<string, string>>(table: T, key: string | null | undefined): string {
  return key == null ? '' : (table as Record<string, string>)[key] ?? key
}

/** Second-level expert groups a deployment starts with; administrators add their own. */
export const EXPERT_GROUP_SEEDS: Array<{ code: string; domain: ExpertDomain; name: string }> = [
  { code: 'hazchem', domain: 'accident', name: '危险化学品' },
  { code: 'mining', domain: 'accident', name: '非煤矿山' },
  { code: 'construction', domain: 'accident', name: '建筑施工' },
  { code: 'fire', domain: 'accident', name: '火灾防治' },
  { code: 'road', domain: 'accident', name: '道路交通' },
  { code: 'water_traffic', domain: 'accident', name: '水上交通' },
  { code: 'flood', domain: 'natural', name: '防汛抗旱' },
  { code: 'geo', domain: 'natural', name: '地震与地质灾害' },
  { code: 'forest_fire', domain: 'natural', name: '森林草原防灭火' },
  { code: 'weather', domain: 'natural', name: '气象灾害' },
  { code: 'epidemic', domain: 'health', name: '传染病防控' },
  { code: 'medical', domain: 'health', name: '医疗救护' },
  { code: 'public_security', domain: 'security', name: '社会安全' },
  { code: 'criminal', domain: 'security', name: '刑事侦查' },
  { code: 'management', domain: 'general', name: '综合管理' },
  { code: 'it', domain: 'general', name: '信息通信' },
]
