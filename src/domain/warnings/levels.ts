/**
 * Warning levels (突发事件应对法 2024 Art. 63) and event classes (Art. 2), with the CAP 1.2 words
 * they map to. 1 is the highest level.
 */
export const WARNING_LEVELS = {
  1: { label: '一级（红色）', short: '红色', color: '#d4380d', cap: 'Red', severity: 'Extreme' },
  2: { label: '二级（橙色）', short: '橙色', color: '#fa8c16', cap: 'Orange', severity: 'Severe' },
  3: { label: '三级（黄色）', short: '黄色', color: '#fadb14', cap: 'Yellow', severity: 'Moderate' },
  4: { label: '四级（蓝色）', short: '蓝色', color: '#1677ff', cap: 'Blue', severity: 'Minor' },
} as const
export type WarningLevel = keyof typeof WARNING_LEVELS
export const WARNING_LEVEL_KEYS = [1, 2, 3, 4] as const

export function isWarningLevel(n: unknown): n is WarningLevel {
  return n === 1 || n === 2 || n === 3 || n === 4
}

export const EVENT_CLASSES = {
  natural: '自然灾害',
  accident: '事故灾难',
  health: '公共卫生事件',
  social: '社会安全事件',
} as const
export type EventClass = keyof typeof EVENT_CLASSES
export const EVENT_CLASS_KEYS = Object.keys(EVENT_CLASSES) as EventClass[]

/**
 * Common event types per class, for the form's suggestions; any other text is accepted. The
 * CAP category each one falls under is in cap.ts.
 */
export const EVENT_TYPES: Record<EventClass, readonly string[]> = {
  natural: ['暴雨', '台风', '山洪', '洪水', '地质灾害', '暴雪', '寒潮', '大风', '高温', '干旱', '雷电', '冰雹', '大雾', '道路结冰', '森林火灾', '地震'],
  accident: ['危险化学品事故', '火灾', '道路交通事故', '建筑施工事故', '燃气事故', '水上交通事故', '停电停水'],
  health: ['传染病疫情', '食物中毒', '动物疫情'],
  social: ['群体性事件', '恐怖袭击', '涉外突发事件'],
}

export const WARNING_STATUSES = {
  draft: '草稿',
  submitted: '待审批',
  issued: '已发布',
  cancelled: '已撤销',
  ended: '已解除',
} as const
export type WarningStatus = keyof typeof WARNING_STATUSES

export const WARNING_PURPOSES = { warning: '预警', drill: '通联演练' } as const
export type WarningPurpose = keyof typeof WARNING_PURPOSES
